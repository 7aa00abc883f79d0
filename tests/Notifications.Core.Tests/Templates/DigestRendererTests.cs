using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Templates;
using Notifications.Testing;

namespace Notifications.Core.Tests.Templates;

/// <summary>The built-in digest templates under golden files (tests/Notifications.Core.Tests/Golden).</summary>
public sealed class DigestRendererTests
{
    private static readonly DigestRenderer Renderer = new(new TemplateSet(), Options.Create(new DigestOptions
    {
        Sender = "PTC Secretariat",
        Organization = "the Permanent Technical Committee's session reports",

    }));

    private static readonly DigestPeriod Day = DigestPeriod.For(DigestFrequency.Daily, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));

    private static IndexedArticle Article(string title, string summary, string? url, params string[] topics) => new(
        title.ToLowerInvariant().Replace(' ', '-') + ".md", ArticleStatus.Accepted, title, summary, "en", topics,
        new DateTimeOffset(2026, 10, 16, 0, 0, 0, TimeSpan.Zero), url, "hash", new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), null);

    private static readonly IndexedArticle[] Articles =
    [
        Article("PTC closes its 241st and 242nd sessions", "Delegates endorsed a data model release & agreed next steps on <e-commerce>.", "https://secretariat.example/news/ptc-241?lang=en&ref=digest", "e-commerce", "data model"),
        Article("NII workshop in Tashkent", "Experts from nine administrations compared scanner procurement.", null),
    ];

    [Fact]
    public void DailyDigestHtmlMatchesGoldenFile()
        => GoldenFile.Matches("tests/Notifications.Core.Tests/Golden/daily-en.html", Renderer.Render(Day, Articles).Html);

    [Fact]
    public void DailyDigestTextMatchesGoldenFile()
        => GoldenFile.Matches("tests/Notifications.Core.Tests/Golden/daily-en.txt", Renderer.Render(Day, Articles).Text);

    [Fact]
    public void WeeklyDigestWithOneArticleMatchesGoldenFiles()
    {
        var week = DigestPeriod.For(DigestFrequency.Weekly, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        var digest = Renderer.Render(week, Articles[..1]);
        GoldenFile.Matches("tests/Notifications.Core.Tests/Golden/weekly-en.html", digest.Html);
        GoldenFile.Matches("tests/Notifications.Core.Tests/Golden/weekly-en.txt", digest.Text);
        Assert.Equal("1 new report from PTC Secretariat: week of 23 November 2026", digest.Subject);
    }

    [Fact]
    public void SessionMetadataIsShownAsOneLineAndMatchesGoldenFiles()
    {
        var session = new SessionInfo("World Customs Organization", "WCO", "Permanent Technical Committee", "PTC", [239, 240],
            new DateOnly(2023, 4, 25), new DateOnly(2023, 4, 27), "Brussels", Participation.Hybrid);
        var crossMonth = new SessionInfo(null, null, "Policy Commission", null, [], new DateOnly(2026, 9, 30), new DateOnly(2026, 10, 2), null, Participation.Online);
        var digest = Renderer.Render(Day, [Articles[0] with { Session = session }, Articles[1] with { Session = crossMonth }]);

        Assert.Contains("PTC 239th/240th sessions · 25–27 April 2023 · Brussels and online", digest.Text);
        Assert.Contains("Policy Commission · 30 September – 2 October 2026 · online", digest.Text);
        GoldenFile.Matches("tests/Notifications.Core.Tests/Golden/daily-en-sessions.html", digest.Html);
        GoldenFile.Matches("tests/Notifications.Core.Tests/Golden/daily-en-sessions.txt", digest.Text);
    }

    [Fact]
    public void SubjectCountsTheArticlesAndNamesTheDay()
        => Assert.Equal("2 new reports from PTC Secretariat: 26 November 2026", Renderer.Render(Day, Articles).Subject);

    [Fact]
    public void ArticleTextIsEscapedInHtmlButNotInText()
    {
        var digest = Renderer.Render(Day, Articles);
        Assert.Contains("&amp; agreed next steps on &lt;e-commerce&gt;.", digest.Html);
        Assert.DoesNotContain("<e-commerce>", digest.Html);
        Assert.Contains("href=\"https://secretariat.example/news/ptc-241?lang=en&amp;ref=digest\"", digest.Html);
        Assert.Contains("& agreed next steps on <e-commerce>.", digest.Text);
    }

    [Fact]
    public void SubjectStaysOneLineWhateverTheSenderSays()
    {
        var renderer = new DigestRenderer(new TemplateSet(), Options.Create(new DigestOptions { Sender = "PTC\r\nBcc: all@x.example", Organization = "o" }));
        var subject = renderer.Render(Day, Articles).Subject;
        Assert.DoesNotContain('\r', subject);
        Assert.DoesNotContain('\n', subject);
    }
}
