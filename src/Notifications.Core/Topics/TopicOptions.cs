namespace Notifications.Topics;

/// <summary>The topic table (<c>Articles:Topics</c>: the same section as <c>ArticleOptions</c>, whose other settings are Articles' own).</summary>
public sealed class TopicOptions
{
    public const string Section = "Articles";

    /// <summary>
    /// Topic → keywords (case-insensitive; a keyword in capitals, like NII, matches only as a whole word in capitals).
    /// Used when the front matter gives no topics. Configuration adds topics and keywords to these defaults.
    /// </summary>
    public Dictionary<string, string[]> Topics { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["e-commerce"] =
        [
            "e-commerce", "ecommerce", "electronic commerce", "cross-border e-commerce",
            "электронной торговл", "электронная торговля", "commerce électronique"
        ],
        ["data model"] = ["data model", "модель данных", "модели данных", "modèle de données"],
        ["non-intrusive inspection"] =
        [
            "non-intrusive inspection", "non-in intrusive inspection", "NII",
            "неинтрузивн", "инспекционно-досмотров", "inspection non intrusive"
        ],
        ["trade facilitation"] =
        [
            "trade facilitation", "Trade Facilitation Agreement", "TFA",
            "упрощение процедур торговли", "упрощения процедур торговли", "facilitation des échanges"
        ],
        ["green customs"] =
        [
            "green customs", "circular economy",
            "зелёная таможня", "зеленая таможня", "экономики замкнутого цикла",
            "douane verte", "économie circulaire"
        ],
        ["performance management"] = ["performance management", "управление эффективностью", "gestion de la performance"],
        ["time release study"] =
        [
            "time release study", "TRS",
            "изучение времени выпуска", "исследование времени выпуска", "исследования времени выпуска", "étude sur le temps nécessaire"
        ],
        ["data exchange"] = ["data exchange", "regulatory data exchange", "обмен данными", "обмена данными", "échange de données"],
        ["disaster relief"] = ["disaster relief", "humanitarian", "стихийных бедствий", "secours en cas de catastrophe"],
    };
}
