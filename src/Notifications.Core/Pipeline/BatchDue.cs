using Microsoft.Extensions.Logging;
using Notifications.Delivery;
using Notifications.Digests;

namespace Notifications.Pipeline;

/// <summary>
/// A batch is due (a message on the send-batches queue: the SendBatch function, and <c>notify deliver</c> for each message it drains):
/// that batch is sent, unless its run is paused, finished, or has been planned again since (a message for another plan is stale), or
/// the hourly timer gave the batch up at the lateness limit.
/// </summary>
public sealed class BatchDue(
    DigestRunStore runs,
    DeliveryLedger ledger,
    DigestBatchSender sender,
    DigestRunner runner,
    ILogger<BatchDue> logger)
{
    /// <summary>Sends the batch of <paramref name="message"/>, and records the outcome on its run. Null when nothing was done.</summary>
    public async Task<BatchResult?> SendAsync(SendBatchMessage message, CancellationToken ct = default)
    {
        var (frequency, key) = DigestPeriod.ParseRunId(message.RunId);
        var run = await runs.GetAsync(frequency, key, ct);
        if (run is not { Status: DigestRunStatus.Planned } || run.PlanId != message.PlanId)
        {
            logger.LogInformation("Batch {BatchId} of run {RunId}: the run is {Status}; the message is dropped", message.BatchId, message.RunId, run?.Status);
            return null;
        }
        var batch = await ledger.GetAsync(run.RunId, run.PlanId, message.BatchId, ct);
        if (batch is null) return null;
        if (batch is { Status: BatchStatus.Failed, GaveUpAt: { } gaveUp })
        {
            // Queued by an earlier tick, arriving after the timer gave the batch up at the lateness limit: only `resume` sends it now.
            logger.LogWarning("Batch {BatchId} of run {RunId} was given up at {GaveUpAt:u} (past the lateness limit); the message is dropped. " +
                              "`notify digest resume {RunId}` sends it anyway", message.BatchId, message.RunId, gaveUp, message.RunId);
            return null;
        }
        var result = await sender.SendAsync(run, batch, new DigestBatchSender.Loaded(), ct);
        await runner.RecordAsync(run, [result], ct);
        return result;
    }
}
