using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>
/// The subscribers as delivery sees them (<see cref="IRecipientDirectory"/>): whether a planned recipient is still active when their
/// batch is sent, with their own links; and whose an address is.
/// </summary>
public sealed class SubscriberDirectory(SubscriberStore subscribers, SubscriptionLinks links) : IRecipientDirectory
{
    /// <summary>
    /// Only the recipients who changed since planning are read again (<see cref="SubscriberStore.ChangedSinceAsync"/>): whoever is no
    /// longer active, or was erased, is left out; the others go as planned (the planner plans active subscribers only).
    /// </summary>
    public async Task<IReadOnlyList<Recipient>> StillActiveAsync(IReadOnlyList<PlannedRecipient> planned, DateTimeOffset plannedAt, CancellationToken ct)
    {
        var since = await subscribers.ChangedSinceAsync(plannedAt, ct);
        var changed = since.Count == 0
            ? new HashSet<string>()
            : planned.Where(p => since.TryGetValue(p.SubscriberId, out var at) && at > p.Version).Select(p => p.SubscriberId).ToHashSet(StringComparer.Ordinal);
        var current = changed.Count == 0 ? new Dictionary<string, Subscriber>() : await subscribers.GetManyAsync(changed.ToList(), ct);

        var recipients = new List<Recipient>(planned.Count);
        foreach (var p in planned)
        {
            if (!changed.Contains(p.SubscriberId))
                // Unchanged since planning: as planned.
                recipients.Add(new Recipient(p.SubscriberId, p.Email, p.Name, links.Unsubscribe(p.SubscriberId), links.Preferences(p.SubscriberId)));
            else if (current.GetValueOrDefault(p.SubscriberId) is { Status: SubscriberStatus.Active } s)
                recipients.Add(new Recipient(s.Id, s.Email, s.Name, links.Unsubscribe(s.Id), links.Preferences(s.Id)));
        }
        return recipients;
    }

    /// <summary>The keyed id of the (normalised) address (<see cref="SubscriberStore.IdOf"/>); null when it is not an address.</summary>
    public string? IdOf(string email)
    {
        try
        {
            return subscribers.IdOf(email);
        }
        catch (InvalidSubscriberException)
        {
            return null;
        }
    }
}
