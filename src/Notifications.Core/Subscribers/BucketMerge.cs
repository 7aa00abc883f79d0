using System.Threading.Channels;
using Azure.Data.Tables;

namespace Notifications.Subscribers;

/// <summary>
/// One bucket of the slot index's cards: its partition of each group, read in parallel as soon as it is created (each into a small
/// bounded channel: a read-ahead that stops when the channel is full), merged by row key (subscriber id).
/// </summary>
internal sealed class BucketMerge : IAsyncDisposable
{
    /// <summary>About how many cards a bucket holds in memory ahead of the merge, shared by its partitions.</summary>
    public const int Budget = 2000;

    private readonly CancellationTokenSource _stop;
    private readonly List<Channel<TableEntity>> _channels;
    private readonly List<Task> _readers;

    public BucketMerge(TableClient table, SlotIndexReads reads, IReadOnlyList<string> groupIds, char bucket, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var perPartition = Math.Clamp(Budget / Math.Max(1, groupIds.Count), 100, 1000);
        _channels = groupIds.Select(_ => Channel.CreateBounded<TableEntity>(
            new BoundedChannelOptions(perPartition) { SingleReader = true, SingleWriter = true })).ToList();
        _readers = groupIds.Select((g, i) =>
        {
            reads.AddCardPartition();
            return ReadAsync(table, SlotIndexKeys.Cards(g, bucket), perPartition, _channels[i].Writer, _stop.Token);
        }).ToList();
    }

    private static async Task ReadAsync(TableClient table, string partition, int pageSize, ChannelWriter<TableEntity> writer, CancellationToken ct)
    {
        try
        {
            await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"),
                               maxPerPage: pageSize, cancellationToken: ct))
                await writer.WriteAsync(e, ct);
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
        }
    }

    /// <summary>The bucket's cards in row key order (an id in two groups comes twice, one after the other).</summary>
    public async IAsyncEnumerable<TableEntity> MergeAsync()
    {
        var queue = new PriorityQueue<int, string>(StringComparer.Ordinal);
        var current = new TableEntity?[_channels.Count];
        for (var i = 0; i < _channels.Count; i++)
            if (await NextAsync(i) is { } first)
                queue.Enqueue(i, (current[i] = first).RowKey);
        while (queue.TryDequeue(out var i, out _))
        {
            yield return current[i]!;
            if (await NextAsync(i) is { } next)
                queue.Enqueue(i, (current[i] = next).RowKey);
        }

        async Task<TableEntity?> NextAsync(int i)
        {
            var reader = _channels[i].Reader;
            // WaitToReadAsync rethrows a reader's failure; false when its partition is read to the end.
            while (await reader.WaitToReadAsync(_stop.Token))
                if (reader.TryRead(out var e))
                    return e;
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
        _stop.Dispose();
    }
}
