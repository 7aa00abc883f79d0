using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Notifications.Storage;

/// <summary>
/// What a queue holds besides what a drain just took: messages ready to be taken (<see cref="Visible"/>, at most 32 counted), and
/// messages another reader took off and has not deleted (<see cref="InFlight"/>: approximate, from the queue's message count): they are
/// being handled, or their reader stopped and they reappear within <see cref="VisibleAgainWithin"/> (the visibility timeout it took them with).
/// </summary>
public sealed record QueueBacklog(int Visible, int InFlight, TimeSpan VisibleAgainWithin);

/// <summary>
/// Empties a queue as the Functions queue trigger would, for the CLI twins and <c>notify serve</c>: each message is handed on and
/// deleted when handled, left to reappear when handling throws, and moved to its poison queue after <see cref="MaxDequeueCount"/> tries.
/// </summary>
public static class QueueDrain
{
    /// <summary>Like the Functions host (host.json maxDequeueCount): a message that failed this often goes to the poison queue.</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>
    /// Messages ready on the queue, and those in flight: the queue's approximate message count less the visible ones (peeked). Taken after a
    /// drain, in flight means another reader holds them, or one that stopped left them hidden for up to <paramref name="visibilityTimeout"/>.
    /// </summary>
    public static async Task<QueueBacklog> BacklogAsync(QueueClient queue, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        var all = (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCountLong;
        var visible = (await queue.PeekMessagesAsync(queue.MaxPeekableMessages, ct)).Value.Length;
        return new QueueBacklog(visible, (int)Math.Clamp(all - visible, 0, int.MaxValue), visibilityTimeout);
    }

    /// <summary>Returns how many messages were handled. <paramref name="label"/> names the queue in logs (e.g. "Send-batches").</summary>
    public static async Task<int> DrainAsync(QueueClient queue, QueueClient poison, string label, Func<string, CancellationToken, Task> handle,
        TimeSpan visibilityTimeout, ILogger logger, CancellationToken ct)
    {
        var handled = 0;
        while (true)
        {
            QueueMessage[] messages = (await queue.ReceiveMessagesAsync(16, visibilityTimeout, ct)).Value;
            if (messages.Length == 0) return handled;
            foreach (var m in messages)
            {
                if (m.DequeueCount > MaxDequeueCount)
                {
                    logger.LogError("{Queue} message {MessageId} failed {Count} times: moved to the poison queue", label, m.MessageId, m.DequeueCount - 1);
                    await poison.SendMessageAsync(m.Body.ToString(), ct);
                    await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                    continue;
                }
                try
                {
                    await handle(m.Body.ToString(), ct);
                    await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                    handled++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "{Queue} message {MessageId} failed (try {Count}); it will be tried again", label, m.MessageId, m.DequeueCount);
                }
            }
        }
    }
}
