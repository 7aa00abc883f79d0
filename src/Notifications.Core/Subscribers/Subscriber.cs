using Notifications.Digests;

namespace Notifications.Subscribers;

public enum SubscriberStatus { Pending, Active, Unsubscribed, Bounced, Complained, Suspended }

/// <summary>One official of a member administration who receives digests. One record per (normalised) email address.</summary>
public sealed record Subscriber(
    string Id,
    string Email,
    string Name,
    string Organization,
    string Language,
    DigestFrequency Frequency,
    SubscriberStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What an admin gives to add a subscriber.</summary>
public sealed record NewSubscriber(
    string Email,
    string Name,
    string Organization,
    string Language = "en",
    DigestFrequency Frequency = DigestFrequency.Daily,
    SubscriberStatus Status = SubscriberStatus.Active);

/// <summary>Input that cannot become a subscriber; the message names the field and what to do.</summary>
public sealed class InvalidSubscriberException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
