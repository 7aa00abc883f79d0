using System.Text;
using Notifications.Articles;
using Notifications.Storage;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Core.Tests.Web;

/// <summary>
/// The public article pages (<c>/api/articles/{blob name}</c>) over a real Azurite: files go into the <c>articles</c> container and
/// through the ingest as the blob trigger would take them, then the page is asked for as the function asks.
/// </summary>
public sealed class ArticlePagesTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string PtcEn = """
        ---
        title: PTC closes its 243rd session
        published: 2026-10-16
        language: en
        topics: [e-commerce, data model]
        slug: ptc-243
        ---
        The **243rd session** of the Permanent Technical Committee (PTC) was held from 14 to 16 October 2026 in Brussels.

        - Delegates endorsed the data model release.
        """;

    private const string PtcRu = """
        ---
        title: ПТК завершил 243-ю сессию
        published: 2026-10-16
        language: ru
        topics: [e-commerce]
        slug: ptc-243
        url: https://secretariat.example/ru/news/ptc-243
        ---
        243-я сессия Постоянного технического комитета (ПТК) прошла с 14 по 16 октября 2026 года в Брюсселе.
        """;

    private static async Task<TestHost> StartAsync(AzuriteFixture azurite)
    {
        var settings = TestSettings.For(azurite);
        settings["Links:BaseUrl"] = "https://notify.secretariat.example";
        return await TestHost.StartAsync(settings);
    }

    private static async Task<IngestResult> PublishAsync(TestHost host, string name, string content)
    {
        await host.Get<StorageResources>().EnsureCreatedAsync();
        await host.Get<StorageResources>().Articles.GetBlobClient(name).UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(content)), overwrite: true, Ct);
        return await host.Get<ArticleIngestor>().IngestAsync(name, Ct);
    }

    private static Task<HttpAnswer> GetAsync(TestHost host, string name, string method = "GET", string? acceptLanguage = null)
        => HttpCall.InvokeAsync(host.Services, r => host.Get<ArticlePages>().ShowAsync(r, name, Ct), method,
            headers: acceptLanguage is null ? null : new Dictionary<string, string> { ["Accept-Language"] = acceptLanguage });

    [Fact]
    public async Task AnAcceptedArticleHasAPageWithItsBodySessionTopicsAndTranslations()
    {
        await using var host = await StartAsync(azurite);
        Assert.Equal(IngestOutcome.Accepted, (await PublishAsync(host, "2026/ptc-243.en.md", PtcEn)).Outcome);
        Assert.Equal(IngestOutcome.Accepted, (await PublishAsync(host, "2026/ptc-243.ru.md", PtcRu)).Outcome);

        var en = await GetAsync(host, "2026/ptc-243.en.md", acceptLanguage: "fr-FR");
        var ru = await GetAsync(host, "2026/ptc-243.ru.md");

        Assert.Equal((200, 200), (en.Status, ru.Status));
        Assert.Contains("<html lang=\"en\"", en.Body);
        Assert.Contains("<h1>PTC closes its 243rd session</h1>", en.Body);
        Assert.Contains("<strong>243rd session</strong>", en.Body);
        Assert.Contains("<li>Delegates endorsed the data model release.</li>", en.Body);
        Assert.Contains("<p class=\"session\">PTC 243rd session &#183; 14–16 October 2026 &#183; Brussels</p>", en.Body);
        Assert.Contains("Published 16 October 2026", en.Body);
        Assert.Contains("<li>E-commerce</li>", en.Body);
        Assert.Contains("<a href=\"https://notify.secretariat.example/api/articles/2026/ptc-243.ru.md\" hreflang=\"ru\" lang=\"ru\">"
            + "Русский: ПТК завершил 243-ю сессию</a>", en.Body);
        Assert.Contains("<link rel=\"alternate\" hreflang=\"ru\" href=\"https://notify.secretariat.example/api/articles/2026/ptc-243.ru.md\">", en.Body);
        Assert.DoesNotContain("class=\"original\"", en.Body);
        Assert.Equal("en", en.Headers.ContentLanguage.ToString());

        Assert.Contains("<html lang=\"ru\"", ru.Body);
        Assert.Contains("Опубликовано 16 октября 2026", ru.Body);
        Assert.Contains("<p class=\"original\"><a href=\"https://secretariat.example/ru/news/ptc-243\">Читать на сайте источника</a></p>", ru.Body);
        Assert.Contains("hreflang=\"en\" lang=\"en\">English: PTC closes its 243rd session</a>", ru.Body);
        Assert.Contains("Отчёты о сессиях", ru.Body);
    }

    [Fact]
    public async Task HeadAnswersThePagesHeadersWithoutABody()
    {
        await using var host = await StartAsync(azurite);
        await PublishAsync(host, "2026/ptc-243.en.md", PtcEn);

        var get = await GetAsync(host, "2026/ptc-243.en.md");
        var head = await GetAsync(host, "2026/ptc-243.en.md", "HEAD");

        Assert.Equal(200, head.Status);
        Assert.Equal("", head.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(get.Body), head.Headers.ContentLength);
        Assert.Equal("text/html; charset=utf-8", head.Headers.ContentType.ToString());
    }

    [Fact]
    public async Task PagesCarryTheSubscriberPagesSecurityHeadersAndOnlyAnArticleIsCachedBriefly()
    {
        await using var host = await StartAsync(azurite);
        await PublishAsync(host, "2026/ptc-243.en.md", PtcEn);

        var page = await GetAsync(host, "2026/ptc-243.en.md");
        var missing = await GetAsync(host, "2026/nothing.en.md");

        foreach (var answer in new[] { page, missing })
        {
            var csp = answer.Headers.ContentSecurityPolicy.ToString();
            Assert.Contains("default-src 'none'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("script-src", csp);
            Assert.Equal("no-referrer", answer.Headers["Referrer-Policy"].ToString());
            Assert.Equal("nosniff", answer.Headers.XContentTypeOptions.ToString());
        }
        Assert.Contains("img-src data:", page.Headers.ContentSecurityPolicy.ToString());
        Assert.Equal($"public, max-age={ArticlePages.CacheSeconds}", page.Headers.CacheControl.ToString());
        Assert.Equal("no-store", missing.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task AWithdrawnArticleAnswers410AndSoDoesOneWhoseFileIsGoneBeforeTheIngestNoticed()
    {
        await using var host = await StartAsync(azurite);
        await PublishAsync(host, "2026/ptc-243.en.md", PtcEn);
        await PublishAsync(host, "2026/ptc-243.ru.md", PtcRu);
        var articles = host.Get<StorageResources>().Articles;

        await articles.DeleteBlobAsync("2026/ptc-243.en.md", cancellationToken: Ct);
        Assert.Equal(IngestOutcome.Withdrawn, (await host.Get<ArticleIngestor>().IngestAsync("2026/ptc-243.en.md", Ct)).Outcome);
        await articles.DeleteBlobAsync("2026/ptc-243.ru.md", cancellationToken: Ct);

        var withdrawn = await GetAsync(host, "2026/ptc-243.en.md");
        var gone = await GetAsync(host, "2026/ptc-243.ru.md");

        Assert.Equal((410, 410), (withdrawn.Status, gone.Status));
        Assert.Contains("Article withdrawn", withdrawn.Body);
        Assert.Contains("Статья отозвана", gone.Body);
        Assert.Equal("no-store", withdrawn.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task TheTranslationsOfAPageLeaveOutAWithdrawnOne()
    {
        await using var host = await StartAsync(azurite);
        await PublishAsync(host, "2026/ptc-243.en.md", PtcEn);
        await PublishAsync(host, "2026/ptc-243.ru.md", PtcRu);
        await host.Get<StorageResources>().Articles.DeleteBlobAsync("2026/ptc-243.ru.md", cancellationToken: Ct);

        var en = await GetAsync(host, "2026/ptc-243.en.md");

        Assert.Equal(200, en.Status);
        Assert.DoesNotContain("ptc-243.ru.md", en.Body);
        Assert.DoesNotContain("article-translations", en.Body);
    }

    [Fact]
    public async Task DraftHeldAndRejectedArticlesAndUnknownNamesAnswer404()
    {
        await using var host = await StartAsync(azurite);
        Assert.Equal(IngestOutcome.Draft, (await PublishAsync(host, "2026/draft.en.md", PtcEn.Replace("slug: ptc-243", "draft: true"))).Outcome);
        var held = await PublishAsync(host, "2026/held.en.md", PtcEn.Replace("2026-10-16", "2026-12-24").Replace("slug: ptc-243", "slug: held"));
        Assert.True(held.Article!.AvailableAt > host.Time.GetUtcNow());
        Assert.Equal(IngestOutcome.Rejected, (await PublishAsync(host, "2026/rejected.en.md", "---\nsummary: no title\n---\nBody.\n")).Outcome);

        foreach (var name in new[] { "2026/draft.en.md", "2026/held.en.md", "2026/rejected.en.md", "2026/unknown.en.md" })
        {
            var answer = await GetAsync(host, name);
            Assert.True(answer.Status == 404, $"{name}: {answer.Status}");
            Assert.Contains("Article not found", answer.Body);
        }

        host.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(200, (await GetAsync(host, "2026/held.en.md")).Status);
    }

    [Fact]
    public async Task ADuplicateRedirectsPermanentlyToItsOriginal()
    {
        await using var host = await StartAsync(azurite);
        await PublishAsync(host, "2026/ptc-243.en.md", PtcEn);
        Assert.Equal(IngestOutcome.Duplicate, (await PublishAsync(host, "2026/copy.en.md", PtcEn)).Outcome);

        var copy = await GetAsync(host, "2026/copy.en.md");

        Assert.Equal(301, copy.Status);
        Assert.Equal("https://notify.secretariat.example/api/articles/2026/ptc-243.en.md", copy.Headers.Location.ToString());
        Assert.Equal("no-store", copy.Headers.CacheControl.ToString());
    }

    public static TheoryData<string> HostileNames() => new()
    {
        "../ptc-243.en.md",
        "2026/../2026/ptc-243.en.md",
        "2026/./ptc-243.en.md",
        "/2026/ptc-243.en.md",
        "2026//ptc-243.en.md",
        "2026\\ptc-243.en.md",
        "2026/ptc-243.en.md\u0000",
        "2026/ptc-243\n.en.md",
        "2026/ptc%2F243.en.md",
        "",
        new string('a', ArticleNames.MaxLength + 1),
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task HostileNamesAnswer404WithoutALookup(string name)
    {
        await using var host = await StartAsync(azurite);
        await PublishAsync(host, "2026/ptc-243.en.md", PtcEn);

        var answer = await GetAsync(host, name);

        Assert.Equal(404, answer.Status);
        Assert.False(ArticleNames.IsValid(name));
    }

    [Theory]
    [InlineData("2026/ptc-243.en.md")]
    [InlineData("2026/ПТК 243 (итоги).ru.md")]
    [InlineData("ptc.txt")]
    public void EditorsBlobNamesAreValid(string name) => Assert.True(ArticleNames.IsValid(name));

    [Fact]
    public async Task NoScriptHandlerJavascriptUrlFrameOrStyleReachesThePageFromAnyFormat()
    {
        await using var host = await StartAsync(azurite);
        const string hostile = "<script>alert(1)</script><img src=x onerror=alert(2)><a href=\"javascript:alert(3)\">click</a>"
            + "<iframe src=\"https://evil.example\"></iframe><style>body{display:none}</style><p style=\"color:red\" onclick=\"alert(4)\">styled</p>";
        var files = new Dictionary<string, string>
        {
            ["2026/hostile.md"] = "---\ntitle: Markdown with HTML\n---\nText.\n\n" + hostile + "\n\n[link](javascript:alert(5))\n",
            ["2026/hostile-page.html"] = "<!DOCTYPE html><html><head><title>HTML page</title></head><body><article><h1>HTML page</h1><p>Text.</p>"
                + hostile + "</article></body></html>",
            ["2026/hostile-text.txt"] = "Pasted text\n\nText.\n\n" + hostile + "\n",
        };

        foreach (var (name, content) in files)
        {
            Assert.Equal(IngestOutcome.Accepted, (await PublishAsync(host, name, content)).Outcome);
            var page = await GetAsync(host, name);
            Assert.Equal(200, page.Status);
            Assert.Empty(Unsafe(page.Body));
        }
    }

    /// <summary>What a browser would run or restyle in the page's main part: script, frame, style elements, handlers, style attributes,
    /// javascript: URLs (text that merely reads like HTML, as escaped Markdown shows it, is harmless and not counted).</summary>
    private static List<string> Unsafe(string html)
    {
        var main = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelector("main")!;
        var found = new List<string>();
        foreach (var element in main.QuerySelectorAll("*"))
        {
            if (element.LocalName is "script" or "iframe" or "style" or "object" or "embed" or "frame")
                found.Add("<" + element.LocalName + ">");
            foreach (var attribute in element.Attributes)
                if (attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || attribute.Name == "style"
                    || attribute.Value.Trim().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase))
                    found.Add($"{element.LocalName} {attribute.Name}=\"{attribute.Value}\"");
        }
        return found;
    }

    [Fact]
    public async Task RenderSanitisesABodyItIsGivenWhoeverMadeIt()
    {
        await using var host = await StartAsync(azurite);
        var article = new IndexedArticle("2026/draft.en.md", ArticleStatus.Draft, "Draft <b>title</b>", "Summary.", "en", [], null, null, "h", null, null);

        var html = host.Get<ArticlePages>().Render(article,
            "<p onmouseover=\"alert(1)\">Body</p><script>alert(2)</script><a href=\"javascript:alert(3)\">x</a><iframe src=\"https://evil.example\"></iframe>",
            []);

        Assert.Contains("<p>Body</p>", html);
        Assert.Contains("<h1>Draft &lt;b&gt;title&lt;/b&gt;</h1>", html);
        Assert.Empty(Unsafe(html));
    }
}
