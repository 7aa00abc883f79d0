using Notifications.Articles;

namespace Notifications.Core.Tests.Articles;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("The committee met in Brussels and discussed the new framework with the delegates.")]
    [InlineData("Delegates were invited to comment on the draft, which is available to all Members.")]
    [InlineData("The PTC endorsed the WCO Data Model.")]
    public void DetectsEnglish(string text) => Assert.Equal("en", LanguageDetector.Detect(text));

    [Theory]
    [InlineData("Сессия Постоянного технического комитета прошла в Брюсселе.")]
    [InlineData("Участники обсудили модель данных WCO и вопросы электронной торговли в рамках PTC.")]
    [InlineData("ВТамО")]
    public void DetectsRussianWhenCyrillicDominates(string text) => Assert.Equal("ru", LanguageDetector.Detect(text));

    [Theory]
    [InlineData("Le comité s'est réuni à Bruxelles et les délégués ont examiné le modèle de données.")]
    [InlineData("La session a eu lieu dans la salle principale, avec une participation en ligne pour les membres.")]
    [InlineData("L'OMD et l'OMC.")]
    public void DetectsFrench(string text) => Assert.Equal("fr", LanguageDetector.Detect(text));

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("2023-04-25 / 239 / 240")]
    [InlineData("PTC WCO TRACECA")]
    public void DefaultsToEnglishWhenUndecidable(string text) => Assert.Equal("en", LanguageDetector.Detect(text));

    [Fact]
    public void RussianTextWithSomeEnglishNamesIsRussian()
        => Assert.Equal("ru", LanguageDetector.Detect(
            "Делегаты World Customs Organization обсудили вопросы Data Model и электронной торговли на сессии комитета в Брюсселе."));

    [Fact]
    public void EnglishTextQuotingAFrenchTitleIsEnglish()
        => Assert.Equal("en", LanguageDetector.Detect(
            "The delegates of the committee discussed the report \"La douane verte\" with the authors and the Secretariat."));

    [Fact]
    public void OnlyReadsTheBeginningOfTheText()
    {
        var english = string.Concat(Enumerable.Repeat("The committee met with the delegates of the region. ", 500));
        var russian = string.Concat(Enumerable.Repeat("Комитет провёл встречу с делегатами региона. ", 5000));
        Assert.True(english.Length > 20_000);
        Assert.Equal("en", LanguageDetector.Detect(english + russian));
        Assert.Equal("ru", LanguageDetector.Detect(russian + english));
    }
}
