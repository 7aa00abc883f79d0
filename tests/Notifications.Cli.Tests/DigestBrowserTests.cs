using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Templates;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Web;

namespace Notifications.Cli.Tests;

/// <summary>
/// The digest, an alert and the digest's web view in a real browser (Debian's Chromium driven by Playwright, never a downloaded
/// browser), light and dark (<c>prefers-color-scheme</c>), at 1280 px (a desktop) and 390 px (a phone): nothing may overflow
/// horizontally, and axe-core finds no WCAG 2.0/2.1 A or AA violation (contrast included, in both schemes). The web view is also
/// checked by the Nu Html Checker (<see cref="NuHtmlChecker"/>). Screenshots go to TestResults/screenshots:
/// digest-&lt;lang&gt;-&lt;width&gt;[-dark].png, alert-…, web-view-….
/// </summary>
public sealed class DigestBrowserTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DigestRenderer Renderer = new(new TemplateSet(), Options.Create(new SenderOptions
    {
        Sender = "PTC Secretariat",
        Organization = "the Permanent Technical Committee's session reports",
        Footer = "Secretariat of the Permanent Technical Committee, Rue du Marché 30, 1210 Brussels",
    }));

    private static readonly int[] Widths = [1280, 390];

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    private readonly TempFolder _temp = new();

    public static TheoryData<string> Languages => new("en", "ru", "fr");

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task TheDigestIsAccessibleLightAndDarkOnADesktopAndAPhoneWithoutHorizontalScrolling(string language)
    {
        BrowserRequirement.RequireChromium();
        var period = DigestPeriod.For(DigestFrequency.Daily, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        // The samples, plus the worst case for a narrow screen: a long unbroken word, a long URL-like title, long session line.
        var articles = DigestSamples.For(language).Append(DigestSamples.For(language)[0] with
        {
            BlobName = "long.md",
            TranslationKey = null,
            Title =
                "Internationalisierungsbestrebungen-Zollverwaltungsinformationsaustauschverfahren https://secretariat.example/a/very/long/path/without/breaks",
            Summary = new string('x', 120) + " " + string.Concat(Enumerable.Repeat("Таможенно-тарифное регулирование ", 8)),
            Session = new SessionInfo(null, null, "Permanent Technical Committee of the World Customs Organization", null, [239, 240, 241, 242],
                new DateOnly(2026, 12, 30), new DateOnly(2027, 1, 2), "Brussels, Tashkent, Baku and Almaty", Participation.Hybrid),
        }).ToList();
        var content = Renderer.Render(period, articles, language, $"https://notify.secretariat.example/api/digests/{period.RunId}/{language}");
        var html = content.Placeholders!.Apply(content.Html, Recipient(language));

        await CheckAsync(html, "digest", language, async (page, width) =>
        {
            // The card is 640 px at most on a wide screen, and the whole width of a phone.
            var card = await page.EvaluateAsync<double>("document.querySelector('table.container').getBoundingClientRect().width");
            Assert.True(width > 640 ? card is > 600 and <= 640 : card <= width && card >= width - 24, $"{language} at {width} px: the card is {card} px wide.");
            // The preheader is for the inbox list only: not shown in the message.
            Assert.False(await page.Locator(".preheader").IsVisibleAsync());
            Assert.True(await page.GetByText(DigestLocale.For(language).Text("unsubscribe"), new() { Exact = true }).IsVisibleAsync());
        });
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task AnAlertOfAnArticleInAnotherLanguageIsAccessibleLightAndDark(string language)
    {
        BrowserRequirement.RequireChromium();
        // A reader of one language alerted to an article that exists only in another.
        var article = DigestSamples.Articles.First(a => a.Language != language && a.TranslationKey is null);
        var period = DigestPeriod.Alert(article);
        var content = Renderer.Render(period, [article], language, $"https://notify.secretariat.example/api/digests/instant-0123456789abcdef/{language}");
        await CheckAsync(content.Placeholders!.Apply(content.Html, Recipient(language)), "alert", language, (_, _) => Task.CompletedTask);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task TheWebViewIsAPageWithAMainLandmarkAndLinksToTheManageLinkRequestAndTheSubscribePage(string language)
    {
        BrowserRequirement.RequireChromium();
        var period = DigestPeriod.For(DigestFrequency.Daily, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        string html;
        await using (var host = await TestHost.StartAsync(TestSettings.For(azurite, _temp.Combine("outbox")), DateTimeOffset.UtcNow))
            html = host.Get<DigestWebView>().Page(new DigestRendering(period, language, false, DigestSamples.For(language)));
        var t = DigestLocale.For(language);

        // A page: none of the mail's own markup, no "view in browser", nobody's name.
        Assert.DoesNotContain("mso", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("preheader", html);
        Assert.DoesNotContain(t.Text("view_in_browser"), html);
        Assert.DoesNotContain("subscriber!", html);
        Assert.DoesNotContain("token=", html);

        await CheckAsync(html, "web-view", language, async (page, _) =>
        {
            Assert.Equal(1, await page.Locator("main").CountAsync());
            // The footer leads to the manage-link request and the subscribe page, in the view's language.
            Assert.Equal(1, await page.Locator($".footer a[href$='/api/manage-link?lang={language}']").CountAsync());
            Assert.Equal(1, await page.Locator($".footer a[href$='/api/subscribe?lang={language}']").CountAsync());
            Assert.Equal(0, await page.Locator(".greeting").CountAsync());
        });

        var errors = await NuHtmlChecker.ErrorsAsync(html, _temp.Combine($"web-view-{language}.html"), TestContext.Current.CancellationToken);
        Assert.True(errors.Count == 0, $"The Nu Html Checker finds errors in the {language} web view:\n" + string.Join("\n", errors));
    }

    private static Recipient Recipient(string language) => DigestSamples.Recipient(language, "recipient@example.org",
        "https://notify.secretariat.example/api/unsubscribe?token=" + new string('A', 120),
        "https://notify.secretariat.example/api/preferences?token=" + new string('B', 120));

    /// <summary>
    /// Opens the HTML light and dark at each width (no network): no horizontal scrolling, no axe violation, the page's own checks,
    /// and a screenshot <c>&lt;name&gt;-&lt;lang&gt;-&lt;width&gt;[-dark].png</c>. In dark mode the card must really be dark.
    /// </summary>
    private static async Task CheckAsync(string html, string name, string language, Func<IPage, int, Task> check)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DigestScreenshots.LaunchAsync(playwright);
        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            foreach (var width in Widths)
            {
                var page = await browser.NewPageAsync(new BrowserNewPageOptions
                {
                    ViewportSize = new ViewportSize { Width = width, Height = 800 },
                    ColorScheme = scheme,
                });
                page.SetDefaultTimeout(60_000);
                await page.RouteAsync("**/*", route => route.AbortAsync());
                await page.SetContentAsync(html);
                var label = $"{name} ({language}, {width} px, {scheme})";

                var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
                Assert.True(scrollWidth <= width, $"{label}: the page is {scrollWidth} px wide; something overflows horizontally.");
                var card = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.card')).backgroundColor");
                Assert.Equal(scheme == ColorScheme.Dark ? "rgb(30, 41, 59)" : "rgb(255, 255, 255)", card);
                var axe = await page.RunAxe(WcagAA);
                Assert.True(axe.Violations.Length == 0, $"{label}: axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
                await check(page, width);

                var suffix = scheme == ColorScheme.Dark ? "-dark" : "";
                await page.ScreenshotAsync(new PageScreenshotOptions
                {
                    Path = Path.Combine(screenshots, $"{name}-{language}-{width}{suffix}.png"), FullPage = true,
                });
                await page.CloseAsync();
            }
    }

    public void Dispose() => _temp.Dispose();
}
