using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notifications.Subscribers;

/// <summary>
/// One line of the search index's blobs (JSON lines): a card (<c>"k":"c"</c>: the whole card replaces an older one), a merge
/// (<c>"k":"m"</c>: an imported row merged into the stored one; <see cref="KeepsStatus"/> when the import did not set the status), or a
/// removal (<c>"k":"d"</c>: id and time only). Short property names: a snapshot of 100,000 cards is read whole by every instance.
/// Entries are idempotent: a card replaces one only if it is at least as recent (<see cref="SubscriberCard.UpdatedAt"/>).
/// </summary>
internal sealed class SubscriberIndexEntry
{
    public const string CardKind = "c", MergeKind = "m", RemovalKind = "d";

    [JsonPropertyName("k")] public string Kind { get; set; } = CardKind;
    [JsonPropertyName("i")] public string Id { get; set; } = "";
    [JsonPropertyName("e")] public string? Email { get; set; }
    [JsonPropertyName("n")] public string? Name { get; set; }
    [JsonPropertyName("o")] public string? Organization { get; set; }
    [JsonPropertyName("c")] public string? Country { get; set; }
    [JsonPropertyName("l")] public string? Language { get; set; }
    [JsonPropertyName("f")] public DigestFrequency Frequency { get; set; }
    [JsonPropertyName("s")] public SubscriberStatus Status { get; set; }
    [JsonPropertyName("t")] public string[]? Topics { get; set; }
    [JsonPropertyName("m")] public string? Member { get; set; }
    [JsonPropertyName("z")] public string? TimeZone { get; set; }
    [JsonPropertyName("h")] public int? DeliveryHour { get; set; }
    [JsonPropertyName("ca")] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The card's UpdatedAt; for a removal, when it was removed.</summary>
    [JsonPropertyName("ua")] public DateTimeOffset UpdatedAt { get; set; }
    [JsonPropertyName("sc")] public DateTimeOffset? StatusChangedAt { get; set; }
    [JsonPropertyName("ks")] public bool KeepsStatus { get; set; }

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Converters = { new JsonStringEnumConverter() },
    };

    public static SubscriberIndexEntry Card(Subscriber s) => From(s, CardKind);

    public static SubscriberIndexEntry Merge(Subscriber s, bool setsStatus)
    {
        var entry = From(s, MergeKind);
        entry.KeepsStatus = !setsStatus;
        return entry;
    }

    public static SubscriberIndexEntry Removal(string id, DateTimeOffset at) => new() { Kind = RemovalKind, Id = id, UpdatedAt = at };

    public static SubscriberIndexEntry Card(SubscriberCard c) => new()
    {
        Kind = CardKind, Id = c.Id, Email = c.Email, Name = c.Name, Organization = c.Organization, Country = c.Country,
        Language = c.Language, Frequency = c.Frequency, Status = c.Status, Topics = c.Topics.Count > 0 ? [.. c.Topics] : null,
        Member = c.Member, TimeZone = c.TimeZone, DeliveryHour = c.DeliveryHour, CreatedAt = c.CreatedAt, UpdatedAt = c.UpdatedAt,
        StatusChangedAt = c.StatusChangedAt,
    };

    private static SubscriberIndexEntry From(Subscriber s, string kind) => new()
    {
        Kind = kind, Id = s.Id, Email = s.Email, Name = s.Name, Organization = s.Organization, Country = s.Country,
        Language = s.Language, Frequency = s.Frequency, Status = s.Status, Topics = s.TopicList.Count > 0 ? [.. s.TopicList] : null,
        Member = s.Member, TimeZone = s.TimeZone, DeliveryHour = s.DeliveryHour, CreatedAt = s.CreatedAt, UpdatedAt = s.UpdatedAt,
        StatusChangedAt = s.StatusChangedAt,
    };

    public SubscriberCard ToCard() => new(Id, Email ?? "", Name ?? "", Organization ?? "", Country ?? "", Language ?? "", Frequency,
        Status, Topics ?? [], Member ?? "", TimeZone ?? "UTC", DeliveryHour, CreatedAt, UpdatedAt, StatusChangedAt);

    /// <summary>The card this merge leaves, given the card it merges into (null: a new row). Empty fields keep the stored value.</summary>
    public SubscriberCard MergedInto(SubscriberCard? stored)
    {
        var card = ToCard();
        if (stored is null) return card;
        card = card with
        {
            Member = card.Member.Length > 0 ? card.Member : stored.Member,
            DeliveryHour = card.DeliveryHour ?? stored.DeliveryHour,
            StatusChangedAt = card.StatusChangedAt ?? stored.StatusChangedAt,
        };
        return KeepsStatus ? card with { Status = stored.Status, CreatedAt = stored.CreatedAt, StatusChangedAt = stored.StatusChangedAt } : card;
    }

    /// <summary>Entries as UTF-8 JSON lines.</summary>
    public static byte[] Write(IEnumerable<SubscriberIndexEntry> entries)
    {
        using var buffer = new MemoryStream();
        foreach (var entry in entries)
        {
            JsonSerializer.Serialize(buffer, entry, Json);
            buffer.WriteByte((byte)'\n');
        }
        return buffer.ToArray();
    }

    /// <summary>The entries of UTF-8 JSON lines (blank lines skipped).</summary>
    public static IEnumerable<SubscriberIndexEntry> Read(ReadOnlyMemory<byte> lines)
    {
        var start = 0;
        while (start < lines.Length)
        {
            var end = lines.Span[start..].IndexOf((byte)'\n');
            var line = end < 0 ? lines[start..] : lines.Slice(start, end);
            start = end < 0 ? lines.Length : start + end + 1;
            if (line.Span.Trim((byte)' ').Length == 0) continue;
            yield return JsonSerializer.Deserialize<SubscriberIndexEntry>(line.Span, Json)
                ?? throw new InvalidDataException("A search index entry is null.");
        }
    }

    /// <summary>The entries of a stream of JSON lines (the snapshot, decompressed).</summary>
    public static IEnumerable<SubscriberIndexEntry> Read(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0)
                yield return JsonSerializer.Deserialize<SubscriberIndexEntry>(line, Json)
                    ?? throw new InvalidDataException("A search index entry is null.");
    }
}
