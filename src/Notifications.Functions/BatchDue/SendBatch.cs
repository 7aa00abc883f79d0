using Microsoft.Azure.Functions.Worker;
using Notifications.Delivery;

namespace Notifications.Functions.BatchDue;

/// <summary>
/// Sends one batch from the send-batches queue (<c>Storage:SendBatchesQueue</c>) through <see cref="Pipeline.BatchDue"/>; this is what
/// scales sending out. CLI twin: <c>notify deliver</c>.
/// </summary>
public sealed class SendBatch(Pipeline.BatchDue batchDue)
{
    [Function(nameof(SendBatch))]
    public Task Run([QueueTrigger("%Storage:SendBatchesQueue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
        => batchDue.SendAsync(SendBatchQueue.Deserialize(message), cancellationToken);
}
