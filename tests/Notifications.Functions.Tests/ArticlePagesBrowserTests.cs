using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notifications.Articles;
using Notifications.Functions.Web;
using Notifications.Localization;
using Notifications.Storage;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The public article pages as a reader meets them from a digest, in a real browser (Debian's Chromium driven by Playwright): one
/// report in English, Russian and French (a translation group), each page in its article's language, checked by axe-core (WCAG
/// 2.0/2.1 A and AA) at 1280 and 390 px with no horizontal scrolling, and the links between the translations followed.
/// Screenshots go to TestResults/screenshots/article-page-&lt;lang&gt;-&lt;width&gt;.png (and article-withdrawn-en-*.png).
/// </summary>
public sealed class ArticlePagesBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    private static readonly Dictionary<string, (string Title, string Body)> Reports = new()
    {
        ["en"] = ("PTC closes its 243rd session", """
            The 243rd session of the Permanent Technical Committee (PTC) of the World Customs Organization (WCO) was held from 14 to
            16 October 2026 in Brussels with online participation.

            ## Decisions

            - Delegates endorsed the **data model** release 4.2.
            - The Committee agreed next steps on cross-border e-commerce parcels.

            > "Shared data makes borders faster and safer," the Chair said.
            """),
        ["ru"] = ("ПТК завершил 243-ю сессию", """
            243-я сессия Постоянного технического комитета (ПТК) Всемирной таможенной организации (ВТамО) прошла с 14 по 16 октября
            2026 года в Брюсселе с участием онлайн.

            ## Решения

            - Делегаты одобрили выпуск **модели данных** 4.2.
            - Комитет согласовал дальнейшие шаги по посылкам электронной торговли.
            """),
        ["fr"] = ("Le CTP clôt sa 243e session", """
            La 243e session du Comité technique permanent (CTP) de l'Organisation mondiale des douanes (OMD) s'est tenue du 14 au
            16 octobre 2026 à Bruxelles avec une participation en ligne.

            ## Décisions

            - Les délégués ont approuvé la version 4.2 du **modèle de données**.
            - Le Comité a convenu des prochaines étapes pour les colis du commerce électronique.
            """),
    };

    [Fact]
    public async Task ArticlePagesInEachLanguageAreAccessibleFitAPhoneAndLinkTheirTranslations()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync(TestSettings.For(azurite), app =>
        {
            var pages = app.Services.GetRequiredService<ArticlePages>();
            app.MapMethods("/api/articles/{*name}", [HttpMethods.Get, HttpMethods.Head],
                (HttpRequest request, string name, CancellationToken token) => new ReadArticle(pages).Run(request, name, token));
        }, ct);
        var storage = app.Services.GetRequiredService<StorageResources>();
        await storage.EnsureCreatedAsync();
        foreach (var (lang, (title, body)) in Reports)
        {
            var file = $"---\ntitle: {title}\npublished: 2026-10-16\nlanguage: {lang}\ntopics: [e-commerce, data model]\nslug: ptc-243\n"
                + (lang == "fr" ? "url: https://secretariat.example/fr/news/ptc-243\n" : "") + "---\n" + body;
            await storage.Articles.GetBlobClient($"2026/ptc-243.{lang}.md").UploadAsync(BinaryData.FromString(file), overwrite: true, ct);
            var ingested = await app.Services.GetRequiredService<ArticleIngestor>().IngestAsync($"2026/ptc-243.{lang}.md", ct);
            Assert.Equal(IngestOutcome.Accepted, ingested.Outcome);
        }
        var baseAddress = BaseAddress(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 } });
        var page = await context.NewPageAsync();

        foreach (var lang in Reports.Keys)
        {
            var answer = await page.GotoAsync($"{baseAddress}/api/articles/2026/ptc-243.{lang}.md");
            Assert.Equal(200, answer!.Status);
            Assert.Equal(lang, await page.Locator("html").GetAttributeAsync("lang"));
            Assert.Equal(Reports[lang].Title, (await page.Locator("h1").InnerTextAsync()).Trim());
            Assert.Contains("243", await page.Locator("p.session").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains(Translations.For(lang)["article_page.service"], await page.Locator("header").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(2, await page.Locator("nav a[hreflang]").CountAsync());
            Assert.Equal(lang == "fr" ? 1 : 0, await page.Locator("p.original a").CountAsync());
            await CheckAsync(page, $"article-page-{lang}", lang);
        }

        // From the English page to the Russian one by its link, as a reader would.
        await page.GotoAsync($"{baseAddress}/api/articles/2026/ptc-243.en.md");
        await page.Locator("nav a[hreflang=ru]").ClickAsync();
        Assert.EndsWith("/api/articles/2026/ptc-243.ru.md", page.Url, StringComparison.Ordinal);
        Assert.Equal(Reports["ru"].Title, (await page.Locator("h1").InnerTextAsync()).Trim());

        // Withdrawn: the file is deleted; the page says so (410) in the article's language, as accessible as the others.
        // (A new browser: this one may keep the page it read for ArticlePages.CacheSeconds, which is the point of caching it.)
        await storage.Articles.DeleteBlobAsync("2026/ptc-243.en.md", cancellationToken: ct);
        await context.CloseAsync();
        context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 } });
        page = await context.NewPageAsync();
        var withdrawn = await page.GotoAsync($"{baseAddress}/api/articles/2026/ptc-243.en.md");
        Assert.Equal(410, withdrawn!.Status);
        Assert.Equal(Translations.For("en")["article_page.withdrawn_title"], (await page.Locator("h1").InnerTextAsync()).Trim());
        await CheckAsync(page, "article-withdrawn-en", "en");
    }

    /// <summary>At each width: no WCAG 2.1 A/AA violation, no horizontal scrolling, and a screenshot.</summary>
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
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"{name} ({lang}) at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
