using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using static Notifications.Functions.Tests.BrowserPageServer;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The anonymous subscriber pages as a reader meets them, in a real browser (Debian's Chromium driven by Playwright, never a
/// downloaded browser) whose language is en, ru or fr: the subscribe form, "check your inbox", the 429 and 413 pages, the
/// confirm page and the confirmed page, a broken link and the digest web view's 404. Every page is checked by axe-core
/// (WCAG 2.0/2.1 A and AA), at 1280 and 390 px (no horizontal scrolling on a phone), and is in the reader's language.
/// Screenshots go to TestResults/screenshots/&lt;page&gt;-&lt;lang&gt;-&lt;width&gt;.png.
/// </summary>
public sealed class SubscriberPagesBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];

    private static readonly Dictionary<string, string[]> ForeignWords = new()
    {
        ["en"] = ["обзор", "synthèse"],
        ["ru"] = ["дайджест", "digest", "synthèse"],
        ["fr"] = ["digest", "обзор"],
    };

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [Theory]
    [InlineData("en", "en-GB")]
    [InlineData("ru", "ru-RU")]
    [InlineData("fr", "fr-FR")]
    public async Task EveryAnonymousPageIsAccessibleFitsAPhoneAndSpeaksTheReadersLanguage(string lang, string locale)
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartServerAsync(ct);
        var t = PageWords.Texts[lang];
        var baseAddress = BaseAddress(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 },
            Locale = locale,
        });
        var page = await context.NewPageAsync();
        var failedRequests = new List<string>();
        page.RequestFailed += (_, request) => failedRequests.Add(request.Url);
        var email = $"k.{lang}.reader@douane.example";

        // The form, as the link on the secretariat's site opens it.
        var form = await page.GotoAsync($"{baseAddress}/api/subscribe?lang={lang}");
        Assert.Equal(200, form!.Status);
        await CheckPageAsync(page, "subscribe", lang, t["subscribe_title"]);

        // From the keyboard: the first Tab shows the skip link on screen, and Enter on it moves to the form.
        await page.Keyboard.PressAsync("Tab");
        var skip = page.Locator("a.skip");
        Assert.Equal(t["skip"], (await skip.InnerTextAsync()).Trim());
        Assert.True(await skip.EvaluateAsync<bool>("e => e === document.activeElement"), "The first Tab does not reach the skip link.");
        var box = await skip.BoundingBoxAsync();
        Assert.True(box is { X: >= 0, Y: >= 0 }, "The focused skip link is off screen.");
        await page.Keyboard.PressAsync("Enter");
        Assert.EndsWith("#main", page.Url, StringComparison.Ordinal);

        // Filled in and sent: "check your inbox".
        await FillSubscribeFormAsync(page, t, email);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["subscribe_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["pending_title"] }).WaitForAsync();
        await CheckPageAsync(page, "pending", lang, t["pending_title"]);

        // The same address sent again within the hour (the limit here is one): 429, with the time to try again.
        await page.GotoAsync($"{baseAddress}/api/subscribe?lang={lang}");
        await FillSubscribeFormAsync(page, t, email);
        var limited = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["subscribe_button"] }).ClickAsync(),
            r => r.Url.Contains("/api/subscribe", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(429, limited.Status);
        // Retry-After: the seconds until the first request of the hour leaves the window (a few seconds ago).
        Assert.InRange(int.Parse(await limited.HeaderValueAsync("retry-after") ?? "", System.Globalization.CultureInfo.InvariantCulture), 3500, 3600);
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["ratelimit_title"] }).WaitForAsync();
        await CheckPageAsync(page, "ratelimit", lang, t["ratelimit_title"]);
        var retry = await page.Locator("main .box p").Last.InnerTextAsync();
        Assert.Matches(@"\d\d:\d\d UTC", retry);
        Assert.Contains("60", retry, StringComparison.Ordinal);

        // A form post far larger than the form (a field padded in the page, then sent by the button): 413, nothing read.
        await page.GotoAsync($"{baseAddress}/api/subscribe?lang={lang}");
        await FillSubscribeFormAsync(page, t, "other." + email);
        await page.Locator("form").EvaluateAsync(
            "(f, size) => { const i = document.createElement('input'); i.type = 'hidden'; i.name = 'padding'; i.value = 'x'.repeat(size); f.appendChild(i); }",
            64 * 1024);
        var tooLarge = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["subscribe_button"] }).ClickAsync(),
            r => r.Url.Contains("/api/subscribe", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(413, tooLarge.Status);
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["toolarge_title"] }).WaitForAsync();
        await CheckPageAsync(page, "toolarge", lang, t["toolarge_title"]);
        Assert.Contains("16", await page.Locator("main .box p").InnerTextAsync(), StringComparison.Ordinal);
        // "Fill in the form again": the page links back to it.
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = t["toolarge_back"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["subscribe_title"] }).WaitForAsync();
        Assert.Equal($"{baseAddress}/api/subscribe?lang={lang}", page.Url);

        // The link from the confirmation mail (the queued request's link, as the sender puts it in the mail).
        var confirmLinks = new List<string>();
        var links = app.Services.GetRequiredService<SubscriptionLinks>();
        await app.Services.GetRequiredService<SubscribeConfirmationQueue>().DrainAsync((m, _) =>
        {
            confirmLinks.Add(links.Confirm(m.SubscriberId, m.RequestId));
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30), ct);
        var confirmLink = Assert.Single(confirmLinks);
        var confirm = await page.GotoAsync(confirmLink);
        Assert.Equal(200, confirm!.Status);
        await CheckPageAsync(page, "confirm", lang, t["confirm_title"]);

        // The button: confirmed, and no preferences link on the page (manage links go only by mail).
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["confirm_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["confirmed_title"] }).WaitForAsync();
        await CheckPageAsync(page, "confirmed", lang, t["confirmed_title"]);
        Assert.Equal(0, await page.Locator("a[href*='preferences'], a[href*='token=']").CountAsync());

        // A damaged link.
        var invalid = await page.GotoAsync($"{baseAddress}/api/confirm?token=AAAA-not-a-token");
        Assert.Equal(400, invalid!.Status);
        await CheckPageAsync(page, "invalid-link", lang, t["invalid_link_title"]);

        // The digest web view of a run that does not exist: a page, not JSON.
        var missing = await page.GotoAsync($"{baseAddress}/api/digests/daily-2026-12-01/{lang}");
        Assert.Equal(404, missing!.Status);
        Assert.StartsWith("text/html", await missing.HeaderValueAsync("content-type"), StringComparison.Ordinal);
        await CheckPageAsync(page, "digest-404", lang, t["digest_not_found_title"]);

        Assert.Empty(failedRequests);
        Assert.Empty(await context.CookiesAsync());
    }

    private static async Task FillSubscribeFormAsync(IPage page, IReadOnlyDictionary<string, string> t, string email)
    {
        await page.GetByLabel(t["email_label"]).FillAsync(email);
        await page.GetByLabel(t["name_label"]).FillAsync("Katrien Janssens");
        await page.GetByLabel(t["organization_other_label"]).FillAsync("Belgian Customs");
    }

    /// <summary>
    /// The page is in <paramref name="lang"/> (its <c>lang</c> attribute, its heading and the layout's words), axe finds no
    /// WCAG 2.1 A/AA violation, and at each width it has a screenshot and no horizontal scrolling.
    /// </summary>
    private static async Task CheckPageAsync(IPage page, string name, string lang, string heading)
    {
        var t = PageWords.Texts[lang];
        Assert.Equal(lang, await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(heading, (await page.Locator("h1").InnerTextAsync()).Trim());
        Assert.StartsWith(heading + " · ", await page.TitleAsync(), StringComparison.Ordinal);
        Assert.Contains(t["service"], await page.Locator("header").InnerTextAsync(), StringComparison.Ordinal);
        // The subscribe form says what its one script does; every other page has none.
        Assert.Equal(t[name == "subscribe" ? "footer_subscribe" : "footer"], (await page.Locator("footer").InnerTextAsync()).Trim());
        // One word for the digests in each language (обзоры, synthèses), and no other language's script on the page.
        var words = await page.Locator("body").InnerTextAsync();
        foreach (var foreign in ForeignWords[lang])
            Assert.DoesNotContain(foreign, words, StringComparison.OrdinalIgnoreCase);
        // The card ends at its padding: the last thing in it (a message box, a form, a link) adds no margin below.
        Assert.Equal("0px", await page.Locator("main > :last-child").EvaluateAsync<string>("e => getComputedStyle(e).marginBottom"));

        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            var axe = await page.RunAxe(WcagAA);
            Assert.True(axe.Violations.Length == 0,
                $"{name} ({lang}, {width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            // What axe could not decide is left to a person: kept beside the screenshots to read.
            await File.WriteAllLinesAsync(Path.Combine(screenshots, $"{name}-{lang}-{width}.axe-incomplete.txt"),
                axe.Incomplete.Select(i => $"{i.Id}: {i.Help} at {string.Join(", ", i.Nodes.Select(n => n.Html))}"));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"{name} ({lang}) at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"{name}-{lang}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }

    /// <summary>
    /// The anonymous pages on Kestrel at a free loopback port, routed as the functions route them, over the Core composition
    /// and a real Azurite; one subscribe request per address and hour, so a second one shows the 429 page.
    /// </summary>
    private Task<WebApplication> StartServerAsync(CancellationToken ct)
    {
        var settings = TestSettings.For(azurite);
        settings["SelfService:SubscribeRequestsPerHour"] = "1";
        return StartAsync(settings, app =>
        {
            var pages = app.Services.GetRequiredService<SubscriptionPages>();
            var view = app.Services.GetRequiredService<DigestWebView>();
            app.MapMethods("/api/subscribe", [HttpMethods.Get, HttpMethods.Post],
                (HttpRequest request, CancellationToken token) => pages.SubscribeAsync(request, token));
            app.MapGet("/api/console/static/{file}", (string file) => ConsoleStaticFiles.Serve(file));
            app.MapMethods("/api/confirm", [HttpMethods.Get, HttpMethods.Post],
                (HttpRequest request, CancellationToken token) => pages.WithBodyLimitAsync(request, pages.ConfirmAsync, token));
            app.MapGet("/api/digests/{run}/{variant}",
                (HttpRequest request, string run, string variant, CancellationToken token) => view.ViewAsync(request, run, variant, token));
        }, ct);
    }
}
