using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// A subscriber as JSON: the one representation the admin API answers with and <c>notify subscribers list|show --json</c>
/// prints, both through <see cref="SubscriberApiJson"/>. Frequency and status are lower case; <c>deliveryHour</c> is the
/// subscriber's own local hour (0–23), or null for the default (<c>Schedule:DeliveryHour</c>); <c>consent</c> is null when not known.
/// </summary>
public sealed record SubscriberJson(
    string Id,
    string Email,
    string Name,
    string Organization,
    string Country,
    string Language,
    string Frequency,
    IReadOnlyList<string> Topics,
    string TimeZone,
    int? DeliveryHour,
    string Status,
    ConsentJson? Consent,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static SubscriberJson From(Subscriber s) => new(
        s.Id, s.Email, s.Name, s.Organization, s.Country, s.Language, s.Frequency.ToString().ToLowerInvariant(), s.TopicList, s.TimeZone,
        s.DeliveryHour, s.Status.ToString().ToLowerInvariant(), s.Consent is { } c ? new ConsentJson(c.Source, c.GivenAt, c.ConfirmedAt) : null,
        s.CreatedAt, s.UpdatedAt);
}

/// <summary>How the subscriber's consent was given (admin, import, self-service), when, and when they confirmed it.</summary>
public sealed record ConsentJson(string Source, DateTimeOffset GivenAt, DateTimeOffset? ConfirmedAt);

/// <summary><c>notify subscribers show --json</c>: the subscriber and the audit history of changes to them, newest first.</summary>
public sealed record SubscriberHistoryJson(SubscriberJson Subscriber, IReadOnlyList<AuditEntryJson> History)
{
    public static SubscriberHistoryJson From(Subscriber subscriber, IEnumerable<AuditEntry> history)
        => new(SubscriberJson.From(subscriber), history.Select(h => new AuditEntryJson(h.At, h.Actor, h.Action, h.Changes)).ToList());
}

/// <summary>One change in the audit: when, by whom (<c>cli:</c>, <c>key:</c>, <c>user:</c>…), what, and the fields it changed.</summary>
public sealed record AuditEntryJson(DateTimeOffset At, string Actor, string Action, IReadOnlyDictionary<string, string> Changes);
