using Microsoft.Extensions.Options;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Topics;

namespace Notifications.Core.Tests.Topics;

/// <summary>One topic table: every spelling of a topic (slug, case, accents, translation, abbreviation) is its one key.</summary>
public sealed class TopicCatalogTests(AzuriteFixture azurite)
{
    private static readonly TopicCatalog Catalog = new(new TopicOptions().Topics);

    [Theory]
    [InlineData("data model", "data model")]
    [InlineData("data-model", "data model")]
    [InlineData("Data-Model", "data model")]
    [InlineData("DATA_MODEL", "data model")]
    [InlineData("  data   model ", "data model")]
    [InlineData("green_customs", "green customs")]
    [InlineData("green-customs", "green customs")]
    [InlineData("Модель данных", "data model")]
    [InlineData("модель  данных", "data model")]
    [InlineData("Modèle de données", "data model")]
    [InlineData("modele de donnees", "data model")]
    [InlineData("MODÈLE-DE-DONNÉES", "data model")]
    [InlineData("Зелёная таможня", "green customs")]
    [InlineData("зеленая таможня", "green customs")]
    [InlineData("Douane verte", "green customs")]
    [InlineData("NII", "non-intrusive inspection")]
    [InlineData("nii", "non-intrusive inspection")]
    [InlineData("non intrusive inspection", "non-intrusive inspection")]
    [InlineData("Inspection non intrusive", "non-intrusive inspection")]
    [InlineData("TFA", "trade facilitation")]
    [InlineData("TRS", "time release study")]
    [InlineData("E-Commerce", "e-commerce")]
    [InlineData("ecommerce", null)]
    [InlineData("Étude sur le temps nécessaire pour la mainlevée des marchandises", "time release study")]
    [InlineData("Исследование времени выпуска товаров", "time release study")]
    [InlineData("astrology", null)]
    [InlineData("data", null)]
    [InlineData("", null)]
    [InlineData("---", null)]
    public void ResolvesEverySpellingToItsKey(string name, string? key) => Assert.Equal(key, Catalog.Resolve(name));

    [Fact]
    public void KnowsTheKeysOfTheKeywordMapLowerCased()
    {
        var catalog = new TopicCatalog(new Dictionary<string, string[]> { ["Customs Ethics"] = ["integrity"], ["data model"] = [] });

        Assert.Equal(["customs ethics", "data model"], catalog.Keys);
        Assert.Equal("customs ethics", catalog.Resolve("customs-ethics"));
        Assert.Equal("data model", catalog.Resolve("Модель данных"));
        Assert.Equal("customs ethics, Data model", catalog.Names());
        Assert.Equal("customs ethics, Modèle de données", catalog.Names("fr"));
    }

    [Fact]
    public void TwoTopicsSharingANameAreAConfigurationErrorNamingIt()
    {
        var conflicts = TopicCatalog.Conflicts(
            new Dictionary<string, string[]> { ["data model"] = [], ["Data-Model"] = [], ["inspection"] = ["NII"], ["nii"] = [] });

        Assert.Equal(2, conflicts.Count);
        Assert.Contains(conflicts, c => c.Contains("'data-model'") && c.Contains("'data model'"));
        Assert.Contains(conflicts, c => c.Contains("'nii'") && c.Contains("'inspection'"));
        Assert.Empty(TopicCatalog.Conflicts(new TopicOptions().Topics));
    }

    [Fact]
    public async Task AnAmbiguousTopicTableStopsTheHostAtStartup()
    {
        var settings = TestSettings.For(azurite);
        settings["Articles:Topics:modele de donnees:0"] = "data dictionary";

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));

        Assert.Contains("names both 'data model' and 'modele de donnees'", e.Message);
    }

    [Fact]
    public void SubscriberTopicsAreStoredAsKeysAndAnUnknownOneNamesTheKnownTopics()
    {
        var rules = new SubscriberRules(Catalog);

        Assert.Equal(["data model", "non-intrusive inspection", "green customs"],
            rules.Topics(["Data-Model", "модель данных", "NII", "green_customs", "Modèle de données"]));
        var e = Assert.Throws<InvalidSubscriberException>(() => rules.Topics(["data model", "astrology"]));
        Assert.Equal("topics", e.Field);
        Assert.Equal("topic 'astrology' is not known; use any of: Data exchange, Data model, Disaster relief, E-commerce, Green customs, "
            + "Non-intrusive inspection, Performance management, Time release study, Trade facilitation.", e.Message);
    }
}
