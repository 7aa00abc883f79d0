namespace Notifications.Subscribers;

/// <summary>
/// What the search index keeps of one subscriber: enough to find, filter, sort and list them, and to count the segment, without
/// reading the subscribers table. <see cref="SubscriberSearchIndex"/> keeps it in step with every write of the store.
/// </summary>
public sealed record SubscriberCard(
    string Id,
    string Email,
    string Name,
    string Organization,
    string Country,
    string Language,
    DigestFrequency Frequency,
    SubscriberStatus Status,
    IReadOnlyList<string> Topics,
    string Member,
    string TimeZone,
    int? DeliveryHour,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StatusChangedAt);

public enum SubscriberSort { Name, Email, Organization, Country, Status, Created, Updated }

/// <summary>
/// A search: <paramref name="Text"/> matches a substring of the address, name or organisation, ignoring case and accents ("uzbek"
/// finds "Uzbekistan"; "hmrc" finds "HMRC"; "evenu" finds "Revenue"); every other part is a filter as in
/// <see cref="SubscriberFilter"/> (a topic matches subscribers who chose it or chose no topic). <paramref name="Member"/> is a member
/// administration's key (<see cref="MemberOptions"/>). <paramref name="Organization"/> matches a substring of the organisation only, in
/// the same way as the text.
/// </summary>
public sealed record SubscriberQuery(
    string? Text = null,
    SubscriberStatus? Status = null,
    DigestFrequency? Frequency = null,
    string? Language = null,
    string? Country = null,
    string? Member = null,
    string? Topic = null,
    SubscriberSort Sort = SubscriberSort.Name,
    bool Descending = false,
    int Skip = 0,
    int Take = 50,
    string? Organization = null);

/// <summary>One page of a search, and how many match in all (the segment's live count).</summary>
public sealed record SubscriberSearchResult(int Total, IReadOnlyList<SubscriberCard> Items);

