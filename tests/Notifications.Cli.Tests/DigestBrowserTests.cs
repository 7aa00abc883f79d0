using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Templates;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Cli.Tests;

/// <summary>
/// The digest HTML in a real browser (Debian's Chromium driven by Playwright, never a downloaded browser), as a desktop
/// reading pane (1000 px) and a small phone (360 px): nothing may overflow horizontally. Screenshots go to TestResults/screenshots.
/// </summary>
public sealed class DigestBrowserTests
{
    private static readonly DigestRenderer Renderer = new(new TemplateSet(), Options.Create(new SenderOptions
    {
        Sender = "PTC Secretariat",
        Organization = "the Permanent Technical Committee's session reports",
        Footer = "Secretariat of the Permanent Technical Committee, Rue du Marché 30, 1210 Brussels",
    }));

    public static TheoryData<string> Languages => new("en", "ru", "fr");

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task TheDigestFitsADesktopPaneAndA360PixelPhoneWithoutHorizontalScrolling(string language)
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
        var recipient = DigestSamples.Recipient(language, "recipient@example.org",
            "https://notify.secretariat.example/api/unsubscribe?token=" + new string('A', 120),
            "https://notify.secretariat.example/api/preferences?token=" + new string('B', 120));
        var html = content.Placeholders!.Apply(content.Html, recipient);

        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await DigestScreenshots.LaunchAsync(playwright);
        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);

        foreach (var width in new[] { 1000, 360 })
        {
            var page = await DigestScreenshots.OpenAsync(browser, html, width);
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"{language} at {width} px: the page is {scrollWidth} px wide; something overflows horizontally.");

            // The card is 640 px at most on a wide screen, and the whole width of a phone.
            var card = await page.EvaluateAsync<double>("document.querySelector('table.container').getBoundingClientRect().width");
            Assert.True(width > 640 ? card is > 600 and <= 640 : card <= width && card >= width - 24, $"{language} at {width} px: the card is {card} px wide.");

            // The preheader is for the inbox list only: not shown in the message.
            Assert.False(await page.Locator(".preheader").IsVisibleAsync());
            Assert.True(await page.GetByText(DigestLocale.For(language).Text("unsubscribe"), new() { Exact = true }).IsVisibleAsync());

            await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"digest-{language}-{width}.png"), FullPage = true });
            await page.CloseAsync();
        }
    }
}
