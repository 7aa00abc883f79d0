using Notifications.Articles;

namespace Notifications.Pipeline;

/// <summary>
/// What happens when a file lands in <c>articles</c> (the blob trigger, <c>notify articles publish</c> and <c>reingest</c>): it is
/// ingested, and an accepted article that is available now gets its instant alert planned and queued (within minutes, through the same
/// batches and ledger as digests). A held article is alerted by the hourly timer once its date comes.
/// </summary>
public sealed class InstantAlerts(ArticleIngestor ingestor, DigestRunner runner)
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
            await runner.PlanAlertAsync(article, ct);
    }
}
