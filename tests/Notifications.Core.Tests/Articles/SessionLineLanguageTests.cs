using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Testing;
using Notifications.Topics;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// The session line of the corpus articles in each reader's language: committee and organisation abbreviations per language
/// (PTC → ПТК / CTP), city names in the reader's language and in words that need no grammatical case ("Брюссель", never
/// "Брюсселе"); and the metadata stored in English whatever the article's language.
/// </summary>
public sealed class SessionLineLanguageTests
{
    private static readonly IOptions<TopicOptions> Topics = Options.Create(new TopicOptions());
    private static readonly ArticleParser Parser =
        new(new HtmlArticleReader(), new TopicClassifier(Topics), new TopicCatalog(Topics.Value.Topics), Options.Create(new ArticleOptions()));

    private static SessionInfo Session(string file)
        => Parser.Parse(file, File.ReadAllBytes(Path.Combine(Repository.Root, "tests", "Notifications.Core.Tests", "Corpus", file))).Session;

    [Theory]
    [InlineData("ptc-239-240-ru.txt", "en", "PTC 239th/240th sessions · 25–27 April 2023 · Brussels and online")]
    [InlineData("ptc-239-240-ru.txt", "ru", "ПТК 239-я/240-я сессии · 25–27 апреля 2023 · Брюссель и онлайн")]
    [InlineData("ptc-239-240-ru.txt", "fr", "CTP 239e/240e sessions · 25–27 avril 2023 · Bruxelles et en ligne")]
    [InlineData("ptc-239-240-pasted.txt", "en", "PTC 239th/240th sessions · 25–27 April 2023 · Brussels and online")]
    [InlineData("ptc-239-240-pasted.txt", "ru", "ПТК 239-я/240-я сессии · 25–27 апреля 2023 · Брюссель и онлайн")]
    [InlineData("ptc-239-240-pasted.txt", "fr", "CTP 239e/240e sessions · 25–27 avril 2023 · Bruxelles et en ligne")]
    [InlineData("nii-atelier-fr.md", "en", "4–5 November 2026 · Tashkent")]
    [InlineData("nii-atelier-fr.md", "ru", "4–5 ноября 2026 · Ташкент")]
    [InlineData("nii-atelier-fr.md", "fr", "4–5 novembre 2026 · Tachkent")]
    public void TheCorpusArticlesSessionLineReadsRightInEachLanguage(string file, string language, string expected)
        => Assert.Equal(expected, DigestLocale.For(language).SessionLine(Session(file)));

    [Fact]
    public void TheRussianArticlesMetadataIsStoredInEnglish()
    {
        var s = Session("ptc-239-240-ru.txt");

        Assert.Equal(("World Customs Organization", "WCO"), (s.Organization, s.OrganizationAbbreviation));
        Assert.Equal(("Permanent Technical Committee", "PTC"), (s.Committee, s.CommitteeAbbreviation));
        Assert.Equal("Brussels", s.Place);
        Assert.Equal(Participation.Hybrid, s.Participation);
    }

    [Theory]
    [InlineData("Les 239e et 240e sessions du Comité technique permanent (CTP) de l'Organisation mondiale des douanes (OMD) se sont tenues à Bruxelles.")]
    [InlineData("The 239th and 240th sessions of the Permanent Technical Committee (PTC) of the World Customs Organisation (WCO) were held in Brussels.")]
    [InlineData("239-я и 240-я сессии Постоянного технического комитета (ПТК) Всемирной таможенной организации (ВТамО) прошли в Брюсселе.")]
    public void KnownBodiesAndCitiesAreStoredAsTheirEnglishTermsInEveryLanguage(string text)
    {
        var s = SessionMetadataExtractor.Extract("", text);

        Assert.Equal(("World Customs Organization", "WCO"), (s.Organization, s.OrganizationAbbreviation));
        Assert.Equal(("Permanent Technical Committee", "PTC"), (s.Committee, s.CommitteeAbbreviation));
        Assert.Equal("Brussels", s.Place);
    }

    [Fact]
    public void AnUnknownCommitteeAndPlaceAreStoredAsWritten()
    {
        var s = SessionMetadataExtractor.Extract("", "Заседание Рабочей группы по происхождению прошло в Женеве.");

        Assert.Equal("Женеве", s.Place);
        Assert.Equal("Женеве", DigestLocale.For("ru").Place(s));
    }

    /// <summary>Articles stored before the glossary keep their inflected values; they are shown right all the same.</summary>
    [Theory]
    [InlineData("en", "PTC 241st/242nd sessions · Brussels and online")]
    [InlineData("ru", "ПТК 241-я/242-я сессии · Брюссель и онлайн")]
    [InlineData("fr", "CTP 241e/242e sessions · Bruxelles et en ligne")]
    public void MetadataStoredAsWrittenInRussianIsShownInTheReadersLanguage(string language, string expected)
    {
        var stored = new SessionInfo("Всемирной таможенной организации (ВТамО)", "ВТамО", "Постоянного технического комитета", "ПТК", [241, 242],
            null, null, "Брюсселе", Participation.Hybrid);

        Assert.Equal(expected, DigestLocale.For(language).SessionLine(stored));
        Assert.Equal(language switch { "ru" => "ВТамО", "fr" => "OMD", _ => "WCO" }, DigestLocale.For(language).Organization(stored));
    }

    [Theory]
    [InlineData("en", "Policy Commission · Baku")]
    [InlineData("ru", "Политическая комиссия · Баку")]
    [InlineData("fr", "Commission de politique générale · Bakou")]
    public void ACommitteeWithoutAnAbbreviationIsNamedInTheReadersLanguage(string language, string expected)
    {
        var s = new SessionInfo(null, null, "Policy Commission", null, [], null, null, "Baku", Participation.InPerson);

        Assert.Equal(expected, DigestLocale.For(language).SessionLine(s));
    }

    [Theory]
    [InlineData("en", "HSC 71st session")]
    [InlineData("ru", "Комитет по Гармонизированной системе · 71-я сессия")]
    [InlineData("fr", "Comité du Système harmonisé · 71e session")]
    public void AnEnglishAbbreviationWithoutATranslationGivesWayToTheCommitteesName(string language, string expected)
    {
        var s = new SessionInfo(null, null, "Harmonized System Committee", "HSC", [71], null, null, null, Participation.Unknown);

        Assert.Equal(expected, DigestLocale.For(language).SessionLine(s));
    }
}
