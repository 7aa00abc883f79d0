using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Notifications.Subscribers;

/// <summary>
/// The subscribers whose digests share a slot: same frequency (daily or weekly), zone, delivery hour and weekly day, each as stored (null
/// = the default, <c>Schedule:DeliveryHour</c> / <c>Schedule:WeeklyDay</c>, resolved at tick time: changing a default needs no reindex).
/// Its cards live in <see cref="SubscriberSlotIndex"/>.
/// </summary>
public sealed record SlotGroup(DigestFrequency Frequency, string TimeZone, int? DeliveryHour, DayOfWeek? WeeklyDay)
{
    /// <summary>"s" + 8 hex of SHA-256 of "daily|Europe/Brussels|9|" (frequency lower-case, zone, hour or empty, day name or empty).</summary>
    public string Id { get; } = "s" + SlotIndexKeys.Hash(string.Join('|', Frequency.ToString().ToLowerInvariant(), TimeZone,
        DeliveryHour?.ToString(CultureInfo.InvariantCulture) ?? "", WeeklyDay?.ToString() ?? ""));

    /// <summary>The slot group of an Active daily or weekly subscriber; null for others (instant subscribers have topic cards only).</summary>
    public static SlotGroup? Of(Subscriber s) => s.Status == SubscriberStatus.Active && s.Frequency != DigestFrequency.Instant
        ? new SlotGroup(s.Frequency, s.TimeZone, s.DeliveryHour, s.WeeklyDay)
        : null;
}

/// <summary>
/// The subscribers of a frequency who follow a topic (its key), or "*" for those who chose no topic (all topics): what an alert reads.
/// </summary>
public sealed record TopicGroup(DigestFrequency Frequency, string Topic)
{
    /// <summary>The topic of the subscribers who chose none, so follow every topic.</summary>
    public const string AllTopics = "*";

    /// <summary>"t" + 8 hex of SHA-256 of "instant|data-model".</summary>
    public string Id { get; } = "t" + SlotIndexKeys.Hash(Frequency.ToString().ToLowerInvariant() + "|" + Topic);

    /// <summary>The topic groups of an Active subscriber: one per topic, or the "*" one; none for any other status.</summary>
    public static IReadOnlyList<TopicGroup> Of(Subscriber s) => s.Status != SubscriberStatus.Active ? []
        : s.TopicList.Count == 0 ? [new TopicGroup(s.Frequency, AllTopics)]
        : s.TopicList.Distinct(StringComparer.Ordinal).Select(t => new TopicGroup(s.Frequency, t)).ToList();
}

/// <summary>The keys of the slot index's rows (<see cref="SubscriberSlotIndex"/>).</summary>
internal static class SlotIndexKeys
{
    /// <summary>Card partitions and locators are split 16 ways by the first hex digit of the id.</summary>
    public const string Buckets = "0123456789abcdef";

    public const string Directory = "groups";
    public const string Meta = "meta";
    public const string BuildRow = "build";

    public static string Hash(string canonical)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)).AsSpan(0, 4));

    public static char BucketOf(string id) => char.ToLowerInvariant(id[0]);

    public static string Cards(string groupId, char bucket) => $"c-{groupId}-{bucket}";

    public static string Locators(char bucket) => $"l-{bucket}";

    /// <summary>The write log's partition of an instant: one per UTC hour.</summary>
    public static string WriteLog(DateTimeOffset at) => "w-" + at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public static string Ticks(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
}
