using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>What one call to <see cref="DigestRunner.RunAsync"/> did.</summary>
public sealed record DigestRunResult(
    string RunId,
    DigestRunStatus Status,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    int Articles,
    int PlannedRecipients,
    int Batches,
    IReadOnlyList<BatchResult> BatchResults)
{
    public int RecipientsSentNow => BatchResults.Sum(b => b.RecipientsSent);
    public int BatchesSentNow => BatchResults.Count(b => b.Outcome == BatchOutcome.Sent);
    public int BatchesAlreadySent => BatchResults.Count(b => b.Outcome == BatchOutcome.AlreadySent);
    public int BatchesFailed => BatchResults.Count(b => b.Outcome == BatchOutcome.Failed);
    public int BatchesUncertain => BatchResults.Count(b => b.Outcome == BatchOutcome.Uncertain);
}

/// <summary>
/// A digest run, start to end (the timer functions and <c>notify digest run</c>): fix the run's window, render the digest once,
/// plan the recipients into batches in the ledger, then send every batch that is not sent yet.
/// Running the same run again sends nothing that was sent.
/// </summary>
public sealed class DigestRunner(
    DigestRunStore runs,
    ArticleIndex articles,
    SubscriberStore subscribers,
    DigestRenderer renderer,
    DigestArchive archive,
    DeliveryLedger ledger,
    BatchSender sender,
    IOptions<DeliveryOptions> delivery,
    TimeProvider time,
    ILogger<DigestRunner> logger)
{
    /// <summary>A run left in Planning longer than this (its planner crashed) may be planned again.</summary>
    public static readonly TimeSpan PlanningLease = TimeSpan.FromMinutes(10);

    public async Task<DigestRunResult> RunAsync(DigestFrequency frequency, DateTimeOffset? at = null, CancellationToken ct = default)
    {
        var now = at ?? time.GetUtcNow();
        var period = DigestPeriod.For(frequency, now);
        var run = await runs.GetOrCreateAsync(period, now, ct);

        if (run.Status is DigestRunStatus.Open || (run.Status is DigestRunStatus.Planning && time.GetUtcNow() - run.UpdatedAt > PlanningLease))
        {
            var planned = await PlanAsync(period, run, ct);
            if (planned is null)
            {
                logger.LogInformation("Run {RunId} is being planned by another worker", run.RunId);
                return Result(await runs.GetAsync(frequency, period.Key, ct) ?? run, []);
            }
            run = planned;
        }

        if (run.Status is DigestRunStatus.Completed)
        {
            // Report what the ledger says was sent, so a rerun reads "already sent", not "nothing to send".
            var sent = (await ledger.ListAsync(run.RunId, run.PlanId, ct)).Select(b => new BatchResult(b.BatchId, BatchOutcome.AlreadySent, 0, 0, null)).ToList();
            logger.LogInformation("Run {RunId} is completed: {BatchCount} batches already sent, nothing to send", run.RunId, sent.Count);
            return Result(run, sent);
        }
        if (run.Status is not DigestRunStatus.Planned)
        {
            logger.LogInformation("Run {RunId} is {Status}: nothing to send", run.RunId, run.Status);
            return Result(run, []);
        }
        return await SendAsync(run, ct);
    }

    /// <summary>Claims the run, renders the digest once, and writes the batches. Null when another worker holds the claim.</summary>
    private async Task<DigestRun?> PlanAsync(DigestPeriod period, DigestRun run, CancellationToken ct)
    {
        // A fresh plan id: if this planner is slow and loses its claim, the rows it still writes belong to no run.
        var claimed = await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planning, PlanId = Guid.NewGuid().ToString("N")[..12] }, ct);
        if (claimed is null) return null;

        var window = await articles.ListAvailableAsync(run.WindowStart, run.WindowEnd, ct);
        if (window.Count == 0)
        {
            logger.LogInformation("Run {RunId}: no new articles between {WindowStart} and {WindowEnd}", run.RunId, run.WindowStart, run.WindowEnd);
            return await runs.TryUpdateAsync(claimed with { Status = DigestRunStatus.Completed }, ct);
        }

        await archive.SaveAsync(run.RunId, renderer.Render(period, window), ct);

        var recipients = (await subscribers.ListByFrequencyAsync(period.Frequency, ct))
            .Where(s => s.Status == SubscriberStatus.Active)
            .Select(s => s.Id)
            .Order(StringComparer.Ordinal)
            .ToList();
        var batches = recipients.Chunk(delivery.Value.BatchSize).Select(c => (IReadOnlyList<string>)c).ToList();
        await ledger.WritePlanAsync(run.RunId, claimed.PlanId, batches, ct);

        logger.LogInformation("Run {RunId} planned: {ArticleCount} articles, {RecipientCount} recipients in {BatchCount} batches",
            run.RunId, window.Count, recipients.Count, batches.Count);
        return await runs.TryUpdateAsync(claimed with
        {
            Status = batches.Count == 0 ? DigestRunStatus.Completed : DigestRunStatus.Planned,
            ArticleCount = window.Count,
            RecipientCount = recipients.Count,
            BatchCount = batches.Count,
        }, ct);
    }

    private async Task<DigestRunResult> SendAsync(DigestRun run, CancellationToken ct)
    {
        var content = await archive.LoadAsync(run.RunId, ct)
            ?? throw new InvalidOperationException($"Run {run.RunId} is planned but its rendered digest is missing from the digests container.");
        var everyone = (await subscribers.ListAsync(ct)).ToDictionary(s => s.Id);
        var results = new List<BatchResult>();
        foreach (var batch in await ledger.ListAsync(run.RunId, run.PlanId, ct))
            results.Add(await sender.SendAsync(batch, run.Frequency, content, everyone, ct));

        if (results.All(r => r.Outcome is BatchOutcome.Sent or BatchOutcome.AlreadySent))
        {
            // Losing this race is harmless: whoever won recorded the same completion.
            run = await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Completed }, ct) ?? run with { Status = DigestRunStatus.Completed };
        }
        var result = Result(run, results);
        logger.LogInformation("Run {RunId}: {BatchesSent} batches sent now ({RecipientsSent} recipients), {AlreadySent} already sent, {Failed} failed, {Uncertain} uncertain",
            run.RunId, result.BatchesSentNow, result.RecipientsSentNow, result.BatchesAlreadySent, result.BatchesFailed, result.BatchesUncertain);
        return result;
    }

    private static DigestRunResult Result(DigestRun run, IReadOnlyList<BatchResult> batches)
        => new(run.RunId, run.Status, run.WindowStart, run.WindowEnd, run.ArticleCount, run.RecipientCount, run.BatchCount, batches);
}
