namespace Notifications.Articles;

public enum ArticleFormat { Markdown, Html, Text }

/// <summary>An article as parsed from its blob: what digests show, and what the lifecycle needs.</summary>
public sealed record Article(
    string Title,
    string Summary,
    string Language,
    IReadOnlyList<string> Topics,
    DateTimeOffset? Published,
    string? Url,
    string BodyHtml,
    ArticleFormat Format,
    SessionInfo Session,
    bool Draft = false,
    bool Resend = false,
    string? Editor = null,
    string? Slug = null,
    string? TranslationOf = null,
    bool Alert = false,
    IReadOnlyList<ArticleWarning>? Warnings = null);

public enum ArticleStatus
{
    /// <summary>Goes into digests from <see cref="IndexedArticle.AvailableAt"/> on.</summary>
    Accepted,
    /// <summary><c>draft: true</c>: never sent until the draft flag goes.</summary>
    Draft,
    /// <summary>The same content as another article (<see cref="IndexedArticle.DuplicateOf"/>): never sent twice.</summary>
    Duplicate,
    /// <summary>Could not be used; the reason is in <see cref="IndexedArticle.Rejection"/> and next to the file.</summary>
    Rejected,
    /// <summary>The file was deleted before a digest sent it.</summary>
    Withdrawn,
}

/// <summary>An article as the index knows it: parsed fields, where it came from, and when digests may include it.</summary>
/// <param name="AcceptedAt">When the pipeline first accepted it.</param>
/// <param name="AvailableAt">When it enters digests: acceptance, or a future <c>published</c> date; null for drafts, duplicates, rejections.</param>
/// <param name="TranslationKey">Articles with the same key are translations of each other (front matter <c>slug</c> or <c>translation_of</c>).</param>
/// <param name="Alert">Front matter <c>alert: true</c>: goes at once to every subscriber of its topics, whatever their frequency.</param>
/// <param name="Correction">This version corrects one already in digests and says <c>resend: true</c>: instant subscribers get a
/// correction alert (once per corrected version), and the next digests carry it again.</param>
/// <param name="Warnings">What the pipeline ignored in an accepted file (an unknown topic or field), for the editor.</param>
public sealed record IndexedArticle(
    string BlobName,
    ArticleStatus Status,
    string Title,
    string Summary,
    string Language,
    IReadOnlyList<string> Topics,
    DateTimeOffset? Published,
    string? Url,
    string ContentHash,
    DateTimeOffset? AcceptedAt,
    ArticleRejection? Rejection,
    DateTimeOffset? AvailableAt = null,
    ArticleFormat Format = ArticleFormat.Markdown,
    SessionInfo? Session = null,
    string? TranslationKey = null,
    string? DuplicateOf = null,
    string? Editor = null,
    bool Alert = false,
    bool Correction = false,
    IReadOnlyList<ArticleWarning>? Warnings = null)
{
    public SessionInfo SessionOrNone => Session ?? SessionInfo.None;

    public IReadOnlyList<ArticleWarning> WarningList => Warnings ?? [];
}

/// <summary>Why an article was rejected, written for the editor who has to fix it.</summary>
public sealed record ArticleRejection(string Code, string Message, int? Line, string Hint);

/// <summary>
/// Something in an accepted file the pipeline could not use and left out (an unknown topic, an unknown front matter field),
/// written for the editor: the article goes out without it. Kept on the indexed article and printed by <c>notify articles</c>.
/// </summary>
public sealed record ArticleWarning(string Code, string Message, int? Line, string Hint);

/// <summary>Thrown by the parser when a file cannot become an article. <see cref="Editor"/> is who to tell, when the file said.</summary>
public sealed class ArticleRejectedException(ArticleRejection rejection, string? editor = null) : Exception(rejection.Message)
{
    public ArticleRejection Rejection { get; } = rejection;
    public string? Editor { get; } = editor;
}
