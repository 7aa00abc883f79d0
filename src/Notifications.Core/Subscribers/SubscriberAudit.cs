using System.Text.Json;
using Azure.Data.Tables;
using Notifications.Storage;
using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>One change to a subscriber: who, when, what. Personal fields (name, organization) say only that they changed.</summary>
public sealed record AuditEntry(string SubscriberId, DateTimeOffset At, string Actor, string Action, IReadOnlyDictionary<string, string> Changes);

/// <summary>
/// The audit table: every admin change (and every self-service change) to a subscriber, newest first.
/// Partition = subscriber id (a keyed hash of the address, <see cref="SubscriberIds"/>), so an erased subscriber's history holds no
/// address and cannot be checked against one without the key; erasure removes any detail quoting the address or name (<see cref="ForgetAsync"/>).
/// </summary>
public sealed class SubscriberAudit(StorageResources storage, TimeProvider time) : IRecipientHistory
{
    public async Task RecordAsync(string subscriberId, string actor, string action, IReadOnlyDictionary<string, string> changes, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var now = time.GetUtcNow();
        // Newest first: row keys sort ascending, so invert the time.
        var rowKey = $"{DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks:D19}-{Guid.NewGuid():N}";
        await storage.Audit.AddEntityAsync(new TableEntity(subscriberId, rowKey)
        {
            ["At"] = now,
            ["Actor"] = actor,
            ["Action"] = action,
            ["Changes"] = JsonSerializer.Serialize(changes),
        }, ct);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string subscriberId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var list = new List<AuditEntry>();
        await foreach (var e in storage.Audit.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}"), cancellationToken: ct))
            list.Add(new AuditEntry(e.PartitionKey, e.GetDateTimeOffset("At") ?? default, e.GetString("Actor"), e.GetString("Action"),
                JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Changes") ?? "{}") ?? []));
        return list;
    }

    /// <summary>
    /// For an erasure: every entry of the subscriber's history whose actor or details hold their address or name gets those values
    /// replaced by "[erased]"; the entries themselves (who did what, when) stay. Returns how many entries changed.
    /// </summary>
    public async Task<int> ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var changed = 0;
        await foreach (var e in storage.Audit.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {subscriber.Id}"), cancellationToken: ct))
        {
            var actor = e.GetString("Actor");
            // Read, not searched as JSON: the serializer escapes non-ASCII, so a Cyrillic name is not in the stored text as such.
            var details = JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Changes") ?? "{}") ?? [];
            if (!subscriber.IsIn(actor) && !details.Any(p => subscriber.IsIn(p.Key) || subscriber.IsIn(p.Value))) continue;
            var scrubbed = details.ToDictionary(p => subscriber.Scrub(p.Key), p => subscriber.Scrub(p.Value));
            e["Actor"] = actor is null ? null : subscriber.Scrub(actor);
            e["Changes"] = JsonSerializer.Serialize(scrubbed);
            await storage.Audit.UpdateEntityAsync(e, Azure.ETag.All, TableUpdateMode.Replace, ct);
            changed++;
        }
        return changed;
    }

    /// <summary>Moves a subscriber's history to another partition (id migration): each entry copied, then deleted. Idempotent.</summary>
    public async Task MoveAsync(string fromId, string toId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await foreach (var e in storage.Audit.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {fromId}"), cancellationToken: ct))
        {
            var copy = new TableEntity(toId, e.RowKey);
            foreach (var (key, value) in e)
                if (key is not ("odata.etag" or "PartitionKey" or "RowKey" or "Timestamp"))
                    copy[key] = value;
            await storage.Audit.UpsertEntityAsync(copy, TableUpdateMode.Replace, ct);
            await storage.Audit.DeleteEntityAsync(fromId, e.RowKey, Azure.ETag.All, ct);
        }
    }

    /// <summary>What differs between two versions of a record, in the audit's words.</summary>
    public static IReadOnlyDictionary<string, string> Diff(Subscriber before, Subscriber after)
    {
        var changes = new Dictionary<string, string>();
        void Personal(string field, string a, string b) { if (a != b) changes[field] = "changed"; }
        void Plain(string field, string a, string b) { if (a != b) changes[field] = $"{a} → {b}"; }
        Personal("name", before.Name, after.Name);
        Personal("organization", before.Organization, after.Organization);
        Plain("country", before.Country, after.Country);
        Plain("language", before.Language, after.Language);
        Plain("frequency", Lower(before.Frequency), Lower(after.Frequency));
        Plain("topics", string.Join(",", before.TopicList), string.Join(",", after.TopicList));
        Plain("time_zone", before.TimeZone, after.TimeZone);
        Plain("status", Lower(before.Status), Lower(after.Status));
        Plain("deliveryHour", Hour(before.DeliveryHour), Hour(after.DeliveryHour));
        return changes;
    }

    /// <summary>"8", or "default" when the subscriber has no hour of their own.</summary>
    private static string Hour(int? hour) => hour is { } h ? h.ToString(System.Globalization.CultureInfo.InvariantCulture) : "default";

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
}
