using Notifications.Articles;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>A file the desk (or <c>notify articles publish</c>) is about to write into <c>articles</c>, not yet written.</summary>
public sealed record ArticleDraft(string BlobName, byte[] Content);

/// <summary>What the pipeline will make of a draft: the article as it would be indexed (null when rejected), its sanitised body,
/// the rejection (message, line, hint), and the editorial warnings (<see cref="ArticleChecks"/> plus the parser's own).</summary>
public sealed record DraftCheck(IndexedArticle? Article, string BodyHtml, ArticleRejection? Rejection, IReadOnlyList<ArticleWarning> Warnings);

/// <summary>A draft as one subscriber language receives it: in the next digest and as an instant alert.</summary>
/// <param name="InLanguage">False when the reader gets another language's version (the "(in English)" mark).</param>
public sealed record DraftPreview(string Language, bool InLanguage, MailContent Digest, MailContent Alert);

/// <summary>
/// What publishing (or withdrawing) did, as the desk and <c>notify articles publish</c> both say it: the ingest outcome, the
/// rejection when rejected, when it is held until, how many subscribers its alert was queued for, and whether a correction
/// was mailed again.
/// </summary>
public sealed record PublicationOutcome(
    string BlobName,
    IngestOutcome Outcome,
    IndexedArticle? Article,
    ArticleRejection? Rejection,
    DateTimeOffset? HeldUntil,
    int? AlertRecipients,
    bool Correction,
    bool MailedAgain,
    IReadOnlyList<ArticleWarning> Warnings);

/// <summary>Where an article went: one run that carried it.</summary>
public sealed record ArticleTrail(string RunId, DigestFrequency Frequency, DateTimeOffset At, int Recipients, bool Alert, DigestRunStatus Status);

/// <summary>
/// The editors' desk's work, over the same single path as a file dropped by hand: a draft is checked and previewed without
/// being written; publishing writes the file into <c>articles</c> and runs what the blob trigger runs (<see cref="ArticlePublished"/>);
/// withdrawing deletes it and runs the same. Test messages go to the editor only, through the configured delivery.
/// [GROUNDWORK: helper "deskcore" implements this; the signatures are the contract.]
/// </summary>
public sealed class ArticleDesk(ArticlePublisher publisher, ArticlePublished published, ArticleIndex index, ArticleParser parser, ArticleChecks checks)
{
    /// <summary>The parsed article, body, rejection and warnings of a draft; nothing is written.</summary>
    public Task<DraftCheck> CheckAsync(ArticleDraft draft, CancellationToken ct = default) => Todo<DraftCheck>(draft);

    /// <summary>The draft in each subscriber language (en, ru, fr): next digest and instant alert; nothing is written.</summary>
    public Task<IReadOnlyList<DraftPreview>> PreviewAsync(ArticleDraft draft, CancellationToken ct = default) => Todo<IReadOnlyList<DraftPreview>>(draft);

    /// <summary>Writes the draft into <c>articles</c> and ingests it as the blob trigger does (alert included); says what happened.</summary>
    public Task<PublicationOutcome> PublishAsync(ArticleDraft draft, CancellationToken ct = default) => Todo<PublicationOutcome>(draft);

    /// <summary>Deletes the file from <c>articles</c> and ingests the deletion as the blob trigger does (withdrawn).</summary>
    public Task<PublicationOutcome> WithdrawAsync(string blobName, CancellationToken ct = default) => Todo<PublicationOutcome>(blobName);

    /// <summary>Sends one test message of the draft (<paramref name="alert"/>: the alert, else the digest) in <paramref name="language"/>
    /// to <paramref name="to"/> only; returns the message id. No subscriber and no run is involved.</summary>
    public Task<string> SendTestAsync(ArticleDraft draft, bool alert, string language, string to, CancellationToken ct = default)
        => Todo<string>((draft, alert, language, to));

    /// <summary>The stored file of an article, to edit; null when there is no such blob.</summary>
    public Task<ArticleDraft?> OpenAsync(string blobName, CancellationToken ct = default) => Todo<ArticleDraft?>(blobName);

    /// <summary>For each article (by blob name), the runs that carried it, newest first.</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<ArticleTrail>>> TrailsAsync(CancellationToken ct = default)
        => Todo<IReadOnlyDictionary<string, IReadOnlyList<ArticleTrail>>>(null);

    private Task<T> Todo<T>(object? what) => throw new NotImplementedException($"helper deskcore: {what}{publisher}{published}{index}{parser}{checks}");
}
