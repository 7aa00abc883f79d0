namespace Notifications.Articles;

public enum ArticleFormat { Markdown, Html, Text }

/// <summary>An article as parsed from its blob: what digests show, and what the lifecycle needs.</summary>
/// <param name="Editor">The address from front matter <c>editor</c> (normalised): who is told when the file is rejected.</param>
/// <param name="EditorName">The name from <c>editor: Name &lt;address&gt;</c>, for display; null when the field gave only an address.</param>
/// <param name="News">Front matter <c>news: true</c>: the editor says the article is news even though its session ended long ago
/// (<see cref="ArticleOptions.NewsWindow"/>).</param>
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
    IReadOnlyList<ArticleWarning>? Warnings = null,
    string? EditorName = null,
    bool News = false);

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
/// <param name="NotNews">Its session ended long before it entered digests and the editor did not say <c>news: true</c>
/// (<see cref="NewsWindowRule"/>): accepted, with its article page, but left out of every digest and alert
/// (<see cref="ArticleIndex.ListAvailableAsync"/>).</param>
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
    IReadOnlyList<ArticleWarning>? Warnings = null,
    bool NotNews = false)
{
    public SessionInfo SessionOrNone => Session ?? SessionInfo.None;

    public IReadOnlyList<ArticleWarning> WarningList => Warnings ?? [];
}

/// <summary>Why an article was rejected, written for the editor who has to fix it.</summary>
public sealed record ArticleRejection(string Code, string Message, int? Line, string Hint);

/// <summary>
/// Something in an accepted file the pipeline could not use and left out (an unknown topic, an unknown front matter field), or
/// something the editorial checks (<see cref="ArticleChecks"/>) think deserves a look, written for the editor: the article goes
/// out anyway. Kept on the indexed article and printed by <c>notify articles</c>. <see cref="Message"/> and <see cref="Hint"/> are
/// English (logs, the CLI); <see cref="Args"/> are the values they name, so <see cref="ArticleWarningText"/> can word the same
/// warning in the reader's language.
/// </summary>
/// <param name="Code">Stable: the key of the warning's texts in <c>checks.&lt;lang&gt;.json</c>.</param>
/// <param name="Args">The values the texts name, by placeholder (<c>{length}</c> is <c>Args["length"]</c>); null when there are none.</param>
public sealed record ArticleWarning(string Code, string Message, int? Line, string Hint, IReadOnlyDictionary<string, string>? Args = null)
{
    /// <summary>Equal when every member is, <see cref="Args"/> by content (a warning read back from the index equals the one written).</summary>
    public bool Equals(ArticleWarning? other)
        => other is not null && Code == other.Code && Message == other.Message && Line == other.Line && Hint == other.Hint
            && (Args ?? Empty).Count == (other.Args ?? Empty).Count
            && (Args ?? Empty).All(a => other.Args!.TryGetValue(a.Key, out var value) && value == a.Value);

    public override int GetHashCode() => HashCode.Combine(Code, Message, Line, Hint, (Args ?? Empty).Count);

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

/// <summary>Thrown by the parser when a file cannot become an article. <see cref="Editor"/> is who to tell, when the file said.</summary>
public sealed class ArticleRejectedException(ArticleRejection rejection, string? editor = null) : Exception(rejection.Message)
{
    public ArticleRejection Rejection { get; } = rejection;
    public string? Editor { get; } = editor;
}
