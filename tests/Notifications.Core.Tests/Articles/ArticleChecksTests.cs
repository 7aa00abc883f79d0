using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Notifications.Articles;
using Notifications.Testing;
using Notifications.Topics;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// The editorial checks: each warns past its threshold and not at it, names what is wrong and what to do, and never refuses.
/// "Now" is 2026-12-06 12:00 UTC.
/// </summary>
public sealed class ArticleChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static readonly ArticleCheckFacts EnglishOnly = new(["en"], ["en"]);

    /// <summary>An article that passes every check: short title, a link, a date, a recent session, two topics, its own summary.</summary>
    private static readonly Article Good = new(
        Title: "The 243rd session of the Permanent Technical Committee",
        Summary: "The Committee adopted the data model's new version and agreed on the e-commerce work plan for 2027.",
        Language: "en",
        Topics: ["e-commerce", "data model"],
        Published: new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero),
        Url: "https://secretariat.example/ptc-243",
        BodyHtml: "<p>The Committee met in Brussels.</p>",
        Format: ArticleFormat.Markdown,
        Session: SessionInfo.None with { CommitteeAbbreviation = "PTC", Sessions = [243], StartDate = new(2026, 11, 17), EndDate = new(2026, 11, 19) });

    private static ArticleChecks Checks(ArticleOptions? settings = null)
        => new(new FakeTimeProvider(Now), Options.Create(settings ?? new ArticleOptions()));

    private static IReadOnlyList<ArticleWarning> Check(Article article, ArticleCheckFacts? facts = null, ArticleOptions? settings = null)
        => Checks(settings).Check(article, facts ?? EnglishOnly);

    private static ArticleWarning Single(Article article, string code, ArticleCheckFacts? facts = null, ArticleOptions? settings = null)
        => Assert.Single(Check(article, facts, settings), w => w.Code == code);

    private static void None(Article article, string code, ArticleCheckFacts? facts = null, ArticleOptions? settings = null)
        => Assert.DoesNotContain(Check(article, facts, settings), w => w.Code == code);

    [Fact]
    public void AGoodArticleHasNoWarnings() => Assert.Empty(Check(Good));

    [Fact]
    public void ATitleLongerThanASubjectLineIsAWarningGivingItsLengthAndTheLimit()
    {
        None(Good with { Title = new string('T', 78) }, ArticleWarningCodes.LongTitle);
        var w = Single(Good with { Title = new string('T', 79) }, ArticleWarningCodes.LongTitle);
        Assert.Contains("79 characters", w.Message);
        Assert.Contains("78", w.Hint);
        Assert.Null(w.Line);
        Assert.Equal("79", w.Args!["length"]);
    }

    [Fact]
    public void TheIssuesTwoHundredAndTwentyEightCharacterTitleIsFlagged()
    {
        var title = "The 239th/240th sessions of the Permanent Technical Committee (PTC) of the World Customs Organization (WCO) were held " +
            "from 25 to 27 April 2023 in Brussels with online participation, and adopted the e-commerce and data model work";
        Assert.Equal(228, title.Length);
        Assert.Contains("228 characters", Single(Good with { Title = title }, ArticleWarningCodes.LongTitle).Message);
    }

    [Fact]
    public void TitleLengthCountsWhatAReaderSeesAndFollowsTheSetting()
    {
        // 78 letters with a combining accent each: 156 UTF-16 chars, 78 characters on screen.
        None(Good with { Title = string.Concat(Enumerable.Repeat("e\u0301", 78)) }, ArticleWarningCodes.LongTitle);
        var settings = new ArticleOptions { CheckTitleLength = 40 };
        None(Good with { Title = new string('T', 40) }, ArticleWarningCodes.LongTitle, settings: settings);
        Single(Good with { Title = new string('T', 41) }, ArticleWarningCodes.LongTitle, settings: settings);
    }

    [Fact]
    public void NoLinkAndNoBodyIsAWarningButEitherOneIsEnough()
    {
        var w = Single(Good with { Url = null, BodyHtml = "<p> &nbsp; </p>\n<div></div>" }, ArticleWarningCodes.NoLinkNoBody);
        Assert.Contains("no link (url) and no text", w.Message);
        Assert.Contains("url:", w.Hint);
        None(Good with { Url = null }, ArticleWarningCodes.NoLinkNoBody);
        None(Good with { BodyHtml = "" }, ArticleWarningCodes.NoLinkNoBody);
    }

    [Fact]
    public void ASessionThatEndedMoreThanThirtyDaysBeforeNowIsAWarning()
    {
        // Now is 2026-12-06: a session that ended 2026-11-06 is 30 days old, one that ended 2026-11-05 is 31.
        None(Good with { Session = Good.Session with { EndDate = new(2026, 11, 6) } }, ArticleWarningCodes.OldSession);
        var w = Single(Good with { Session = Good.Session with { EndDate = new(2026, 11, 5) } }, ArticleWarningCodes.OldSession);
        Assert.Equal("The session ended on 2026-11-05, 31 days before the article goes out (2026-12-06): is this still news?", w.Message);
        Assert.Contains("30 days", w.Hint);
    }

    [Fact]
    public void TheIssuesTwoYearOldSessionIsFlaggedByItsStartWhenItsEndIsUnknown()
    {
        var w = Single(Good with { Session = Good.Session with { StartDate = new(2024, 11, 18), EndDate = null } }, ArticleWarningCodes.OldSession);
        Assert.Contains("2024-11-18", w.Message);
        None(Good with { Session = SessionInfo.None }, ArticleWarningCodes.OldSession);
    }

    [Fact]
    public void AFuturePublishedDateIsWhenTheArticleGoesOutAndThatIsWhatTheSessionsAgeIsMeasuredTo()
    {
        var recent = Good with { Session = Good.Session with { EndDate = new(2026, 12, 2) } };
        None(recent with { Published = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero) }, ArticleWarningCodes.OldSession);
        var w = Single(recent with { Published = new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero) }, ArticleWarningCodes.OldSession);
        Assert.Contains("31 days before the article goes out (2027-01-02)", w.Message);
        // A past published date does not make an old session news: the article still goes out now.
        Single(Good with { Session = Good.Session with { EndDate = new(2025, 1, 1) }, Published = new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero) },
            ArticleWarningCodes.OldSession);
    }

    [Fact]
    public void MoreThanThreeTopicsIsAWarningNamingThem()
    {
        None(Good with { Topics = ["a", "b", "c"] }, ArticleWarningCodes.ManyTopics);
        var nine = Enumerable.Range(1, 9).Select(i => $"topic {i}").ToList();
        var w = Single(Good with { Topics = nine }, ArticleWarningCodes.ManyTopics);
        Assert.StartsWith("The article has 9 topics (topic 1, topic 2,", w.Message);
        Assert.Contains("more than 3", w.Message);
        Single(Good with { Topics = ["a", "b", "c", "d"] }, ArticleWarningCodes.ManyTopics);
        None(Good with { Topics = ["a", "b", "c", "d"] }, ArticleWarningCodes.ManyTopics, settings: new ArticleOptions { CheckTopicCount = 4 });
    }

    [Fact]
    public void NoPublishedDateIsAWarning()
    {
        var w = Single(Good with { Published = null }, ArticleWarningCodes.NoPublishedDate);
        Assert.Contains("published:", w.Hint);
    }

    [Theory]
    [InlineData("The 243rd session of the Permanent Technical Committee")]
    [InlineData("the 243rd session of the permanent technical committee.")]
    [InlineData("  THE 243RD SESSION — of the Permanent Technical Committee! ")]
    [InlineData("The 243rd session/of the Permanent-Technical-Committee")]
    [InlineData("243rd session of the Permanent Technical Committee")]
    [InlineData("The 243rd session of the Permanent Technical Committee was held.")]
    public void ASummaryThatOnlyRepeatsTheTitleIsAWarning(string summary)
        => Single(Good with { Summary = summary }, ArticleWarningCodes.SummaryRepeatsTitle);

    [Theory]
    [InlineData("The 243rd session of the Permanent Technical Committee adopted the data model and the work plan for 2027, in Brussels.")]
    [InlineData("Adopted the data model.")]
    [InlineData("")]
    public void ASummaryThatSaysMoreThanTheTitleIsNot(string summary)
        => None(Good with { Summary = summary }, ArticleWarningCodes.SummaryRepeatsTitle);

    [Fact]
    public void ATitleContainedInTheSummaryRepeatsItFromHalfTheSummaryOn()
    {
        // Title "ab cd" (5 characters normalised) in a summary of 10 repeats it; in a summary of 11 it does not.
        var article = Good with { Title = "AB CD" };
        Single(article with { Summary = "ab cd efgh" }, ArticleWarningCodes.SummaryRepeatsTitle);
        None(article with { Summary = "ab cd efghi" }, ArticleWarningCodes.SummaryRepeatsTitle);
    }

    [Fact]
    public void ATranslationGroupMissingALanguageSubscribersReadIsAWarningNamingTheLanguages()
    {
        var w = Single(Good, ArticleWarningCodes.MissingTranslations, new ArticleCheckFacts(["fr", "en", "ru"], ["en"]));
        Assert.Equal("No translation in a language subscribers read (Russian, French): they will get this article in English.", w.Message);
        Assert.Equal("ru, fr", w.Args!["languages"]);
        Assert.Contains("(French)", Single(Good, ArticleWarningCodes.MissingTranslations, new ArticleCheckFacts(["en", "ru", "fr"], ["en", "ru"])).Message);
        None(Good, ArticleWarningCodes.MissingTranslations, new ArticleCheckFacts(["en", "ru"], ["en", "ru", "fr"]));
        // The article's own language counts even when the index does not know the group yet.
        None(Good, ArticleWarningCodes.MissingTranslations, new ArticleCheckFacts(["en"], []));
        None(Good, ArticleWarningCodes.MissingTranslations, new ArticleCheckFacts([], []));
    }

    [Fact]
    public void TheWarningsComeInAFixedOrder()
    {
        var everything = Good with
        {
            Title = new string('T', 100),
            Url = null,
            BodyHtml = "",
            Session = Good.Session with { EndDate = new(2024, 11, 19) },
            Topics = ["a", "b", "c", "d"],
            Published = null,
            Summary = new string('T', 100),
        };
        Assert.Equal(
            [
                ArticleWarningCodes.LongTitle, ArticleWarningCodes.NoLinkNoBody, ArticleWarningCodes.OldSession, ArticleWarningCodes.ManyTopics,
                ArticleWarningCodes.NoPublishedDate, ArticleWarningCodes.SummaryRepeatsTitle, ArticleWarningCodes.MissingTranslations,
            ],
            Check(everything, new ArticleCheckFacts(["en", "ru"], ["en"])).Select(w => w.Code));
    }

    /// <summary>The issue's complaint, end to end: pasted text of a two-year-old session with no link, date or summary of its own.</summary>
    [Fact]
    public void APastedSessionPageWithoutFrontMatterGetsTheWarningsAnEditorShouldSee()
    {
        var topics = Options.Create(new TopicOptions());
        var parser = new ArticleParser(new HtmlArticleReader(), new TopicClassifier(topics), new TopicCatalog(topics.Value.Topics),
            Options.Create(new ArticleOptions()));
        var article = parser.Parse("ptc.txt", Encoding.UTF8.GetBytes(
            "The 239th/240th sessions of the Permanent Technical Committee\n\n" +
            "The 239th/240th sessions of the Permanent Technical Committee (PTC) of the World Customs Organization (WCO) were held " +
            "from 25 to 27 April 2023 in Brussels with online participation.\n"));

        var codes = Check(article, new ArticleCheckFacts(["en", "ru", "fr"], ["en"])).Select(w => w.Code).ToList();

        Assert.Contains(ArticleWarningCodes.OldSession, codes);
        Assert.Contains(ArticleWarningCodes.NoPublishedDate, codes);
        Assert.Contains(ArticleWarningCodes.MissingTranslations, codes);
        Assert.DoesNotContain(ArticleWarningCodes.NoLinkNoBody, codes);
    }
}

/// <summary>The checks' thresholds are bound from <c>Articles:Check*</c> and validated when the host starts.</summary>
public sealed class ArticleCheckOptionsTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("Articles:CheckTitleLength", "19")]
    [InlineData("Articles:CheckSessionAgeDays", "6")]
    [InlineData("Articles:CheckTopicCount", "0")]
    public async Task AThresholdOutOfRangeFailsTheStartNamingTheSetting(string setting, string value)
    {
        var settings = TestSettings.For(azurite);
        settings[setting] = value;
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public async Task TheChecksUseTheConfiguredThresholdsAndTheHostsClock()
    {
        var settings = TestSettings.For(azurite);
        settings["Articles:CheckTopicCount"] = "1";
        settings["Articles:CheckSessionAgeDays"] = "7";
        await using var host = await TestHost.StartAsync(settings, new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var article = new Article("PTC 243", "The Committee adopted the data model.", "en", ["e-commerce", "data model"],
            new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), "https://secretariat.example/ptc-243", "", ArticleFormat.Markdown,
            SessionInfo.None with { EndDate = new(2026, 11, 28) });

        var warnings = host.Get<ArticleChecks>().Check(article, new ArticleCheckFacts(["en"], ["en"]));

        Assert.Equal([ArticleWarningCodes.OldSession, ArticleWarningCodes.ManyTopics], warnings.Select(w => w.Code));
        Assert.Contains("8 days before the article goes out (2026-12-06)", warnings[0].Message);
    }
}
