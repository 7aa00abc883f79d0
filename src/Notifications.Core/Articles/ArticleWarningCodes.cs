namespace Notifications.Articles;

/// <summary>
/// The codes of <see cref="ArticleWarning"/>s: stable (scripts and the desk read them), each with a message and a hint in every
/// language under <c>article_warnings.&lt;code&gt;</c> in <c>checks.&lt;lang&gt;.json</c> (a test checks every code in <see cref="All"/>).
/// </summary>
public static class ArticleWarningCodes
{
    /// <summary>Parser: a front matter topic that is not in the topic table was left out.</summary>
    public const string UnknownTopic = "unknown-topic";

    /// <summary>Parser: a front matter field it does not know was ignored.</summary>
    public const string UnknownField = "unknown-field";

    /// <summary>Parser: a field of the <c>session:</c> block it does not know was ignored.</summary>
    public const string UnknownSessionField = "unknown-session-field";

    /// <summary>Ingest: the session ended longer than <see cref="ArticleOptions.NewsWindow"/> before the article entered digests and the
    /// editor did not say <c>news: true</c>: no digest or alert carries it (<see cref="NewsWindowRule"/>).</summary>
    public const string NotNews = "not-news";

    /// <summary>Checks: the title is longer than <see cref="ArticleOptions.CheckTitleLength"/>.</summary>
    public const string LongTitle = "long-title";

    /// <summary>Checks: no <c>url</c> and no body text, so the digest item would lead nowhere.</summary>
    public const string NoLinkNoBody = "no-link-no-body";

    /// <summary>Checks: the session ended more than <see cref="ArticleOptions.CheckSessionAgeDays"/> before the article goes out.</summary>
    public const string OldSession = "old-session";

    /// <summary>Checks: more than <see cref="ArticleOptions.CheckTopicCount"/> topics.</summary>
    public const string ManyTopics = "many-topics";

    /// <summary>Checks: no <c>published</c> date.</summary>
    public const string NoPublishedDate = "no-published-date";

    /// <summary>Checks: the summary is the title again (or a part of it).</summary>
    public const string SummaryRepeatsTitle = "summary-repeats-title";

    /// <summary>Checks: subscribers read a language the article's translation group does not have.</summary>
    public const string MissingTranslations = "missing-translations";

    /// <summary>Every code, the parser's first, then the ingestor's, then the checks' in the order <see cref="ArticleChecks.Check"/> gives them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [UnknownTopic, UnknownField, UnknownSessionField, NotNews, LongTitle, NoLinkNoBody, OldSession, ManyTopics, NoPublishedDate, SummaryRepeatsTitle,
        MissingTranslations];
}
