using Microsoft.Azure.Functions.Worker;
using Notifications.Subscribers;

namespace Notifications.Functions.ConfirmationRequested;

/// <summary>
/// Sends the confirmation email of one subscribe request from the subscribe-confirmations queue (<c>Storage:SubscribeConfirmationsQueue</c>),
/// off the form's request path, through <see cref="Pipeline.ConfirmationRequested"/>. CLI twin: <c>notify subscribers send-confirmations</c>.
/// </summary>
public sealed class SubscribeConfirmation(Pipeline.ConfirmationRequested confirmationRequested)
{
    [Function(nameof(SubscribeConfirmation))]
    public Task Run([QueueTrigger("%Storage:SubscribeConfirmationsQueue%", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken)
        => confirmationRequested.SendAsync(SubscribeConfirmationQueue.Deserialize(message), cancellationToken);
}
