using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>What one <see cref="ConfirmationRequested.SendWaitingAsync"/> did: requests handled, confirmation emails sent.</summary>
public sealed record ConfirmationDrainResult(int Handled, int Sent);

/// <summary>
/// Someone asked to subscribe (a message on the subscribe-confirmations queue: the SubscribeConfirmation function; CLI twin
/// <c>notify subscribers send-confirmations</c>, and <c>notify serve</c> every few seconds): the confirmation email of that request is
/// sent off the form's request path (<see cref="SubscribeConfirmationSender"/> decides whether it goes).
/// </summary>
public sealed class ConfirmationRequested(SubscribeConfirmationQueue queue, SubscribeConfirmationSender sender)
{
    /// <summary>The confirmation email of one subscribe request: what the SubscribeConfirmation function does with each message.</summary>
    public Task<ConfirmationSendOutcome> SendAsync(SubscribeConfirmationMessage message, CancellationToken ct = default)
        => sender.SendAsync(message, ct);

    /// <summary>
    /// Every request waiting on the queue, each through <see cref="SendAsync"/> as the function would take it: the one drain of
    /// <c>notify subscribers send-confirmations</c> and of <c>notify serve</c>.
    /// </summary>
    public async Task<ConfirmationDrainResult> SendWaitingAsync(CancellationToken ct = default)
    {
        var sent = 0;
        var handled = await queue.DrainAsync(async (message, token) =>
        {
            if (await SendAsync(message, token) == ConfirmationSendOutcome.Sent) sent++;
        }, SubscribeConfirmationQueue.VisibilityTimeout, ct);
        return new ConfirmationDrainResult(handled, sent);
    }
}
