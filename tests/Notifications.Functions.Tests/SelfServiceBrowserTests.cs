using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// Every dead end of the subscriber pages has a way out, walked in Debian's Chromium in English and Russian: a broken link offers
/// the manage-link request, whose mail lands in the outbox; the unsubscribed page undoes with one click or switches to weekly;
/// the preferences link of an inactive subscription subscribes again (double opt-in); an active subscriber who fills in the
/// subscribe form again gets their manage link by mail. Each page is checked by axe-core (WCAG 2.1 A/AA) at 1280 and 390 px,
/// with screenshots in TestResults/screenshots/selfservice-&lt;state&gt;-&lt;lang&gt;-&lt;width&gt;.png.
/// </summary>
public sealed partial class SelfServiceBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [Theory]
    [InlineData("en", "en-GB")]
    [InlineData("ru", "ru-RU")]
    public async Task EveryDeadEndHasAWayOut(string lang, string locale)
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "selfservice-" + Guid.NewGuid().ToString("N")[..10]);
        await using var app = await StartServerAsync(outbox, ct);
        var t = PageWords.Texts[lang];
        var baseAddress = BaseAddress(app);
        var store = app.Services.GetRequiredService<SubscriberStore>();
        var links = app.Services.GetRequiredService<SubscriptionLinks>();
        var run = Guid.NewGuid().ToString("N")[..8];
        var active = await store.AddAsync(new NewSubscriber($"active.{run}.{lang}@douane.example", "Katrien Janssens", "Belgian Customs", lang), ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 }, Locale = locale });
        context.SetDefaultTimeout((float)Wait.TotalMilliseconds);
        var page = await context.NewPageAsync();

        // 1. A broken link → "email me a link" → the mail, to that address only → the preferences it opens.
        var broken = await page.GotoAsync($"{baseAddress}/api/preferences?lang={lang}&token=AAAA-not-a-token");
        Assert.Equal(400, broken!.Status);
        await CheckPageAsync(page, "broken-link", lang, t["invalid_link_title"]);
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = t["manage_link_offer"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["manage_link_title"] }).WaitForAsync();
        await CheckPageAsync(page, "manage-link", lang, t["manage_link_title"]);
        await page.GetByLabel(t["email_label"]).FillAsync(active.Email);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["manage_link_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["manage_link_sent_title"] }).WaitForAsync();
        await CheckPageAsync(page, "manage-link-sent", lang, t["manage_link_sent_title"]);
        var mail = Assert.Single(await DrainAsync(app, outbox, ct));
        Assert.Equal(active.Email, mail.Recipient().Address);
        await page.GotoAsync(Link(mail, "preferences"));
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["preferences_title"] }).WaitForAsync();
        Assert.Contains(active.Email, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // 2. Unsubscribe → undo, from the same link.
        await page.GotoAsync(links.Unsubscribe(active.Id));
        await CheckPageAsync(page, "unsubscribe", lang, t["unsubscribe_title"]);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["unsubscribe_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["unsubscribed_title"] }).WaitForAsync();
        await CheckPageAsync(page, "unsubscribed", lang, t["unsubscribed_title"]);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await store.GetAsync(active.Id, ct))!.Status);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["undo_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["resubscribed_title"] }).WaitForAsync();
        await CheckPageAsync(page, "undone", lang, t["resubscribed_title"]);
        Assert.Equal(SubscriberStatus.Active, (await store.GetAsync(active.Id, ct))!.Status);

        // 3. Unsubscribe → "send me weekly instead".
        await page.GotoAsync(links.Unsubscribe(active.Id));
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["unsubscribe_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["unsubscribed_title"] }).WaitForAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["weekly_instead_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["resubscribed_title"] }).WaitForAsync();
        await CheckPageAsync(page, "weekly-instead", lang, t["resubscribed_title"]);
        Assert.Contains(t["weekly_now_text"], await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        var weekly = (await store.GetAsync(active.Id, ct))!;
        Assert.Equal((SubscriberStatus.Active, DigestFrequency.Weekly), (weekly.Status, weekly.Frequency));

        // 4. The preferences link of a subscription unsubscribed long ago (by an import: no undo) → subscribe again, double opt-in.
        var inactiveEmail = $"inactive.{run}.{lang}@douane.example";
        await store.UpsertManyAsync(
            [new NewSubscriber(inactiveEmail, "Aziz Karimov", "State Customs Committee", lang, Status: SubscriberStatus.Unsubscribed)], ct);
        var inactive = (await store.FindByEmailAsync(inactiveEmail, ct))!;
        await page.GotoAsync(links.Preferences(inactive.Id));
        await CheckPageAsync(page, "inactive-preferences", lang, t["inactive_title"]);
        Assert.Equal(0, await page.Locator("input[name=frequency]").CountAsync());
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["resubscribe_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["pending_title"] }).WaitForAsync();
        await CheckPageAsync(page, "resubscribe-pending", lang, t["pending_title"]);
        var confirmation = Assert.Single(await DrainAsync(app, outbox, ct), m => m.Recipient().Address == inactiveEmail);
        await page.GotoAsync(Link(confirmation, "confirm"));
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["confirm_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["confirmed_title"] }).WaitForAsync();
        Assert.Equal(SubscriberStatus.Active, (await store.GetAsync(inactive.Id, ct))!.Status);

        // 5. An active subscriber fills in the subscribe form again: "check your inbox", as for anyone, and their manage link by mail.
        await page.GotoAsync($"{baseAddress}/api/subscribe?lang={lang}");
        await page.GetByLabel(t["email_label"]).FillAsync(inactiveEmail);
        await page.GetByLabel(t["name_label"]).FillAsync("Aziz Karimov");
        await page.GetByLabel(t["organization_other_label"]).FillAsync("State Customs Committee");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["subscribe_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["pending_title"] }).WaitForAsync();
        // The confirmation went out a moment ago: the manage link waits for the resend interval (zero here, see the settings).
        var manage = Assert.Single(await DrainAsync(app, outbox, ct), m => m.Recipient().Address == inactiveEmail);
        Assert.Contains("/api/preferences?token=", manage.TextBody ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("/api/confirm?token=", manage.TextBody ?? "", StringComparison.Ordinal);
        Assert.Empty(await context.CookiesAsync());
    }

    private static async Task<List<MimeKit.MimeMessage>> DrainAsync(WebApplication app, string outbox, CancellationToken ct)
    {
        var before = Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories).ToHashSet() : [];
        await app.Services.GetRequiredService<Notifications.Pipeline.ConfirmationRequested>().SendWaitingAsync(ct);
        return Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories).Where(p => !before.Contains(p)).Select(OutboxMail.Read).ToList();
    }

    private static string Link(MimeKit.MimeMessage mail, string route)
        => Regex.Match(mail.TextBody ?? "", $@"https?://[^\s""<>]+/api/{route}\?token=[A-Za-z0-9_-]+").Value is { Length: > 0 } link
            ? link
            : throw new InvalidOperationException($"No {route} link in the mail.");

    private Task<WebApplication> StartServerAsync(string outbox, CancellationToken ct)
    {
        var settings = TestSettings.For(azurite, outbox);
        settings["SelfService:ConfirmationResendInterval"] = "00:00:01";
        return StartAsync(settings, app =>
        {
            var pages = app.Services.GetRequiredService<SubscriptionPages>();
            app.MapMethods("/api/subscribe", [HttpMethods.Get, HttpMethods.Post], (HttpRequest r, CancellationToken c) => pages.SubscribeAsync(r, c));
            app.MapMethods("/api/confirm", [HttpMethods.Get, HttpMethods.Post],
                (HttpRequest r, CancellationToken c) => pages.WithBodyLimitAsync(r, pages.ConfirmAsync, c));
            app.MapMethods("/api/unsubscribe", [HttpMethods.Get, HttpMethods.Post], (HttpRequest r, CancellationToken c) => pages.UnsubscribeAsync(r, c));
            app.MapMethods("/api/preferences", [HttpMethods.Get, HttpMethods.Post], (HttpRequest r, CancellationToken c) => pages.PreferencesAsync(r, c));
            app.MapMethods("/api/manage-link", [HttpMethods.Get, HttpMethods.Post], (HttpRequest r, CancellationToken c) => pages.ManageLinkAsync(r, c));
        }, ct);
    }

    /// <summary>
    /// The page is in <paramref name="lang"/> with <paramref name="heading"/>, axe finds no WCAG 2.1 A/AA violation, it fits a phone,
    /// and it is shot at each width.
    /// </summary>
    private static async Task CheckPageAsync(IPage page, string name, string lang, string heading)
    {
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = heading }).WaitForAsync();
        Assert.Equal(lang, await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(heading, (await page.Locator("h1").InnerTextAsync()).Trim());
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
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"{name} ({lang}) at {width} px is {scrollWidth} px wide.");
            var path = Path.Combine(screenshots, $"selfservice-{name}-{lang}-{width}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
