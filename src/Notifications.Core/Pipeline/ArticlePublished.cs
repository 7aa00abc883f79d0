using Notifications.Articles;
using Notifications.Digests;

namespace Notifications.Pipeline;

/// <summary>
/// An article was published (a file lands in <c>articles</c>: the blob trigger, <c>notify articles publish</c>; <c>reingest</c> for the
/// files the trigger missed): it is ingested, and an accepted article that is available now gets its instant alert planned and queued
/// (within minutes, through the same batches and ledger as digests, sent by <see cref="BatchDue"/>). A held article is alerted by the
/// hourly timer (<see cref="HourPassed"/>) once its date comes.
/// </summary>
public sealed class ArticlePublished(ArticleIngestor ingestor, DigestRunner runner, TimeProvider time)
{
    public async Task<IngestResult> IngestAsync(string blobName, CancellationToken ct = default)
    {
        var result = await ingestor.IngestAsync(blobName, ct);
        await AlertAsync(result, ct);
        return result;
    }

    /// <summary>Plans the alert of an article just ingested, if it was accepted (or corrected) and is available.</summary>
    public async Task AlertAsync(IngestResult result, CancellationToken ct = default)
    {
        if (result is { Outcome: IngestOutcome.Accepted or IngestOutcome.Updated, Article: { } article })
            await AlertAsync(article, ct);
    }

    /// <summary>
    /// An accepted article's instant alert, planned and queued (once per article and its translations). Null when the article is not
    /// available yet (held): the hourly timer alerts it when it is.
    /// </summary>
    public async Task<DigestRunResult?> AlertAsync(IndexedArticle article, CancellationToken ct = default)
    {
        if (article is not { Status: ArticleStatus.Accepted, AvailableAt: { } available } || available > time.GetUtcNow()) return null;
        var group = article.TranslationKey ?? article.BlobName;
        // A correction that says resend: true has an alert run of its own (one per corrected version).
        var run = await runner.PlannedRunAsync(DigestPeriod.Alert(article), time.GetUtcNow(), group, ct);
        return await runner.EnqueueAsync(run, ct);
    }
}
