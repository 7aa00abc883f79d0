using Notifications.Digests;

namespace Notifications.Delivery;

public sealed record Recipient(string SubscriberId, string Email, string Name);

/// <summary>One request's worth of mail: the same content to up to 1000 recipients, each in a personalization of their own.</summary>
public sealed record MailBatch(string RunId, string BatchId, string Category, MailContent Content, IReadOnlyList<Recipient> Recipients);

/// <summary>Sends a batch; returns the provider's message id.</summary>
public interface IMailTransport
{
    Task<string> SendAsync(MailBatch batch, CancellationToken ct);
}

/// <summary>The mail provably did not leave (the provider answered with an error, or the connection was refused): safe to retry.</summary>
public sealed class MailNotSentException(string message, Exception? inner = null) : Exception(message, inner);
