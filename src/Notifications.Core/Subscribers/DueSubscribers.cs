using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Notifications.Subscribers;

/// <summary>The read side of the slot index: the cards of some groups, merged in id order with the subscribers written since.</summary>
public sealed partial class SubscriberSlotIndex
{
    /// <summary>
    /// How many buckets are read ahead of the one being merged, in parallel (a big group's 16 partitions are then read 8 at a time: the
    /// partition target times 8, near the account's), each holding at most about <see cref="BucketMerge.Budget"/> cards.
    /// </summary>
    private const int BucketsAhead = 7;

    private async IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamCandidatesAsync(IReadOnlyList<string> groupIds,
        Func<Subscriber, bool> matches, DigestFrequency? frequency, DateTimeOffset writtenSince, [EnumeratorCancellation] CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var now = time.GetUtcNow();
        // Not built yet, or the write log no longer reaches back that far: everyone, as before the index.
        var writtenIds = await IsBuiltAsync(ct) && writtenSince > now - WriteLogRetention + TimeSpan.FromHours(1)
            ? await ReadWriteLogAsync(writtenSince, now, FullReadAbove, ct)
            : null;
        if (writtenIds is null)
        {
            await foreach (var s in StreamEveryoneAsync(frequency, ct))
                yield return s;
            yield break;
        }

        // The subscribers written since: the truth from the table (replacing their cards, which it repairs if they are wrong).
        Reads.AddWritten(writtenIds.Count);
        var rows = await ReadRowsAsync(writtenIds, ct);
        await RepairAsync(writtenIds, rows.ToDictionary(r => r.Key, r => r.Value.Subscriber, StringComparer.Ordinal), ct);
        var written = rows.Values.Where(r => matches(r.Subscriber)).OrderBy(r => r.Subscriber.Id, StringComparer.Ordinal).ToList();

        var next = 0;
        await foreach (var card in StreamCardsAsync(groupIds, ct))
        {
            for (; next < written.Count && string.CompareOrdinal(written[next].Subscriber.Id, card.Subscriber.Id) < 0; next++)
                yield return written[next];
            if (!writtenIds.Contains(card.Subscriber.Id))
                yield return card;
        }
        for (; next < written.Count; next++)
            yield return written[next];
    }

    /// <summary>
    /// The ids in the write log from <paramref name="since"/> to <paramref name="until"/> (and a few minutes more, for clocks ahead of
    /// this instance's); null when there are more than
    /// <paramref name="limit"/> (the caller reads everyone then).
    /// </summary>
    private async Task<HashSet<string>?> ReadWriteLogAsync(DateTimeOffset since, DateTimeOffset until, int limit, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var from = SlotIndexKeys.Ticks(since);
        for (var hour = since.UtcDateTime.Date.AddHours(since.UtcDateTime.Hour); hour <= (until + VersionMargin).UtcDateTime; hour = hour.AddHours(1))
            await foreach (var e in Table.QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {SlotIndexKeys.WriteLog(new DateTimeOffset(hour))} and RowKey ge {from}"),
                               select: ["Id"], cancellationToken: ct))
                if (e.GetString("Id") is { } id && ids.Add(id) && ids.Count > limit)
                    return null;
        return ids;
    }

    /// <summary>
    /// The cards of these groups in id order, each id once: bucket after bucket; in a bucket, the group partitions read in parallel and
    /// merged by row key; the next buckets read meanwhile (a bounded read-ahead: memory stays flat).
    /// </summary>
    private async IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamCardsAsync(IReadOnlyList<string> groupIds,
        [EnumeratorCancellation] CancellationToken ct)
    {
        if (groupIds.Count == 0) yield break;
        var ahead = new Queue<BucketMerge>();
        var nextBucket = 0;
        try
        {
            while (true)
            {
                while (ahead.Count <= BucketsAhead && nextBucket < SlotIndexKeys.Buckets.Length)
                    ahead.Enqueue(new BucketMerge(Table, Reads, groupIds, SlotIndexKeys.Buckets[nextBucket++], ct));
                if (!ahead.TryPeek(out var bucket)) yield break;
                string? last = null;
                await foreach (var e in bucket.MergeAsync())
                {
                    if (e.RowKey == last) continue; // the same subscriber in two due groups
                    last = e.RowKey;
                    Reads.AddCard();
                    var card = FromCard(e);
                    yield return (card, card.UpdatedAt - VersionMargin);
                }
                await ahead.Dequeue().DisposeAsync();
            }
        }
        finally
        {
            while (ahead.TryDequeue(out var left))
                await left.DisposeAsync();
        }
    }

    /// <summary>Everyone (of a frequency), from the subscribers table in id order, as <see cref="SubscriberStore.StreamAsync"/> reads them.</summary>
    private async IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamEveryoneAsync(DigestFrequency? frequency,
        [EnumeratorCancellation] CancellationToken ct)
    {
        Reads.AddFullRead();
        await storage.EnsureCreatedAsync();
        var filter = frequency is { } f
            ? TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberStore.Partition} and Frequency eq {f.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberStore.Partition}");
        await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
            yield return (SubscriberStore.FromEntity(e), e.Timestamp ?? DateTimeOffset.MinValue);
    }
}
