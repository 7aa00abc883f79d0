using Microsoft.Extensions.Logging;
using Notifications.Articles;
using Notifications.Digests;

namespace Notifications.Pipeline;

/// <summary>
/// An article was published (a file lands in <c>articles</c>: the blob trigger, <c>notify articles publish</c>; <c>reingest</c> for the
/// files the trigger missed): it is ingested, and an accepted article that is available now gets its alert planned and queued (through the
/// same batches and ledger as digests, sent by <see cref="BatchDue"/>) once its group's alert is due: the first file of a translation group
/// waits <see cref="ScheduleOptions.AlertGracePeriod"/> for its translations (a message on the alerts-due queue, visible then, read by
/// <see cref="AlertDue"/>); a translation that comes after its group's alert is alerted at once to its language's readers
/// (<see cref="TranslationAlerts"/>). A held article is alerted by the hourly timer (<see cref="HourPassed"/>) once its date comes.
/// </summary>
public sealed class ArticlePublished(
    ArticleIngestor ingestor,
    DigestRunner runner,
    TranslationAlerts alerts,
    AlertDueQueue waiting,
    TimeProvider time,
    ILogger<ArticlePublished> logger)
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
    /// An accepted article's alert, planned and queued when due: the alert run that carries this article (its group's, or its own as a
    /// late translation; a correction that says resend: true has one of its own, per corrected version, at once). Null when the article
    /// is not available yet (held: the hourly timer alerts it when it is), or while its group's alert waits for translations (a message
    /// on the alerts-due queue brings it back then).
    /// </summary>
    public async Task<DigestRunResult?> AlertAsync(IndexedArticle article, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        // An article about a session that ended long ago is not news (NotNews): no alert, and no empty alert run either.
        if (article is not { Status: ArticleStatus.Accepted, AvailableAt: { } available, NotNews: false } || available > now) return null;
        var group = article.TranslationKey ?? article.BlobName;
        if (article.Correction)
            return await runner.EnqueueAsync(await runner.PlannedRunAsync(DigestPeriod.Alert(article), now, group, ct), ct);

        var due = await alerts.PlanDueAsync(group, now, ct);
        if (due.WaitsUntil is { } until)
        {
            await waiting.EnqueueAsync(new AlertDueMessage(group), until - now, ct);
            logger.LogInformation("Alert of {Group} waits for its translations until {Until:u}", group, until);
            return null;
        }
        DigestRunResult? carrying = null;
        foreach (var run in due.Runs)
        {
            var queued = await runner.EnqueueAsync(run, ct);
            if (run.PeriodKey == DigestPeriod.LateTranslationKey(group, article.Language) || carrying is null) carrying = queued;
        }
        return carrying;
    }

    /// <summary>When the alert of <paramref name="article"/>'s group is due, while it waits for translations; null otherwise.</summary>
    public async Task<DateTimeOffset?> AlertWaitsUntilAsync(IndexedArticle article, CancellationToken ct = default)
        => article is { Status: ArticleStatus.Accepted, AvailableAt: { } available, NotNews: false } && available <= time.GetUtcNow()
            && !article.Correction
            ? (await alerts.WaitsUntilAsync(article.TranslationKey ?? article.BlobName, time.GetUtcNow(), ct))
            : null;
}
