using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>
/// An hour passed (the HourlyDigests timer; CLI twin <c>notify digest run --due</c>): the daily and weekly runs of that UTC hour are
/// planned (whoever is due then in their own time zone), with the alerts of articles that became available without one (held articles
/// whose date came) and any run whose planner stopped; the slot index is kept up (a slice of its sweep, old write-log partitions
/// removed); then failed work heals: the batches of recent runs that
/// <see cref="FailedBatchHealer"/> finds due (failed ones past their backoff, uncertain ones to visit) go again. The timer queues every
/// batch for <see cref="BatchDue"/> (<see cref="PlanDueAsync"/>); the CLI sends them here and now (<see cref="RunDueAsync"/>).
/// </summary>
public sealed class HourPassed(
    DigestRunner runner,
    TranslationAlerts alerts,
    DigestRunStore runs,
    ArticleIndex articles,
    SendBatchQueue queue,
    FailedBatchHealer healer,
    SubscriberSlotIndex slotIndex,
    IOptions<ScheduleOptions> schedule,
    TimeProvider time,
    ILogger<HourPassed> logger)
{
    /// <summary>
    /// The HourlyDigests function: plans the runs due at the UTC hour of <paramref name="at"/> and puts one message per planned batch on
    /// the send-batches queue, so the SendBatch function sends them, scaled out across instances; the batches the healer finds due are
    /// queued too.
    /// </summary>
    /// <param name="at">When the timer was due; the top of its UTC hour is the run's instant, whatever the timer's lateness.</param>
    public async Task<IReadOnlyList<DigestRunResult>> PlanDueAsync(DateTimeOffset? at = null, CancellationToken ct = default)
    {
        var results = new List<DigestRunResult>();
        var now = at ?? time.GetUtcNow();
        foreach (var run in await DueRunsAsync(now, ct))
            results.Add(await runner.EnqueueAsync(run, ct));
        foreach (var heal in await healer.DueAsync(ct))
        {
            if (heal.Batches.Count == 0)
            {
                await CompleteDoneRunAsync(heal.Run, ct);
                continue;
            }
            await queue.EnqueueAsync(heal.Batches.Select(b => new SendBatchMessage(heal.Run.RunId, heal.Run.PlanId, b.BatchId)), ct);
            logger.LogInformation("Run {RunId}: {Count} batches queued again by the hourly timer", heal.Run.RunId, heal.Batches.Count);
        }
        // Last: the batches are on their way before the index's upkeep takes its share of the tick.
        await KeepUpSlotIndexAsync(DigestPeriod.TopOfHour(now), ct);
        return results;
    }

    /// <summary>The same as <see cref="PlanDueAsync"/>, sending every batch here and now: <c>notify digest run --due</c>.</summary>
    public async Task<IReadOnlyList<DigestRunResult>> RunDueAsync(DateTimeOffset? at = null, CancellationToken ct = default)
    {
        var results = new List<DigestRunResult>();
        var now = at ?? time.GetUtcNow();
        foreach (var run in await DueRunsAsync(now, ct))
            // Planned batches; failed and uncertain ones are the healer's, below (failed ones after their backoff).
            results.Add(await runner.SendOrReportAsync(run, ct, b => b.Status is BatchStatus.Planned or BatchStatus.Sent));
        foreach (var heal in await healer.DueAsync(ct))
        {
            if (heal.Batches.Count == 0)
            {
                await CompleteDoneRunAsync(heal.Run, ct);
                continue;
            }
            var ids = heal.Batches.Select(b => b.BatchId).ToHashSet(StringComparer.Ordinal);
            var healed = await runner.SendAsync(heal.Run, ct, only: b => ids.Contains(b.BatchId));
            var index = results.FindIndex(r => r.RunId == healed.RunId);
            if (index < 0) results.Add(healed);
            else results[index] = healed with { BatchResults = [.. results[index].BatchResults, .. healed.BatchResults] };
        }
        await KeepUpSlotIndexAsync(DigestPeriod.TopOfHour(now), ct);
        return results;
    }

    /// <summary>The runs due at <paramref name="at"/>, planned; each once.</summary>
    private async Task<IReadOnlyList<DigestRun>> DueRunsAsync(DateTimeOffset at, CancellationToken ct)
    {
        var hour = DigestPeriod.TopOfHour(at);
        var due = new Dictionary<string, DigestRun>(StringComparer.Ordinal);
        var lateness = schedule.Value.LatenessLimit;

        // A run whose planner stopped is planned again (it covers what it covered the first time).
        foreach (var stale in await runs.ListUnplannedAsync(hour - lateness, schedule.Value.PlanningLease, ct))
            due[stale.RunId] = await runner.PlannedRunAsync(DigestPeriod.Of(stale), stale.WindowEnd, stale.ArticleGroup, ct);

        foreach (var frequency in (DigestFrequency[])[DigestFrequency.Daily, DigestFrequency.Weekly])
        {
            var run = await runner.PlannedRunAsync(DigestPeriod.Hourly(frequency, hour), hour, "", ct);
            due[run.RunId] = run;
        }

        // Alerts that ingesting did not plan: articles held until their date, groups whose wait for translations ended (the alerts-due
        // message is the quicker way), late translations, or a trigger that stopped after ingesting.
        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var article in await articles.ListAvailableAsync(hour - lateness, at.AddSeconds(1), ct))
        {
            var group = article.TranslationKey ?? article.BlobName;
            if (article.Correction && DigestPeriod.Alert(article) is var correction && !due.ContainsKey(correction.RunId))
                due[correction.RunId] = await runner.PlannedRunAsync(correction, at, group, ct);
            if (!groups.Add(group)) continue;
            foreach (var run in (await alerts.PlanDueAsync(group, at, ct)).Runs)
                due.TryAdd(run.RunId, run);
        }
        return due.Values.ToList();
    }

    /// <summary>
    /// After planning, the slot index's upkeep: one slice of the sweep (<see cref="ScheduleOptions.SlotIndexSweepDays"/>) and the write
    /// log's old partitions (none while <see cref="ScheduleOptions.UseSlotIndex"/> is off). A failure is logged, not thrown: the runs are
    /// planned, and the next tick sweeps again.
    /// </summary>
    private async Task KeepUpSlotIndexAsync(DateTimeOffset hour, CancellationToken ct)
    {
        // Off: ticks read everyone, as before the index; its cards are still written, and the sweep resumes when it is on again.
        if (!schedule.Value.UseSlotIndex) return;
        try
        {
            var upkeep = await slotIndex.KeepUpAsync(hour, ct);
            logger.LogInformation("Slot index upkeep at {Hour:u}: {Upkeep}", hour, upkeep);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Slot index upkeep at {Hour:u} failed; the next tick sweeps on", hour);
        }
    }

    /// <summary>A run whose every batch is Sent or Cancelled (the last one decided by the webhook's evidence), marked completed.</summary>
    private async Task CompleteDoneRunAsync(DigestRun run, CancellationToken ct)
    {
        if (await runner.RecordAsync(run, [new BatchResult("", BatchOutcome.AlreadySent, 0, 0, null)], ct) is { Status: DigestRunStatus.Completed })
            logger.LogInformation(
                "Run {RunId} completed by the hourly timer: every batch is sent (the last ones on SendGrid's evidence) or cancelled", run.RunId);
    }
}
