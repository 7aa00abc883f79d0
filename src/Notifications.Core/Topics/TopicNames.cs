using Notifications.Localization;

namespace Notifications.Topics;

/// <summary>
/// What the built-in topics are called in each language, for digests and the preference centre: the <c>topics.*</c> texts of
/// the language files (<see cref="Translations"/>). <see cref="TopicCatalog"/> also resolves these names to their topic
/// ("Модель данных" is <c>data model</c>).
/// </summary>
public static class TopicNames
{
    /// <summary>The topic's name in the language; an unknown topic (one an admin added to the keyword map) shows as its key.</summary>
    public static string Label(string topic, string language)
        => Translations.Find(language) is { } translation && translation.TryGet(Key(topic), out var name) ? name : topic;

    /// <summary>The names of a topic in every language that has them (none for a topic an admin added).</summary>
    public static IEnumerable<string> All(string topic)
        => Translations.Languages.Select(l => Translations.For(l).TryGet(Key(topic), out var name) ? name : null).OfType<string>();

    private static string Key(string topic) => "topics." + topic.Trim().ToLowerInvariant();
}
