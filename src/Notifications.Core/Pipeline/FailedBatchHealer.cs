using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Delivery;
using Notifications.Telemetry;
using Notifications.Subscribers;
using Notifications.Digests;

namespace Notifications.Pipeline;

/// <summary>
/// The batches of one run an hourly tick sends (again): <see cref="FailedBatchHealer.DueAsync"/>. No batches: every batch of the run is
/// done (Sent or Cancelled) although the run is not marked completed (the webhook decided its last batch): the tick completes it.
/// </summary>
/// <param name="Run">The run as it is now (Planned; resumed by this tick if it was Paused).</param>
public sealed record RunToHeal(DigestRun Run, IReadOnlyList<DeliveryBatch> Batches);

/// <summary>Where the timer's retries of one Failed batch stand (<c>notify digest status</c>).</summary>
/// <param name="RetryUntil">The run's lateness limit: the timer retries the batch until then, never after.</param>
/// <param name="NextRetryAt">When its backoff lets the next tick retry it; null once past <paramref name="RetryUntil"/>.</param>
/// <param name="GaveUpAt">When a tick found it past the limit, gave up and reported it; null while it is retried.</param>
public sealed record BatchHealing(string BatchId, int Attempts, DateTimeOffset RetryUntil, DateTimeOffset? NextRetryAt, DateTimeOffset? GaveUpAt)
{
    public string Describe() => GaveUpAt is { } gaveUp
        ? $"gave up: past the lateness limit at {RetryUntil:u} (after {Attempts} attempts; reported {gaveUp:u}); only `notify digest resume` sends it now"
        : NextRetryAt is { } next
            ? $"the hourly timer retries it from {next:u} (attempt {Attempts + 1}), until the lateness limit at {RetryUntil:u}"
            : $"past the lateness limit at {RetryUntil:u}: not retried any more (the next tick reports it)";
}

/// <summary>
/// Failed work heals itself. Every hourly tick (<see cref="HourPassed.PlanDueAsync"/> and its inline twin
/// <see cref="HourPassed.RunDueAsync"/>) asks this which batches of recent runs to send again, and the tick queues or sends them:
/// <list type="bullet">
/// <item>a Failed batch when its backoff is due: <see cref="DeliveryOptions.HealBackoff"/> after its first attempt, doubled per further
/// attempt up to <see cref="DeliveryOptions.HealBackoffMax"/>, counted from its last failure (a tick up to <see cref="Slack"/> early
/// counts: an hourly timer must not miss a backoff by the seconds the failed send took);</item>
/// <item>until the run's lateness limit (<see cref="ScheduleOptions.LatenessLimit"/> after the run's window end; for an alert, after its
/// article became available). Past it the batch is given up: recorded on the batch, logged as an error once, shown by
/// <c>notify digest status</c>, and never sent by a tick again;</item>
/// <item>a Paused run is resumed when one of its Failed batches is due, with its failure count one short of
/// <see cref="DeliveryOptions.PauseAfterFailures"/>: the retry is a probe (one more failure pauses it again, with a longer backoff; a
/// sent batch resets the count), and its batches never tried while paused go with it;</item>
/// <item>Planned batches not touched for <see cref="DeliveryOptions.HealBackoff"/> (their queue message was lost: poison queue, a cleared
/// queue) are queued again; the ledger's claim keeps a second message from sending twice;</item>
/// <item>Uncertain batches, and batches left in Sending past the lease, of a Planned run are visited (sent through
/// <see cref="BatchSender"/> without <c>resendUncertain</c>): the sender decides what becomes of them, not this class.</item>
/// </list>
/// The cost is bounded: only runs Planned or Paused and updated within the lateness limit (plus the longest backoff, so that a run
/// past its limit is seen once more to report it) are read, by a filtered query, and of each only its batches not yet sent.
/// </summary>
public sealed class FailedBatchHealer(
    DigestRunStore runs,
    DeliveryLedger ledger,
    IOptions<DeliveryOptions> delivery,
    IOptions<ScheduleOptions> schedule,
    TimeProvider time,
    ILogger<FailedBatchHealer> logger)
{
    /// <summary>How much earlier than its backoff a tick may retry a batch.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(5);

    /// <summary>What this tick sends again, run by run; gives up (and reports) the Failed batches past their run's lateness limit.</summary>
    public async Task<IReadOnlyList<RunToHeal>> DueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var o = delivery.Value;
        var due = new List<RunToHeal>();
        foreach (var found in await runs.ListUnfinishedAsync(now - schedule.Value.LatenessLimit - o.HealBackoffMax, ct))
        {
            if (found.PlanId.Length == 0) continue;
            var run = found;
            var unsent = await ledger.ListUnsentAsync(run.RunId, run.PlanId, ct);
            if (run.Status is DigestRunStatus.Planned && unsent.All(b => b.Status is BatchStatus.Cancelled))
            {
                // Every batch is done (the webhook's evidence moved the last uncertain one to Sent): the runner completes the run.
                due.Add(new RunToHeal(run, []));
                continue;
            }
            var retryUntil = RetryUntil(run);
            var failed = new List<DeliveryBatch>();
            foreach (var batch in unsent.Where(b => b is { Status: BatchStatus.Failed, GaveUpAt: null }))
            {
                if (now > retryUntil)
                    await GiveUpAsync(run, batch, retryUntil, now, ct);
                else if (now >= NextRetryAt(batch) - Slack)
                    failed.Add(batch);
            }

            var resumed = false;
            if (run.Status is DigestRunStatus.Paused)
            {
                // Paused: nothing is visited until one of its failed batches is due; then that retry is the probe.
                if (failed.Count == 0) continue;
                if (await runs.TryUpdateAsync(
                        run with { Status = DigestRunStatus.Planned, ConsecutiveFailures = o.PauseAfterFailures - 1 }, ct) is not { } planned)
                    continue; // changed meanwhile (an admin resumed it, another tick did): the next tick looks again
                logger.LogWarning("Run {RunId} resumed by the hourly timer: {Count} failed batches are due for a retry; one more failure pauses it again",
                    run.RunId, failed.Count);
                run = planned;
                resumed = true;
            }

            var retry = failed.Select(b => b.BatchId).ToHashSet(StringComparer.Ordinal);
            var batches = unsent.Where(b =>
                    retry.Contains(b.BatchId)
                    || (resumed && b.Status is BatchStatus.Planned)
                    // Planned and untouched for a backoff: its queue message was lost (poison queue, cleared queue); sending it twice
                    // is impossible (the ledger's claim), so it is queued again.
                    || (b.Status is BatchStatus.Planned && now - b.UpdatedAt >= o.HealBackoff)
                    || b.Status is BatchStatus.Uncertain
                    || (b.Status is BatchStatus.Sending && now - b.UpdatedAt >= o.SendingLease))
                .ToList();
            if (batches.Count > 0)
                due.Add(new RunToHeal(run, batches));
        }
        return due;
    }

    /// <summary>Where the timer's retries of each Failed batch of <paramref name="run"/> stand.</summary>
    public IReadOnlyList<BatchHealing> Describe(DigestRun run, IEnumerable<DeliveryBatch> batches)
    {
        var until = RetryUntil(run);
        var now = time.GetUtcNow();
        return batches.Where(b => b.Status is BatchStatus.Failed)
            .Select(b => new BatchHealing(b.BatchId, b.Attempts, until, b.GaveUpAt is null && now <= until ? Max(NextRetryAt(b), now) : null, b.GaveUpAt))
            .ToList();
    }

    /// <summary>The run's lateness limit: its window end (an alert: its article's availability) plus Schedule:LatenessLimit.</summary>
    public DateTimeOffset RetryUntil(DigestRun run)
        => (run.Frequency is DigestFrequency.Instant ? run.WindowStart : run.WindowEnd) + schedule.Value.LatenessLimit;

    /// <summary>The batch's last failure plus its backoff: HealBackoff doubled per attempt after the first, at most HealBackoffMax.</summary>
    public DateTimeOffset NextRetryAt(DeliveryBatch batch)
    {
        var o = delivery.Value;
        var doublings = Math.Clamp(batch.Attempts - 1, 0, 30);
        var backoff = o.HealBackoff.Ticks * Math.Pow(2, doublings) >= o.HealBackoffMax.Ticks ? o.HealBackoffMax : o.HealBackoff * Math.Pow(2, doublings);
        return batch.UpdatedAt + backoff;
    }

    private async Task GiveUpAsync(DigestRun run, DeliveryBatch batch, DateTimeOffset retryUntil, DateTimeOffset now, CancellationToken ct)
    {
        // Recorded first (ETag-guarded), so that of two ticks only one reports it.
        if (await ledger.TryGiveUpAsync(batch, now, ct) is null) return;
        logger.LogError(
            "Batch {BatchId} of run {RunId} given up after {Attempts} attempts: past the lateness limit ({RetryUntil:u}), it is not retried any more. " +
            "Last error: {Error}. `notify digest resume {RunId}` sends it anyway",
            batch.BatchId, run.RunId, batch.Attempts, retryUntil, LogScrubber.Scrub(batch.Error) ?? "none recorded", run.RunId);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
