using Notifications.Articles;

namespace Notifications.Core.Tests.Articles;

public sealed class ArticleSummaryTests
{
    private static readonly SessionInfo Ptc239 = new("World Customs Organization", "WCO", "Permanent Technical Committee", "PTC", [239, 240],
        new DateOnly(2023, 4, 25), new DateOnly(2023, 4, 27), "Brussels", Participation.Hybrid);

    private const string PastedTitle =
        "The 239th/240th sessions of the Permanent Technical Committee (PTC) were held from 25 to 27 April 2023 in Brussels with online participation";

    [Fact]
    public void TheSentenceThatRepeatsTheHeadlineAndSessionLineIsSkippedWhenALaterOneSaysMore()
    {
        const string body = """
            The 239th / 240th session of the Permanent Technical Committee (PTC) of the World Customs Organization (WCO) met at headquarters in Brussels from 25 to 27 April 2023; more than sixty delegates followed the meeting online.

            Delegates discussed performance management, non-intrusive inspection (NII) and the role of customs in disaster relief. The Committee also heard an update on the data model.
            """;

        var summary = ArticleSummary.Of(body, PastedTitle, Ptc239);

        Assert.Equal("Delegates discussed performance management, non-intrusive inspection (NII) and the role of customs in disaster relief. " +
            "The Committee also heard an update on the data model.", summary);
    }

    [Fact]
    public void RussianCaseFormsOfTheSameWordsCountAsRepeated()
    {
        const string title = "239-я/240-я сессии Постоянного технического комитета (ПТК) прошли 25–27 апреля 2023 года в Брюсселе";
        const string body = """
            Заседание прошло в гибридном формате: в штаб-квартире в Брюсселе и с онлайн-участием делегатов.

            Участники обсудили вопросы электронной торговли, модели данных и применения инспекционно-досмотровых комплексов.
            """;

        Assert.StartsWith("Участники обсудили", ArticleSummary.Of(body, title, Ptc239 with { Place = "Брюсселе" }));
    }

    [Fact]
    public void AFirstSentenceThatSaysSomethingNewIsTheSummary()
    {
        const string body = "Members endorsed version 4.2 of the data model and agreed a work plan on e-commerce.\n\nThey meet again in March.";
        Assert.Equal("Members endorsed version 4.2 of the data model and agreed a work plan on e-commerce.",
            ArticleSummary.Of(body, "PTC closes its 241st session", Ptc239));
    }

    [Fact]
    public void WhenEverySentenceRepeatsTheFirstParagraphStays()
    {
        const string body = "The 239th and 240th sessions of the PTC were held in Brussels from 25 to 27 April 2023.";
        Assert.Equal(body, ArticleSummary.Of(body, PastedTitle, Ptc239));
    }

    [Fact]
    public void AShortLabelIsNotASummary()
    {
        const string body = "The PTC met in Brussels from 25 to 27 April 2023.\n\nFor reference:\n\n" +
            "The Committee prepares guidance on trade facilitation for the Council.";
        Assert.Equal("The Committee prepares guidance on trade facilitation for the Council.", ArticleSummary.Of(body, PastedTitle, Ptc239));
    }

    [Fact]
    public void ALongParagraphIsCutAtAWord()
    {
        var body = string.Join(' ', Enumerable.Repeat("Delegates compared procurement practice for scanners.", 10));
        var summary = ArticleSummary.Of(body, "Workshop", SessionInfo.None);
        Assert.True(summary.Length <= ArticleSummary.MaxLength + 1, summary);
        Assert.EndsWith("…", summary);
        Assert.StartsWith(summary[..^1], body);
    }

    [Fact]
    public void TheDemosPastedPageStartsItsSummaryWithWhatTheCommitteeDid()
    {
        var hs = new SessionInfo("World Customs Organization", "WCO", "Harmonized System Committee", "HSC", [78], new DateOnly(2026, 11, 9),
            new DateOnly(2026, 11, 13), "Brussels", Participation.Hybrid);
        const string body = """
            The Harmonized System Committee met for five days at headquarters in Brussels, with several delegations following the discussions online.

            Members settled a series of classification questions and prepared amendments for the next edition of the nomenclature.
            """;

        const string title = "The 78th session of the Harmonized System Committee (HSC) was held in Brussels";
        Assert.StartsWith("Members settled", ArticleSummary.Of(body, title, hs));
    }
}
