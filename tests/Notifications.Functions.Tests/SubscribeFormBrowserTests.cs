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
/// The subscribe form as a person fills it in, in Chromium, in English and Russian: every error at once with the values kept; the
/// time zone list in the page's language, grouped by region and preselected from the browser; a member administration chosen
/// from the list; the confirmation mail repeating the choices; the confirm pages in the language chosen on the form (not the
/// browser's), the confirmed page saying when the first digest comes. axe on every state; screenshots at 1280 and 390 px under
/// TestResults/screenshots/subscribe-form-&lt;state&gt;-&lt;lang&gt;-&lt;width&gt;.png.
/// </summary>
public sealed class SubscribeFormBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [Theory]
    [InlineData("en", "en-GB", "Tashkent (Uzbekistan)", "Asia")]
    [InlineData("ru", "ru-RU", "Ташкент (Узбекистан)", "Азия")]
    public async Task ASubscriberSeesEveryErrorAtOnceChoosesZoneDayAndAdministrationInTheirLanguageAndGetsItConfirmed(
        string lang, string locale, string tashkent, string asia)
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", Guid.NewGuid().ToString("N"), "outbox");
        await using var app = await StartServerAsync(outbox, ct);
        var t = PageWords.Texts[lang];
        var baseAddress = BaseAddress(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        // The browser says English whatever the page: the pages after the form must follow the language chosen on it.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 }, Locale = locale, TimezoneId = "Asia/Tashkent",
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{baseAddress}/api/subscribe?lang={lang}");

        // The zone list: in the page's language, by region, and the browser's own zone preselected by the page's script.
        var zone = page.Locator("#time_zone");
        Assert.Equal("Asia/Tashkent", await zone.InputValueAsync());
        Assert.StartsWith(tashkent, (await zone.Locator("option:checked").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Assert.Equal(1, await zone.Locator($"optgroup[label='{asia}'] option[value='Asia/Tashkent']").CountAsync());
        var labels = await zone.Locator("option").AllInnerTextsAsync();
        Assert.True(labels.Count > 300, $"only {labels.Count} zones");
        Assert.DoesNotContain(labels, l => l.Contains('/', StringComparison.Ordinal) || l.Contains('_', StringComparison.Ordinal));
        await CheckAsync(page, "subscribe-form", lang);

        // Sent with mistakes everywhere: every error at once, each beside its field, the choices kept, nothing counted.
        await page.GetByLabel(t["email_label"]).FillAsync("a.karimov@@customs.example");
        await page.Locator("#weekly_day").SelectOptionAsync("wednesday");
        await page.Locator("#frequency-weekly").CheckAsync();
        await Submit(page, t);
        await page.Locator("#form-error").WaitForAsync();
        var summary = await page.Locator("#form-error li").AllInnerTextsAsync();
        Assert.Equal([t["error_email"], t["error_name"], t["error_organization"]], summary.Select(s => s.Trim()));
        Assert.Equal("true", await page.Locator("#email").GetAttributeAsync("aria-invalid"));
        Assert.Equal("true", await page.Locator("#name").GetAttributeAsync("aria-invalid"));
        Assert.Equal("a.karimov@@customs.example", await page.Locator("#email").InputValueAsync());
        Assert.Equal(("wednesday", "Asia/Tashkent"), (await page.Locator("#weekly_day").InputValueAsync(), await zone.InputValueAsync()));
        Assert.True(await page.Locator("#frequency-weekly").IsCheckedAsync());
        await CheckAsync(page, "subscribe-form-errors", lang);

        // Corrected: the administration chosen from the list (no name or code to type), Russian mails, 09:00.
        await page.GetByLabel(t["email_label"]).FillAsync($"a.karimov.{lang}@customs.example");
        await page.GetByLabel(t["name_label"]).FillAsync("Alisher Karimov");
        await page.Locator("#member").SelectOptionAsync("uz");
        await page.Locator("#language").SelectOptionAsync("ru");
        await page.Locator("#delivery_hour").SelectOptionAsync("9");
        await Submit(page, t);
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = t["pending_title"] }).WaitForAsync();

        // The confirmation mail, in Russian, repeats what was chosen.
        var sender = app.Services.GetRequiredService<SubscribeConfirmationSender>();
        var links = app.Services.GetRequiredService<SubscriptionLinks>();
        var confirmLinks = new List<string>();
        await app.Services.GetRequiredService<SubscribeConfirmationQueue>().DrainAsync(async (m, token) =>
        {
            await sender.SendAsync(m, token);
            confirmLinks.Add(links.Confirm(m.SubscriberId, m.RequestId));
        }, TimeSpan.FromSeconds(30), ct);
        var mail = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(outbox, "*.html", SearchOption.AllDirectories)), ct);
        Assert.Contains("еженедельно: среда, 09:00", mail, StringComparison.Ordinal);
        Assert.Contains("Ташкент (Узбекистан)", mail, StringComparison.Ordinal);
        Assert.Contains("Русский", mail, StringComparison.Ordinal);

        // The link: the confirm page and the confirmed page in Russian, whatever the browser says.
        var ru = PageWords.Texts["ru"];
        await page.GotoAsync(Assert.Single(confirmLinks));
        Assert.Equal("ru", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(ru["confirm_title"], (await page.Locator("h1").InnerTextAsync()).Trim());
        await CheckAsync(page, "subscribe-form-confirm", lang);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = ru["confirm_button"] }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = ru["confirmed_title"] }).WaitForAsync();
        var confirmed = await page.Locator("main").InnerTextAsync();
        Assert.Contains("Первый обзор придёт", confirmed, StringComparison.Ordinal);
        Assert.Contains("09:00 (Ташкент)", confirmed, StringComparison.Ordinal);
        await CheckAsync(page, "subscribe-form-confirmed", lang);

        var stored = await app.Services.GetRequiredService<SubscriberStore>().FindByEmailAsync($"a.karimov.{lang}@customs.example", ct);
        Assert.NotNull(stored);
        Assert.Equal(("uz", "UZ", "Таможенный комитет Республики Узбекистан", DayOfWeek.Wednesday, 9),
            (stored.Member, stored.Country, stored.Organization, stored.WeeklyDay, stored.DeliveryHour));
    }

    private static Task Submit(IPage page, IReadOnlyDictionary<string, string> t)
        => page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = t["subscribe_button"] }).ClickAsync();

    /// <summary>axe finds no WCAG 2.1 A/AA violation, nothing overflows a phone, and a screenshot at each width.</summary>
    private static async Task CheckAsync(IPage page, string name, string lang)
    {
        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            var axe = await page.RunAxe(WcagAA);
            Assert.True(axe.Violations.Length == 0,
                $"{name} ({lang}, {width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"{name} ({lang}) at {width} px is {scrollWidth} px wide.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"{name}-{lang}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }

    private Task<WebApplication> StartServerAsync(string outbox, CancellationToken ct)
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:OutboxPath"] = outbox;
        settings["Members:Administrations:0:Key"] = "uz";
        settings["Members:Administrations:0:Organization"] = "Customs Committee of Uzbekistan";
        settings["Members:Administrations:0:Names:ru"] = "Таможенный комитет Республики Узбекистан";
        settings["Members:Administrations:0:Country"] = "UZ";
        settings["Members:Administrations:1:Key"] = "be";
        settings["Members:Administrations:1:Organization"] = "Belgian Customs";
        settings["Members:Administrations:1:Names:ru"] = "Таможня Бельгии";
        settings["Members:Administrations:1:Country"] = "BE";
        return StartAsync(settings, app =>
        {
            var pages = app.Services.GetRequiredService<SubscriptionPages>();
            app.MapMethods("/api/subscribe", [HttpMethods.Get, HttpMethods.Post],
                (HttpRequest request, CancellationToken token) => pages.SubscribeAsync(request, token));
            app.MapGet("/api/console/static/{file}", (string file) => ConsoleStaticFiles.Serve(file));
            app.MapMethods("/api/confirm", [HttpMethods.Get, HttpMethods.Post],
                (HttpRequest request, CancellationToken token) => pages.WithBodyLimitAsync(request, pages.ConfirmAsync, token));
        }, ct);
    }
}
