using Microsoft.Extensions.Logging;
using Notifications.Delivery;
using Notifications.Digests;

namespace Notifications.Pipeline;

/// <summary>What cancelling a run did.</summary>
/// <param name="Cancelled">Batches that will never be sent now.</param>
/// <param name="InFlight">Batches being sent (or uncertain) as it was cancelled: they may have reached their recipients.</param>
/// <param name="WindowsRestored">Recipients of the cancelled batches whose digest window was put back where it stood before the run.</param>
public sealed record RunCancellationResult(string RunId, int Cancelled, int AlreadySent, int InFlight, int WindowsRestored);

/// <summary>
/// Cancels a run that is not finished (Open, Planned or Paused): the run becomes <see cref="DigestRunStatus.Cancelled"/> first (so no
/// sender, queue message or hourly timer takes it up again), then each unsent batch (Planned, Failed) is moved to Cancelled, ETag-guarded
/// against a sender claiming it at the same moment (a batch it lost to a sender is reported in flight). The watermarks of the cancelled
/// batches' recipients are put back where they stood before this run moved them (a later run's marks are left alone), so their next
/// digest covers what this one would have. A run being planned right now, completed or cancelled already is refused with the reason.
/// </summary>
public sealed class RunCancellation(DigestRunStore runs, DeliveryLedger ledger, DigestWatermarks watermarks, ILogger<RunCancellation> logger)
{
    public const string Reason = "not sent: the run was cancelled by an admin";

    public async Task<RunCancellationResult> CancelAsync(string runId, CancellationToken ct = default)
    {
        var (frequency, key) = DigestPeriod.ParseRunId(runId);
        DigestRun? cancelled = null;
        for (var attempt = 0; cancelled is null; attempt++)
        {
            var run = await runs.GetAsync(frequency, key, ct)
                ?? throw new ArgumentException($"There is no run {runId}; `notify digest status --since all` lists the runs.");
            if (run.Status is not (DigestRunStatus.Open or DigestRunStatus.Planned or DigestRunStatus.Paused))
                throw new InvalidOperationException(run.Status switch
                {
                    DigestRunStatus.Planning => $"Run {runId} is being planned right now; try again in a minute, when it is planned.",
                    DigestRunStatus.Cancelled => $"Run {runId} is cancelled already.",
                    _ => $"Run {runId} is {run.Status.ToString().ToLowerInvariant()}: every batch was sent; there is nothing left to cancel.",
                });
            cancelled = await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Cancelled }, ct);
            if (cancelled is null && attempt >= 5)
                throw new InvalidOperationException($"Run {runId} kept changing while cancelling it; try again.");
        }
        var (done, sent, inFlight, recipients) = (0, 0, 0, new List<string>());
        var plan = cancelled.PlanId.Length == 0 ? [] : await ledger.ListAsync(cancelled.RunId, cancelled.PlanId, ct);
        foreach (var listed in plan)
        {
            switch (await CancelBatchAsync(listed, ct))
            {
                case BatchStatus.Cancelled when listed.Status is not BatchStatus.Cancelled:
                    done++;
                    recipients.AddRange(listed.RecipientIds);
                    break;
                case BatchStatus.Sent: sent++; break;
                case BatchStatus.Sending or BatchStatus.Uncertain: inFlight++; break;
            }
        }
        var restored = await RestoreWindowsAsync(cancelled.RunId, recipients, ct);
        logger.LogWarning("Run {RunId} cancelled: {Cancelled} batches cancelled, {Sent} sent before, {InFlight} in flight; {Restored} windows put back",
            runId, done, sent, inFlight, restored);
        return new RunCancellationResult(cancelled.RunId, done, sent, inFlight, restored);
    }

    /// <summary>The batch cancelled if nobody claimed it; its status as it ends up.</summary>
    private async Task<BatchStatus> CancelBatchAsync(DeliveryBatch listed, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var batch = await ledger.GetAsync(listed.RunId, listed.PlanId, listed.BatchId, ct);
            if (batch is null) return BatchStatus.Cancelled;
            if (batch.Status is not (BatchStatus.Planned or BatchStatus.Failed)) return batch.Status;
            if (await ledger.TryMoveAsync(batch, BatchStatus.Cancelled, error: Reason, ct: ct) is not null) return BatchStatus.Cancelled;
        }
        return BatchStatus.Sending;
    }

    /// <summary>Each recipient's watermark back where it stood before this run moved it, shard by shard, ETag-guarded.</summary>
    private async Task<int> RestoreWindowsAsync(string runId, IReadOnlyList<string> recipients, CancellationToken ct)
    {
        var tag = DigestWatermark.TagOf(runId);
        var restored = 0;
        foreach (var shard in recipients.Distinct(StringComparer.Ordinal).GroupBy(DigestWatermarks.ShardOf))
        {
            for (var attempt = 0; ; attempt++)
            {
                var marks = await watermarks.ReadAsync(shard.Key, ct);
                var back = 0;
                foreach (var id in shard)
                {
                    if (marks.Get(id) is not { } mark || mark.RunTag != tag) continue; // moved by a later run since: theirs stands
                    if (mark.PreviousThrough is { } previous)
                        marks.Marks[id] = new DigestWatermark(id, previous, null, 0);
                    else
                        marks.Marks.Remove(id); // their first digest: its look-back applies again
                    back++;
                }
                if (back == 0 || await watermarks.TryWriteAsync(marks, ct))
                {
                    restored += back;
                    break;
                }
                if (attempt >= 10) throw new InvalidOperationException($"The digest windows of run {runId} kept changing; cancel it again to finish.");
            }
        }
        return restored;
    }
}
