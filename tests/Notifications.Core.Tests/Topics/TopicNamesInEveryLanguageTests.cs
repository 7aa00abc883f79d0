using Notifications.Topics;

namespace Notifications.Core.Tests.Topics;

/// <summary>Every built-in topic has its own name in Russian and French, in the organisation's words (GlossaryTests check those).</summary>
public sealed class TopicNamesInEveryLanguageTests
{
    public static TheoryData<string> BuiltInTopics() => [.. new TopicOptions().Topics.Keys.Append("circular economy")];

    [Theory]
    [MemberData(nameof(BuiltInTopics))]
    public void ATopicIsNamedInRussianAndFrenchNotInEnglish(string topic)
    {
        var english = TopicNames.Label(topic, "en");
        var russian = TopicNames.Label(topic, "ru");
        var french = TopicNames.Label(topic, "fr");

        Assert.NotEqual(topic, english);
        Assert.True(russian.Any(c => c is >= 'а' and <= 'я' or 'ё'), $"{topic}: the Russian name \"{russian}\" is not Russian");
        Assert.NotEqual(english, french);
    }

    [Theory]
    [InlineData("time release study", "ru", "Исследование времени выпуска товаров")]
    [InlineData("non-intrusive inspection", "ru", "Неинтрузивный контроль")]
    [InlineData("circular economy", "ru", "Экономика замкнутого цикла")]
    [InlineData("circular economy", "fr", "Économie circulaire")]
    [InlineData("time release study", "fr", "Étude sur le temps nécessaire pour la mainlevée des marchandises")]
    public void TopicsAreNamedWithTheOrganisationsTerms(string topic, string language, string name)
        => Assert.Equal(name, TopicNames.Label(topic, language));
}
