using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Core.Tests.Templates;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Digests;

/// <summary>Where a digest item links: its url, else its hosted page (<c>/api/articles/...</c>), so every item links somewhere.</summary>
public sealed class ArticleLinksTests
{
    /// <summary>Article links under <paramref name="baseUrl"/>, as the composition makes them from <c>Links:BaseUrl</c>.</summary>
    internal static ArticleLinks At(string baseUrl)
        => new(new ServiceCollection().Configure<LinkOptions>(o => o.BaseUrl = baseUrl).BuildServiceProvider()
            .GetRequiredService<IOptionsMonitor<LinkOptions>>());

    private static IndexedArticle Article(string blob, string? url) => new(
        blob, ArticleStatus.Accepted, "PTC closes its 243rd session", "Delegates agreed.", "en", ["e-commerce"],
        new DateTimeOffset(2026, 10, 16, 0, 0, 0, TimeSpan.Zero), url, "hash", new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), null);

    [Theory]
    [InlineData("https://notify.secretariat.example", "2026/ptc-243.en.md", "https://notify.secretariat.example/api/articles/2026/ptc-243.en.md")]
    [InlineData("https://x.example/notify/", "2026/ptc 243 (draft).en.md", "https://x.example/notify/api/articles/2026/ptc%20243%20%28draft%29.en.md")]
    [InlineData("https://x.example", "2026/ПТК?#.ru.md", "https://x.example/api/articles/2026/%D0%9F%D0%A2%D0%9A%3F%23.ru.md")]
    public void PageIsTheBaseAddressAndEachSegmentOfTheBlobNameEscaped(string baseUrl, string blob, string expected)
        => Assert.Equal(expected, At(baseUrl).Page(blob));

    [Fact]
    public void AnArticleWithAUrlLinksThereAndOneWithoutLinksToItsPage()
    {
        var links = At("https://notify.secretariat.example");

        Assert.Equal("https://secretariat.example/news/ptc-243", links.For(Article("2026/ptc-243.en.md", "https://secretariat.example/news/ptc-243")));
        Assert.Equal("https://notify.secretariat.example/api/articles/2026/ptc-243.en.md", links.For(Article("2026/ptc-243.en.md", null)));
        Assert.Equal("https://notify.secretariat.example/api/articles/2026/ptc-243.en.md", links.For(Article("2026/ptc-243.en.md", "javascript:alert(1)")));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ru")]
    [InlineData("fr")]
    public void DigestItemWithoutUrlLinksToTheArticlePageAndOneWithUrlToTheUrl(string language)
    {
        var page = "https://notify.secretariat.example/api/articles/2026/ptc-243.en.md";
        var articles = new[]
        {
            Article("2026/ptc-243.en.md", null),
            Article("2026/hsc-78.en.md", "https://secretariat.example/news/hsc-78") with { Title = "HSC holds its 78th session" },
        };

        var digest = DigestRendererTests.Renderer.Render(DigestRendererTests.Day, articles, language);

        // The title and "read more" both link there (an English item in a ru/fr digest carries lang="en" on its title link).
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(digest.Html, $"<a href=\"{System.Text.RegularExpressions.Regex.Escape(page)}\"[ >]"));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(digest.Html, "<a href=\"https://secretariat\\.example/news/hsc-78\"[ >]"));
        Assert.DoesNotContain("/api/articles/2026/hsc-78", digest.Html);
        Assert.Contains(" " + page + "\n", digest.Text);
        Assert.Contains(" https://secretariat.example/news/hsc-78\n", digest.Text);
    }
}
