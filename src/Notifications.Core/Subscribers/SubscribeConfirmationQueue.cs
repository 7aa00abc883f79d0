using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>
/// One message on the subscribe-confirmations queue: the key of a subscribe request, never the address; or, with
/// <see cref="ManageLinkRequest"/> as its request id, "mail this subscriber their manage link" (the manage-link request page).
/// </summary>
public sealed record SubscribeConfirmationMessage(string SubscriberId, string RequestId)
{
    /// <summary>The request id of a manage-link request (a subscribe request's id is 32 hex digits, so the two never meet).</summary>
    public const string ManageLinkRequest = "manage-link";

    public bool IsManageLinkRequest => RequestId == ManageLinkRequest;
}

/// <summary>
/// The subscribe-confirmations queue: the subscribe form puts one message per request on it, and the SubscribeConfirmation
/// function (or <c>notify subscribers send-confirmations</c>) takes them off and sends the email, off the request path, so the
/// form answers in the same time whether the address is known or not. At-least-once is fine: the request's ETag claim decides.
/// </summary>
public sealed class SubscribeConfirmationQueue(StorageResources storage, ILogger<SubscribeConfirmationQueue> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task EnqueueAsync(SubscribeConfirmationMessage message, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await storage.SubscribeConfirmations.SendMessageAsync(Serialize(message), ct);
    }

    public static string Serialize(SubscribeConfirmationMessage message) => JsonSerializer.Serialize(message, Json);

    public static SubscribeConfirmationMessage Deserialize(string text)
        => JsonSerializer.Deserialize<SubscribeConfirmationMessage>(text, Json) is { SubscriberId.Length: > 0, RequestId.Length: > 0 } m
            ? m
            : throw new FormatException("A subscribe-confirmations message needs subscriberId and requestId.");

    /// <summary>How long a message taken off the queue stays hidden from another reader before it reappears (when not deleted).</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Messages ready on the queue and those in flight (taken by a drain or the SubscribeConfirmation function and not yet deleted), with
    /// when the latter reappear if a drain that stopped holds them (<see cref="VisibilityTimeout"/>).
    /// </summary>
    public async Task<QueueBacklog> BacklogAsync(CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        return await QueueDrain.BacklogAsync(storage.SubscribeConfirmations, VisibilityTimeout, ct);
    }

    /// <summary>
    /// Takes every message off the queue and hands it to <paramref name="handle"/>, as the queue trigger would: deleted when
    /// handled, left to reappear when it throws, and moved to the poison queue after <see cref="QueueDrain.MaxDequeueCount"/> tries.
    /// Returns how many messages were handled.
    /// </summary>
    public async Task<int> DrainAsync(
        Func<SubscribeConfirmationMessage, CancellationToken, Task> handle,
        TimeSpan visibilityTimeout,
        CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        return await QueueDrain.DrainAsync(
            storage.SubscribeConfirmations,
            storage.SubscribeConfirmationsPoison,
            "Subscribe-confirmations",
            (text, token) => handle(Deserialize(text), token),
            visibilityTimeout,
            logger,
            ct);
    }
}
