using Notifications.Articles;
using Notifications.Mail;

namespace Notifications.Digests;

/// <summary>
/// Sample content for digests that are not sent to subscribers: the test render of a template override, and
/// <c>notify digest preview</c> / <c>send-test</c> when the index has nothing recent. The articles carry session metadata
/// and come in several languages: the PTC report in English, Russian and French (one translation group), the HSC report
/// in English only and the Tashkent workshop in Russian only, so every digest language shows a note on another language.
/// </summary>
public static class DigestSamples
{
    private static readonly DateTimeOffset Accepted = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Every sample article, in every language it exists in (a window, as the index would return it).</summary>
    public static IReadOnlyList<IndexedArticle> Articles { get; } =
    [
        Article("samples/ptc-239-240.en.md", "en", "ptc-239-240",
            "Permanent Technical Committee closes its 239th and 240th sessions",
            "Delegates endorsed an updated data model release, agreed the next steps on cross-border e-commerce & heard reports from the regional offices.",
            "https://secretariat.example/news/ptc-239-240", ["e-commerce", "data model"],
            new SessionInfo("World Customs Organization", "WCO", "Permanent Technical Committee", "PTC", [239, 240],
                new DateOnly(2023, 4, 25), new DateOnly(2023, 4, 27), "Brussels", Participation.Hybrid)),
        Article("samples/ptc-239-240.ru.md", "ru", "ptc-239-240",
            "Постоянный технический комитет завершил 239-ю и 240-ю сессии",
            "Делегаты одобрили обновлённую версию модели данных, согласовали дальнейшие шаги в области трансграничной электронной торговли и " +
                "заслушали доклады региональных бюро.",
            "https://secretariat.example/ru/news/ptc-239-240", ["e-commerce", "data model"],
            new SessionInfo("Всемирная таможенная организация", "ВТамО", "Постоянный технический комитет", "ПТК", [239, 240],
                new DateOnly(2023, 4, 25), new DateOnly(2023, 4, 27), "Брюссель", Participation.Hybrid)),
        Article("samples/ptc-239-240.fr.md", "fr", "ptc-239-240",
            "Le Comité technique permanent clôt ses 239e et 240e sessions",
            "Les délégués ont approuvé une nouvelle version du modèle de données, convenu des prochaines étapes pour le commerce électronique " +
                "transfrontalier et entendu les rapports des bureaux régionaux.",
            "https://secretariat.example/fr/news/ptc-239-240", ["e-commerce", "data model"],
            new SessionInfo("Organisation mondiale des douanes", "OMD", "Comité technique permanent", "CTP", [239, 240],
                new DateOnly(2023, 4, 25), new DateOnly(2023, 4, 27), "Bruxelles", Participation.Hybrid)),
        Article("samples/hsc-78.en.txt", "en", null,
            "Harmonized System Committee settles classification questions at its 78th session",
            "The Committee met for five days at headquarters, with several delegations online, and prepared amendments for the next edition of the " +
                "nomenclature.",
            "https://secretariat.example/news/hsc-78", ["data exchange"],
            new SessionInfo("World Customs Organization", "WCO", "Harmonized System Committee", "HSC", [78],
                new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13), "Brussels", Participation.Hybrid)),
        Article("samples/nii-workshop.ru.md", "ru", null,
            "Региональный семинар по неинтрузивному досмотру прошёл в Ташкенте",
            "Эксперты девяти администраций сравнили практику закупки сканеров, анализ изображений и обмен результатами досмотра.",
            null, ["non-intrusive inspection"],
            new SessionInfo(null, null, null, null, [], new DateOnly(2026, 10, 30), new DateOnly(2026, 11, 2), "Ташкент", Participation.InPerson)),
    ];

    /// <summary>The sample digest of one language: each translation group once, in that language when it exists.</summary>
    public static IReadOnlyList<IndexedArticle> For(string language)
        => Articles
            .GroupBy(a => a.TranslationKey ?? a.BlobName, StringComparer.Ordinal)
            .Select(g => g.FirstOrDefault(a => a.Language == DigestLocale.For(language).Language) ?? g.First())
            .ToList();

    /// <summary>The subscriber id of a preview's recipient: nobody's (previews are addressed to no subscriber).</summary>
    public const string SampleId = "5a3b1e00000000000000000000000000";

    /// <summary>Who a preview is addressed to: a plausible name for the language, and the given links.</summary>
    public static Recipient Recipient(string language, string email, string? unsubscribeUrl, string? preferencesUrl)
        => new(SampleId, email, DigestLocale.For(language).Language switch
        {
            "ru" => "Дильноза Каримова",
            "fr" => "Anne Dupont",
            _ => "Jane Smith",
        }, unsubscribeUrl, preferencesUrl);

    /// <summary>Oldest first: the PTC report, the HSC report, the workshop (so previews list them in that order).</summary>
    private static int Order(string blob)
        => blob.StartsWith("samples/ptc", StringComparison.Ordinal) ? 0 : blob.StartsWith("samples/hsc", StringComparison.Ordinal) ? 1 : 2;

    private static IndexedArticle Article(string blob, string language, string? translationKey, string title, string summary, string? url,
        IReadOnlyList<string> topics, SessionInfo session)
        => new(blob, ArticleStatus.Accepted, title, summary, language, topics, new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), url,
            "sample-" + blob, Accepted, null, AvailableAt: Accepted.AddMinutes(Order(blob)), Session: session, TranslationKey: translationKey);
}
