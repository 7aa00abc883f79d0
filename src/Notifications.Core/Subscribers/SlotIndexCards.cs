using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>The write side of the slot index: the write log, cards, directory and locators.</summary>
public sealed partial class SubscriberSlotIndex
{
    private readonly ConcurrentDictionary<string, bool> _knownGroups = new(StringComparer.Ordinal);

    /// <summary>
    /// Logs that these subscribers are about to be written (before the row write: a crash in between leaves a harmless extra entry, never
    /// a write the next tick does not see).
    /// </summary>
    public async Task LogWritesAsync(IEnumerable<string> ids, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var now = time.GetUtcNow();
        var partition = SlotIndexKeys.WriteLog(now);
        var ticks = SlotIndexKeys.Ticks(now);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(100))
            await Table.SubmitTransactionAsync(chunk.Select(id => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(partition, $"{ticks}.{id}") { ["Id"] = id })), ct);
    }

    /// <summary>Records one subscriber as the table now holds them: cards in their groups (none unless Active), then the locator.</summary>
    public Task RecordAsync(Subscriber after, CancellationToken ct = default) => RecordAsync([after], ct);

    /// <summary>Records subscribers as the table now holds them (after a write).</summary>
    public Task RecordAsync(IReadOnlyList<Subscriber> after, CancellationToken ct = default)
        => RecordCoreAsync(after.Select(s => (s.Id, (Subscriber?)s)).ToList(), onlyIfNewer: false, ct);

    /// <summary>Removes the cards and locators of subscribers whose rows were deleted.</summary>
    public Task RemoveAsync(IReadOnlyList<string> ids, CancellationToken ct = default)
        => RecordCoreAsync(ids.Select(id => (id, (Subscriber?)null)).ToList(), onlyIfNewer: false, ct);

    /// <summary>Records these subscribers as the table holds them now (read again: the result of a merge), or removes them when gone.</summary>
    public async Task RecordFromTableAsync(IReadOnlyList<string> ids, CancellationToken ct = default)
    {
        var rows = await ReadRowsAsync(ids, ct);
        await RecordCoreAsync(ids.Distinct(StringComparer.Ordinal)
            .Select(id => (id, rows.TryGetValue(id, out var row) ? row.Subscriber : null)).ToList(), onlyIfNewer: false, ct);
    }

    /// <summary>
    /// The groups first listed on the locator (so that it names every group that may hold a card, whatever happens next), then the new
    /// cards, the deletion of the cards of groups no longer right, and the locator as it now is (last).
    /// </summary>
    /// <param name="contiguous">The items are every subscriber of their id range (a build's page): their locators are read by range.</param>
    private async Task RecordCoreAsync(IReadOnlyList<(string Id, Subscriber? After)> items, bool onlyIfNewer, CancellationToken ct, bool contiguous = false)
    {
        if (items.Count == 0) return;
        await storage.EnsureCreatedAsync();
        var latest = items.GroupBy(i => i.Id, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var locators = await ReadLocatorsAsync(latest.Select(i => i.Id).ToList(), ct, contiguous);
        var work = new List<(string Id, Subscriber? After, Locator? Old, IReadOnlyList<string> New)>();
        foreach (var (id, after) in latest)
        {
            var old = locators.GetValueOrDefault(id);
            if (onlyIfNewer && after is not null && old is not null && old.UpdatedAt > after.UpdatedAt) continue;
            work.Add((id, after, old, after is null ? [] : GroupIdsOf(after)));
        }

        await EnsureDirectoryAsync(latest.Where(i => i.After is not null).Select(i => i.After!), ct);
        // Every group that may get a card is on the locator before the card is written.
        var widened = work.Where(w => w.New.Except(w.Old?.Groups ?? []).Any())
            .Select(w => LocatorEntity(w.Id, w.New.Union(w.Old?.Groups ?? []).ToList(), w.Old?.UpdatedAt ?? default)).ToList();
        await SubmitByPartitionAsync(widened, TableTransactionActionType.UpsertReplace, ct);
        await SubmitByPartitionAsync(work.Where(w => w.After is not null)
            .SelectMany(w => w.New.Select(g => CardEntity(g, w.After!))).ToList(), TableTransactionActionType.UpsertReplace, ct);
        var stale = work
            .SelectMany(w => (w.Old?.Groups ?? []).Except(w.New).Select(g => (Partition: SlotIndexKeys.Cards(g, SlotIndexKeys.BucketOf(w.Id)), w.Id)))
            .ToList();
        await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (card, token) => await Table.DeleteEntityAsync(card.Partition, card.Id, ETag.All, token));
        await SubmitByPartitionAsync(work.Where(w => w.New.Count > 0).Select(w => LocatorEntity(w.Id, w.New, w.After!.UpdatedAt)).ToList(),
            TableTransactionActionType.UpsertReplace, ct);
        await Parallel.ForEachAsync(work.Where(w => w.New.Count == 0 && w.Old is not null),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (w, token) => await Table.DeleteEntityAsync(SlotIndexKeys.Locators(SlotIndexKeys.BucketOf(w.Id)), w.Id, ETag.All, token));
    }

    /// <summary>The ids of the groups an Active subscriber's cards belong in (slot group first); none for any other status.</summary>
    internal static IReadOnlyList<string> GroupIdsOf(Subscriber s)
        => s.Status != SubscriberStatus.Active ? []
            : new[] { SlotGroup.Of(s)?.Id }.OfType<string>().Concat(TopicGroup.Of(s).Select(t => t.Id)).Distinct(StringComparer.Ordinal).ToList();

    private async Task EnsureDirectoryAsync(IEnumerable<Subscriber> subscribers, CancellationToken ct)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var s in subscribers.Where(s => s.Status == SubscriberStatus.Active))
        {
            if (SlotGroup.Of(s) is { } slot && !_knownGroups.ContainsKey(slot.Id))
                rows[slot.Id] = new TableEntity(SlotIndexKeys.Directory, slot.Id)
                {
                    ["Kind"] = "slot", ["Frequency"] = slot.Frequency.ToString(), ["TimeZone"] = slot.TimeZone,
                    ["DeliveryHour"] = slot.DeliveryHour, ["WeeklyDay"] = slot.WeeklyDay?.ToString(),
                };
            foreach (var topic in TopicGroup.Of(s).Where(t => !_knownGroups.ContainsKey(t.Id)))
                rows[topic.Id] = new TableEntity(SlotIndexKeys.Directory, topic.Id)
                {
                    ["Kind"] = "topic", ["Frequency"] = topic.Frequency.ToString(), ["Topic"] = topic.Topic,
                };
        }
        await SubmitByPartitionAsync(rows.Values.ToList(), TableTransactionActionType.UpsertReplace, ct);
        foreach (var id in rows.Keys) _knownGroups[id] = true;
    }

    /// <summary>Writes entities grouped by partition, 100 per transaction, a few partitions at a time.</summary>
    private async Task SubmitByPartitionAsync(IReadOnlyList<TableEntity> entities, TableTransactionActionType type, CancellationToken ct)
    {
        if (entities.Count == 0) return;
        var chunks = entities.GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.DistinctBy(e => e.RowKey, StringComparer.Ordinal).Chunk(100)).ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (chunk, token) =>
        {
            if (chunk.Length == 1 && type == TableTransactionActionType.UpsertReplace)
                await Table.UpsertEntityAsync(chunk[0], TableUpdateMode.Replace, token);
            else
                await Table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(type, e)), token);
        });
    }

    /// <summary>A card: the subscriber's row as the subscribers table holds it, under the group's partition.</summary>
    private static TableEntity CardEntity(string groupId, Subscriber s)
        => SubscriberStore.ToEntity(s, SlotIndexKeys.Cards(groupId, SlotIndexKeys.BucketOf(s.Id)));

    /// <summary>A card read back: the subscriber as their row said when the card was written (Active: only they have cards).</summary>
    internal static Subscriber FromCard(TableEntity e) => SubscriberStore.FromEntity(e) with { Status = SubscriberStatus.Active };

    /// <summary>Where a subscriber's cards are: the groups, and the <c>UpdatedAt</c> of the subscriber they reflect.</summary>
    private sealed record Locator(IReadOnlyList<string> Groups, DateTimeOffset UpdatedAt);

    private static TableEntity LocatorEntity(string id, IReadOnlyList<string> groups, DateTimeOffset updatedAt)
        => new(SlotIndexKeys.Locators(SlotIndexKeys.BucketOf(id)), id) { ["Groups"] = string.Join(',', groups), ["UpdatedAt"] = updatedAt };

    private static Locator ToLocator(TableEntity e)
        => new((e.GetString("Groups") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), e.GetDateTimeOffset("UpdatedAt") ?? default);

    /// <summary>
    /// The locators of these ids: point reads; or, for ids that are all there is in their range (a build's page, read in id order), one
    /// key-range query per bucket.
    /// </summary>
    private async Task<Dictionary<string, Locator>> ReadLocatorsAsync(IReadOnlyList<string> ids, CancellationToken ct, bool contiguous = false)
    {
        var found = new ConcurrentDictionary<string, Locator>(StringComparer.Ordinal);
        if (!contiguous)
        {
            await Parallel.ForEachAsync(ids.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
                async (id, token) =>
                {
                    var row = await Table.GetEntityIfExistsAsync<TableEntity>(SlotIndexKeys.Locators(SlotIndexKeys.BucketOf(id)), id, cancellationToken: token);
                    if (row.HasValue && row.Value is { } e) found[id] = ToLocator(e);
                });
            return new Dictionary<string, Locator>(found, StringComparer.Ordinal);
        }
        var buckets = ids.GroupBy(SlotIndexKeys.BucketOf).ToList();
        await Parallel.ForEachAsync(buckets, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (bucket, token) =>
        {
            var partition = SlotIndexKeys.Locators(bucket.Key);
            var wanted = bucket.ToHashSet(StringComparer.Ordinal);
            var (first, last) = (wanted.Min(StringComparer.Ordinal)!, wanted.Max(StringComparer.Ordinal)!);
            await foreach (var e in Table.QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {first} and RowKey le {last}"),
                               cancellationToken: token))
                if (wanted.Contains(e.RowKey)) found[e.RowKey] = ToLocator(e);
        });
        return new Dictionary<string, Locator>(found, StringComparer.Ordinal);
    }

    /// <summary>Subscriber rows by id, each with its version (the storage's time of its last change); missing ones are left out.</summary>
    private async Task<IReadOnlyDictionary<string, (Subscriber Subscriber, DateTimeOffset Version)>> ReadRowsAsync(
        IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var found = new ConcurrentDictionary<string, (Subscriber, DateTimeOffset)>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(ids.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (id, token) =>
            {
                var row = await storage.Subscribers.GetEntityIfExistsAsync<TableEntity>(SubscriberStore.Partition, id, cancellationToken: token);
                if (row.HasValue && row.Value is { } e) found[id] = (SubscriberStore.FromEntity(e), e.Timestamp ?? DateTimeOffset.MinValue);
            });
        return found;
    }
}
