using Microsoft.Azure.Functions.Worker;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Pipeline;

namespace Notifications.Functions.Delivery;

/// <summary>Sends one batch from the send-batches queue; this is what scales sending out. CLI twin: <c>notify deliver</c>.</summary>
public sealed class SendBatch(DigestRunner runner)
{
    [Function(nameof(SendBatch))]
    public Task Run([QueueTrigger("send-batches", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
        => runner.SendQueuedAsync(SendBatchQueue.Deserialize(message), cancellationToken);
}
