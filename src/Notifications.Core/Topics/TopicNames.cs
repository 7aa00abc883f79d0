namespace Notifications.Topics;

/// <summary>
/// What the built-in topics are called in each language, for digests and the preference centre. <see cref="TopicCatalog"/>
/// also resolves these names to their topic ("Модель данных" is <c>data model</c>).
/// </summary>
public static class TopicNames
{
    /// <summary>The topic's name in the language; an unknown topic (one an admin added to the keyword map) shows as its key.</summary>
    public static string Label(string topic, string language)
        => Names.TryGetValue(topic.Trim().ToLowerInvariant(), out var names) && names.TryGetValue(language, out var name) ? name : topic;

    /// <summary>The names of a topic in every language that has them (none for a topic an admin added).</summary>
    public static IEnumerable<string> All(string topic)
        => Names.TryGetValue(topic.Trim().ToLowerInvariant(), out var names) ? names.Values : [];

    private static readonly Dictionary<string, Dictionary<string, string>> Names = new(StringComparer.Ordinal)
    {
        ["e-commerce"] = new() { ["en"] = "E-commerce", ["ru"] = "Электронная торговля", ["fr"] = "Commerce électronique" },
        ["data model"] = new() { ["en"] = "Data model", ["ru"] = "Модель данных", ["fr"] = "Modèle de données" },
        ["non-intrusive inspection"] = new() { ["en"] = "Non-intrusive inspection", ["ru"] = "Неинтрузивный досмотр", ["fr"] = "Inspection non intrusive" },
        ["trade facilitation"] = new() { ["en"] = "Trade facilitation", ["ru"] = "Упрощение процедур торговли", ["fr"] = "Facilitation des échanges" },
        ["green customs"] = new() { ["en"] = "Green customs", ["ru"] = "Зелёная таможня", ["fr"] = "Douane verte" },
        ["performance management"] = new() { ["en"] = "Performance management", ["ru"] = "Управление эффективностью", ["fr"] = "Gestion de la performance" },
        ["time release study"] = new() { ["en"] = "Time release study", ["ru"] = "Изучение времени выпуска", ["fr"] = "Étude sur le temps nécessaire à la mainlevée" },
        ["data exchange"] = new() { ["en"] = "Data exchange", ["ru"] = "Обмен данными", ["fr"] = "Échange de données" },
        ["disaster relief"] = new() { ["en"] = "Disaster relief", ["ru"] = "Помощь при стихийных бедствиях", ["fr"] = "Secours en cas de catastrophe" },
    };
}
