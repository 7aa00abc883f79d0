using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notifications.Storage;

namespace Notifications.Delivery;

/// <summary>One message on the send-batches queue: which batch of which plan of which run to send.</summary>
public sealed record SendBatchMessage(string RunId, string PlanId, string BatchId);

/// <summary>
/// The send-batches queue: planning puts one message per batch on it; the SendBatch function (or <c>notify deliver</c>)
/// takes them off and sends. At-least-once is fine: the ledger's ETag claim decides who sends a batch.
/// </summary>
public sealed class SendBatchQueue(StorageResources storage, ILogger<SendBatchQueue> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task EnqueueAsync(IEnumerable<SendBatchMessage> messages, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        foreach (var message in messages)
            await storage.SendBatches.SendMessageAsync(Serialize(message), ct);
    }

    public static string Serialize(SendBatchMessage message) => JsonSerializer.Serialize(message, Json);

    public static SendBatchMessage Deserialize(string text)
        => JsonSerializer.Deserialize<SendBatchMessage>(text, Json) is { RunId.Length: > 0, PlanId.Length: > 0, BatchId.Length: > 0 } m
            ? m
            : throw new FormatException("A send-batches message needs runId, planId and batchId.");

    /// <summary>How long a message <c>notify deliver</c> took off stays hidden from other readers: if it stops, the message reappears after this.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Messages ready on the queue and those in flight (taken by <c>notify deliver</c> or the SendBatch function and not yet deleted), with
    /// when the latter reappear if a <c>notify deliver</c> that stopped holds them (<see cref="VisibilityTimeout"/>).
    /// </summary>
    public async Task<QueueBacklog> BacklogAsync(CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        return await QueueDrain.BacklogAsync(storage.SendBatches, VisibilityTimeout, ct);
    }

    /// <summary>
    /// Takes every message off the queue and hands it to <paramref name="send"/>, as the queue trigger would: deleted when
    /// handled, left to reappear when it throws, and moved to the poison queue after <see cref="QueueDrain.MaxDequeueCount"/> tries.
    /// Returns how many messages were handled.
    /// </summary>
    public async Task<int> DrainAsync(Func<SendBatchMessage, CancellationToken, Task> send, TimeSpan visibilityTimeout, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        return await QueueDrain.DrainAsync(
            storage.SendBatches,
            storage.SendBatchesPoison,
            "Send-batches",
            (text, token) => send(Deserialize(text), token),
            visibilityTimeout,
            logger,
            ct);
    }
}
