using System.Text.Json;
using Microsoft.Extensions.Logging;
using Notifications.Storage;

namespace Notifications.Pipeline;

/// <summary>One message on the alerts-due queue: the translation group whose alert may be due (its key, never an address).</summary>
public sealed record AlertDueMessage(string Group);

/// <summary>
/// The alerts-due queue: an accepted article whose group's alert waits for translations puts one message on it, hidden until the wait
/// ends (<see cref="Digests.ScheduleOptions.AlertGracePeriod"/>); the AlertDue function (or <c>notify digest alerts</c>) takes it off
/// and plans what is due (<see cref="AlertDue"/>). At-least-once is fine: an alert run's id comes from its group, so a message handled
/// twice plans nothing twice; a lost message is caught by the hourly timer.
/// </summary>
public sealed class AlertDueQueue(StorageResources storage, ILogger<AlertDueQueue> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long a message the CLI took off stays hidden from other readers: if it stops, the message reappears after this.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Puts the message on the queue, visible after <paramref name="delay"/> (at least a second; at most the queue's 7 days).</summary>
    public async Task EnqueueAsync(AlertDueMessage message, TimeSpan delay, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var visibleIn = TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(delay.TotalSeconds), 1, TimeSpan.FromDays(6).TotalSeconds));
        await storage.AlertsDue.SendMessageAsync(Serialize(message), visibleIn, cancellationToken: ct);
    }

    public static string Serialize(AlertDueMessage message) => JsonSerializer.Serialize(message, Json);

    public static AlertDueMessage Deserialize(string text)
        => JsonSerializer.Deserialize<AlertDueMessage>(text, Json) is { Group.Length: > 0 } m
            ? m
            : throw new FormatException("An alerts-due message needs group.");

    /// <summary>Every message visible now, handed to <paramref name="handle"/> as the queue trigger would (<see cref="QueueDrain"/>).</summary>
    public async Task<int> DrainAsync(Func<AlertDueMessage, CancellationToken, Task> handle, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        return await QueueDrain.DrainAsync(storage.AlertsDue, storage.AlertsDuePoison, "Alerts-due",
            (text, token) => handle(Deserialize(text), token), VisibilityTimeout, logger, ct);
    }
}
