using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Notifications.Subscribers;

/// <summary>
/// The slot index's upkeep: at each hourly tick, one slice of the id space (of 4-hex-digit prefixes, by the hour) is compared with the
/// subscribers table, so that every subscriber is checked once in <c>Schedule:SlotIndexSweepDays</c> (whatever went wrong, even with no
/// write logged); once a day, the cards of the day's slices in groups their locators do not list are deleted; and the write log's hours
/// past its retention are deleted.
/// </summary>
public sealed partial class SubscriberSlotIndex
{
    private const int IdPrefixes = 0x10000;

    private async Task<SlotIndexUpkeep> SweepAsync(DateTimeOffset at, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var (from, to) = SliceOf(at);
        // Stray cards are looked for once a day, over the day's slices, at its last one (after their rows and locators were compared):
        // one range query per group and bucket, so once a day rather than at every tick.
        var slice = SliceIndex(at);
        var strayFrom = slice % 24 == 23 ? Prefix(slice - 23) : null;
        var (checkedCount, repaired, orphans) = await IsBuiltAsync(ct) ? await SweepSliceAsync(from, to, strayFrom, ct) : (0, 0, 0);
        var deleted = await DeleteOldWriteLogAsync(at - WriteLogRetention, ct);
        if (repaired > 0 || orphans > 0)
            logger.LogWarning("Slot index sweep {From}..{To}: {Repaired} subscribers re-recorded, {Orphans} stray cards deleted (of {Checked} checked)",
                from, to, repaired, orphans, checkedCount);
        return new SlotIndexUpkeep(checkedCount, repaired, deleted, orphans);
    }

    /// <summary>The slice of the id space the sweep checks at this hour: [from, to) of 4-hex-digit prefixes (to "g" for the last one).</summary>
    public (string From, string To) SliceOf(DateTimeOffset at)
    {
        var slice = SliceIndex(at);
        return (Prefix(slice), Prefix(slice + 1));
    }

    private long Slices => Math.Max(1, options.Value.SlotIndexSweepDays) * 24L;

    private long SliceIndex(DateTimeOffset at) => at.UtcTicks / TimeSpan.TicksPerHour % Slices;

    /// <summary>Where slice <paramref name="slice"/> starts ("g", past every id, for the end of the last one).</summary>
    private string Prefix(long slice)
    {
        var lo = slice * IdPrefixes / Slices;
        return lo >= IdPrefixes ? "g" : lo.ToString("x4", CultureInfo.InvariantCulture);
    }

    /// <summary>Compares the subscribers of [from, to) with their locators and cards; records again whatever does not match.</summary>
    /// <param name="strayFrom">Where the stray-card check starts (it ends at <paramref name="to"/>); null: none this time.</param>
    private async Task<(int Checked, int Repaired, int Orphans)> SweepSliceAsync(string from, string to, string? strayFrom, CancellationToken ct)
    {
        var rows = new Dictionary<string, Subscriber>(StringComparer.Ordinal);
        await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberStore.Partition} and RowKey ge {from} and RowKey lt {to}"),
                           cancellationToken: ct))
            rows[e.RowKey] = SubscriberStore.FromEntity(e);
        var locators = await ReadLocatorRangeAsync(from, to, ct);
        var ids = rows.Keys.Union(locators.Keys, StringComparer.Ordinal).ToList();
        var repaired = await RepairAsync(ids, rows, locators, ct);
        var orphans = strayFrom is null ? 0 : await DeleteStrayCardsAsync(strayFrom, to, ct);
        return (ids.Count, repaired, orphans);
    }

    /// <summary>Records again the subscribers whose locator does not match their row (groups, or the UpdatedAt it reflects).</summary>
    private async Task<int> RepairAsync(IReadOnlyCollection<string> ids, IReadOnlyDictionary<string, Subscriber> rows, CancellationToken ct)
        => ids.Count == 0 ? 0 : await RepairAsync(ids, rows, await ReadLocatorsAsync(ids.ToList(), ct), ct);

    private async Task<int> RepairAsync(IReadOnlyCollection<string> ids, IReadOnlyDictionary<string, Subscriber> rows,
        IReadOnlyDictionary<string, Locator> locators, CancellationToken ct)
    {
        var wrong = ids.Where(id => !Matches(rows.GetValueOrDefault(id), locators.GetValueOrDefault(id)))
            .Select(id => (id, rows.GetValueOrDefault(id))).ToList();
        // Only if newer than what the locator reflects: a write racing with this read has recorded a later state.
        await RecordCoreAsync(wrong, onlyIfNewer: true, ct);
        return wrong.Count;
    }

    private static bool Matches(Subscriber? row, Locator? locator)
    {
        var expected = row is null ? [] : GroupIdsOf(row);
        if (locator is null) return expected.Count == 0;
        return row is not null && locator.UpdatedAt == row.UpdatedAt && locator.Groups.ToHashSet(StringComparer.Ordinal).SetEquals(expected);
    }

    private async Task<Dictionary<string, Locator>> ReadLocatorRangeAsync(string from, string to, CancellationToken ct)
    {
        var found = new Dictionary<string, Locator>(StringComparer.Ordinal);
        foreach (var bucket in SlotIndexKeys.Buckets.Where(b => b >= from[0] && (to == "g" || b <= to[0])))
            await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
                               $"PartitionKey eq {SlotIndexKeys.Locators(bucket)} and RowKey ge {from} and RowKey lt {to}"), cancellationToken: ct))
                found[e.RowKey] = ToLocator(e);
        return found;
    }

    /// <summary>
    /// Deletes the cards in [from, to) of every group whose subscriber's locator does not list that group (left by two writes of one
    /// subscriber racing each other): after the repair above, the locators are right.
    /// </summary>
    private async Task<int> DeleteStrayCardsAsync(string from, string to, CancellationToken ct)
    {
        var groups = new List<string>();
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {SlotIndexKeys.Directory}"),
                           select: ["RowKey"], cancellationToken: ct))
            groups.Add(e.RowKey);
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string Group, string Partition, string Id)>();
        var partitions = groups.SelectMany(g => SlotIndexKeys.Buckets.Where(b => b >= from[0] && (to == "g" || b <= to[0]))
            .Select(b => (Group: g, Partition: SlotIndexKeys.Cards(g, b)))).ToList();
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (p, token) =>
        {
            await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
                               $"PartitionKey eq {p.Partition} and RowKey ge {from} and RowKey lt {to}"), select: ["RowKey"], cancellationToken: token))
                seen.Add((p.Group, p.Partition, e.RowKey));
        });
        // The locators read after the cards: a card written meanwhile was listed on its locator before it was written.
        var locators = await ReadLocatorRangeAsync(from, to, ct);
        var stray = seen.Where(c => !(locators.TryGetValue(c.Id, out var locator) && locator.Groups.Contains(c.Group, StringComparer.Ordinal)))
            .Select(c => (c.Partition, c.Id)).ToList();
        await Parallel.ForEachAsync(stray, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (card, token) => await Table.DeleteEntityAsync(card.Partition, card.Id, ETag.All, token));
        return stray.Count;
    }

    /// <summary>Deletes the write log's hours before <paramref name="before"/>; returns how many hours went.</summary>
    private async Task<int> DeleteOldWriteLogAsync(DateTimeOffset before, CancellationToken ct)
    {
        var old = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
                           $"PartitionKey ge {"w-"} and PartitionKey lt {SlotIndexKeys.WriteLog(before)}"), select: ["PartitionKey", "RowKey"],
                           cancellationToken: ct))
            (old.TryGetValue(e.PartitionKey, out var rows) ? rows : old[e.PartitionKey] = []).Add(e.RowKey);
        foreach (var (partition, rows) in old)
            foreach (var chunk in rows.Chunk(100))
                await Table.SubmitTransactionAsync(chunk.Select(r =>
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, r), ETag.All)), ct);
        return old.Count;
    }
}
