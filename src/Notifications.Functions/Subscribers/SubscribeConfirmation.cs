using Microsoft.Azure.Functions.Worker;
using Notifications.Subscribers;

namespace Notifications.Functions.Subscribers;

/// <summary>
/// Sends the confirmation email of one subscribe request from the subscribe-confirmations queue, off the form's request path.
/// CLI twin: <c>notify subscribers send-confirmations</c>.
/// </summary>
public sealed class SubscribeConfirmation(SubscribeConfirmationSender sender)
{
    [Function(nameof(SubscribeConfirmation))]
    public Task Run([QueueTrigger("subscribe-confirmations", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
        => sender.SendAsync(SubscribeConfirmationQueue.Deserialize(message), cancellationToken);
}
