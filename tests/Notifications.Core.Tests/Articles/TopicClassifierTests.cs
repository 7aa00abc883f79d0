using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Topics;

namespace Notifications.Core.Tests.Articles;

public sealed class TopicClassifierTests
{
    private static readonly TopicClassifier Default = new(Options.Create(new TopicOptions()));

    private static TopicClassifier With(Dictionary<string, string[]> topics)
        => new(Options.Create(new TopicOptions { Topics = topics }));

    [Fact]
    public void ReturnsTopicsInTheOrderTheyFirstAppear()
    {
        var topics = Default.Mentions("Delegates discussed the WCO Data Model, then e-commerce, then the data model again and green customs.");
        Assert.Equal(["data model", "e-commerce", "green customs"], topics);
    }

    [Fact]
    public void MatchesKeywordsCaseInsensitively()
        => Assert.Equal(["e-commerce", "trade facilitation"], Default.Mentions("E-COMMERCE and Trade Facilitation were on the agenda."));

    [Theory]
    [InlineData("The PTC examined NII equipment.", new[] { "non-intrusive inspection" })]
    [InlineData("Scanners (NII) were presented.", new[] { "non-intrusive inspection" })]
    [InlineData("The WTO TFA entered into force.", new[] { "trade facilitation" })]
    [InlineData("A new TRS Online System was shown.", new[] { "time release study" })]
    public void MatchesCapitalKeywordsAsWholeWords(string text, string[] topics)
        => Assert.Equal(topics, Default.Mentions(text));

    [Theory]
    [InlineData("The Nii family visited.")]
    [InlineData("The unit in Denii was closed.")]
    [InlineData("NIIS and TFAs are not the same words.")]
    [InlineData("A trs file was sent.")]
    [InlineData("Antfarm and Utrs.")]
    public void DoesNotMatchCapitalKeywordsInsideWordsOrInOtherCase(string text)
        => Assert.Empty(Default.Mentions(text));

    [Fact]
    public void MatchesRussianAndFrenchKeywords()
    {
        Assert.Equal(["e-commerce", "data model"],
            Default.Mentions("Обсуждались вопросы электронной торговли и модели данных."));
        Assert.Equal(["green customs", "data exchange"], Default.Mentions("La douane verte et l'échange de données."));
        Assert.Equal(["non-intrusive inspection"], Default.Mentions("Применение неинтрузивных средств контроля."));
    }

    [Fact]
    public void MatchesKeywordsInsideLongerWords()
        => Assert.Equal(["disaster relief"], Default.Mentions("Humanitarians and customs worked together."));

    [Fact]
    public void ReturnsEachTopicOnceWhenSeveralKeywordsMatch()
        => Assert.Equal(["trade facilitation"], Default.Mentions("The Trade Facilitation Agreement (TFA) supports trade facilitation."));

    [Fact]
    public void ReturnsNothingForEmptyOrUnrelatedText()
    {
        Assert.Empty(Default.Mentions(""));
        Assert.Empty(Default.Mentions("The weather in Brussels was pleasant."));
    }

    [Fact]
    public void LowerCasesTopicKeysFromConfiguration()
    {
        var classifier = With(new() { ["Rules of Origin"] = ["rules of origin", "ROO"], ["Valuation"] = ["customs valuation"] });
        Assert.Equal(["valuation", "rules of origin"], classifier.Mentions("Customs valuation and ROO were debated, then rules of origin."));
    }

    [Fact]
    public void IgnoresEmptyKeywordsAndTopicsWithoutKeywords()
    {
        var classifier = With(new() { ["empty"] = [], ["blank"] = ["", "  "], ["security"] = ["security"] });
        Assert.Equal(["security"], classifier.Mentions("Supply chain security."));
    }

    [Fact]
    public void TopicsThatStartAtTheSamePlaceKeepTheConfiguredOrder()
    {
        var classifier = With(new() { ["b"] = ["data"], ["a"] = ["data exchange"] });
        Assert.Equal(["b", "a"], classifier.Mentions("data exchange"));
    }

    [Fact]
    public void ClassifiesTheTopicsOfASessionReport()
    {
        const string text = """
            The committee reviewed performance management tools and non-intrusive inspection (NII). It also looked at the
            role of Customs in disaster relief, the circular economy, the WCO Data Model, regulatory data exchange and the
            Time Release Study. Cross-border e-commerce closed the agenda.
            """;
        Assert.Equal(
            ["performance management", "non-intrusive inspection", "disaster relief", "green customs", "data model", "data exchange",
                "time release study", "e-commerce"],
            Default.Mentions(text));
    }

    [Fact]
    public void AnArticleGetsAtMostThreeTopicsTheBestFirst()
    {
        const string body = """
            Delegates discussed performance management, non-intrusive inspection (NII) and the role of customs in disaster relief.
            The Committee also heard an update on the data model and on cross-border e-commerce.

            The Committee prepares instruments and guidance on trade facilitation for the Council.
            """;
        Assert.Equal(["performance management", "non-intrusive inspection", "disaster relief"], Default.Classify("PTC met in Brussels", body));
    }

    [Fact]
    public void ATopicInTheTitleOutweighsOneMentionedOnceInPassing()
        => Assert.Equal(["non-intrusive inspection"], Default.Classify("Regional workshop on non-intrusive inspection",
            "Experts compared scanners. They also touched on e-commerce parcels at the end of the second day."));

    [Fact]
    public void ATopicMentionedAgainAndAgainIsKeptBesideTheTitlesOne()
        => Assert.Equal(["green customs", "e-commerce"], Default.Classify("Green customs on the agenda",
            "E-commerce parcels and their packaging; e-commerce returns; e-commerce platforms and green customs."));

    [Fact]
    public void ANameAndItsAbbreviationSideBySideAreOneMention()
    {
        var both = Default.Scores("", "non-intrusive inspection (NII) was discussed");
        var name = Default.Scores("", "non-intrusive inspection was discussed");
        Assert.Equal(name.Single().Score, both.Single().Score, 6);
    }

    [Fact]
    public void NothingMentionedNothingInferred()
        => Assert.Empty(Default.Classify("The weather", "It was pleasant in Brussels."));
}
