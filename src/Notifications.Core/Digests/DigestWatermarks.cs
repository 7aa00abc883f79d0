using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Digests;

/// <summary>
/// How far a subscriber's digests have covered the articles: the window of their next digest starts at <see cref="Through"/>.
/// <see cref="RunTag"/> names the run that moved it last, and <see cref="PreviousThrough"/> is where it stood before: a run that is
/// planned again (its planner stopped half-way) starts from there, so it covers the same window and not an empty one.
/// </summary>
public sealed record DigestWatermark(string SubscriberId, DateTimeOffset Through, DateTimeOffset? PreviousThrough, int RunTag)
{
    /// <summary>Where the window of <paramref name="runId"/> starts for this subscriber (null: from their first-digest look-back).</summary>
    public DateTimeOffset? StartFor(string runId) => RunTag == TagOf(runId) ? PreviousThrough : Through;

    /// <summary>A run id in four bytes (of its SHA-256): enough to tell "this run" from any other for one subscriber.</summary>
    public static int TagOf(string runId) => BinaryPrimitives.ReadInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(runId)));
}

/// <summary>
/// The watermarks of the subscribers whose id starts with <see cref="Prefix"/> (two hex digits: 256 shards), as read with <see cref="ETag"/>.
/// </summary>
public sealed class WatermarkShard(string prefix, Dictionary<string, DigestWatermark> marks, ETag? etag)
{
    public string Prefix { get; } = prefix;
    public Dictionary<string, DigestWatermark> Marks { get; } = marks;
    /// <summary>Null: the shard has no row yet.</summary>
    public ETag? ETag { get; } = etag;

    public DigestWatermark? Get(string subscriberId) => Marks.GetValueOrDefault(subscriberId);
}

/// <summary>
/// The digest watermarks table: one row per shard of subscriber ids (their first two hex digits), each subscriber's watermark packed
/// into it, kept apart from the subscriber records so that admin edits and CSV imports never move them. A run writes a shard's row at
/// most once (ETag-guarded), so moving 100,000 watermarks costs 256 writes, not 100,000; and of two runs that would cover the same
/// articles for one subscriber, only the first to write its shard plans them a digest (the other reads the shard again and
/// finds them covered), so nobody gets an article twice, whatever their changes of frequency, time zone or delivery hour.
/// </summary>
public sealed class DigestWatermarks(StorageResources storage)
{
    private const string Partition = "shard";
    private const int EntryBytes = 16 + 8 + 8 + 4;

    /// <summary>The shard a subscriber's watermark is in.</summary>
    public static string ShardOf(string subscriberId) => subscriberId[..2];

    public async Task<WatermarkShard> ReadAsync(string prefix, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var row = await storage.DigestWatermarks.GetEntityIfExistsAsync<TableEntity>(Partition, prefix, cancellationToken: ct);
        if (!row.HasValue || row.Value is not { } e)
            return new WatermarkShard(prefix, new Dictionary<string, DigestWatermark>(StringComparer.Ordinal), null);
        return new WatermarkShard(prefix, Unpack(TableBinary.Read(e, "Marks", MarksFormat)?.Data ?? []), e.ETag);
    }

    /// <summary>Every shard that has a row, in prefix order, streamed: a planner walks them alongside the subscribers, in one query.</summary>
    public async IAsyncEnumerable<WatermarkShard> StreamAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await foreach (var e in storage.DigestWatermarks.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
            yield return new WatermarkShard(e.RowKey, Unpack(TableBinary.Read(e, "Marks", MarksFormat)?.Data ?? []), e.ETag);
    }

    /// <summary>One subscriber's watermark (for status pages and tests).</summary>
    public async Task<DigestWatermark?> GetAsync(string subscriberId, CancellationToken ct = default)
        => (await ReadAsync(ShardOf(subscriberId), ct)).Get(subscriberId);

    /// <summary>
    /// Writes the shard with its marks as they are now, if nobody wrote it since it was read. False when someone did: read it again and
    /// decide again.
    /// </summary>
    public async Task<bool> TryWriteAsync(WatermarkShard shard, CancellationToken ct = default) => await TryWriteAsync([shard], ct);

    /// <summary>
    /// Writes the shards in one transaction (all or none), each only if nobody wrote it since it was read. False when someone wrote any
    /// of them: nothing was written.
    /// </summary>
    public async Task<bool> TryWriteAsync(IReadOnlyList<WatermarkShard> shards, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var actions = shards.Select(shard =>
        {
            var entity = new TableEntity(Partition, shard.Prefix);
            TableBinary.Write(entity, "Marks", Pack(shard.Marks.Values), MarksFormat);
            return shard.ETag is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, entity);
        }).ToList();
        try
        {
            await storage.DigestWatermarks.SubmitTransactionAsync(actions, ct);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Moves a subscriber's watermark to a new id (id migration; the shard may change): both shards in one ETag-guarded transaction,
    /// again on a conflict. Idempotent: nothing to move is done; a mark already under the new id wins.
    /// </summary>
    public async Task MoveAsync(string fromId, string toId, CancellationToken ct = default)
    {
        while (true)
        {
            var from = await ReadAsync(ShardOf(fromId), ct);
            if (from.Get(fromId) is not { } mark) return;
            var to = ShardOf(toId) == from.Prefix ? from : await ReadAsync(ShardOf(toId), ct);
            from.Marks.Remove(fromId);
            to.Marks.TryAdd(toId, mark with { SubscriberId = toId });
            if (await TryWriteAsync(to == from ? [from] : [from, to], ct)) return;
        }
    }

    /// <summary>
    /// The layout of a shard's marks (the row's format version byte, <see cref="TableBinary"/>). 1: per subscriber, sorted by id, 36
    /// bytes: the id (16), Through and PreviousThrough (UTC ticks, 0 for none; 8 each), RunTag (4); little-endian.
    /// </summary>
    private const byte MarksFormat = 1;

    private static byte[] Pack(IEnumerable<DigestWatermark> marks)
    {
        var list = marks.OrderBy(m => m.SubscriberId, StringComparer.Ordinal).ToList();
        var bytes = new byte[list.Count * EntryBytes];
        for (var i = 0; i < list.Count; i++)
        {
            var span = bytes.AsSpan(i * EntryBytes, EntryBytes);
            Convert.FromHexString(list[i].SubscriberId).CopyTo(span);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], list[i].Through.UtcTicks);
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], list[i].PreviousThrough?.UtcTicks ?? 0);
            BinaryPrimitives.WriteInt32LittleEndian(span[32..], list[i].RunTag);
        }
        return bytes;
    }

    private static Dictionary<string, DigestWatermark> Unpack(byte[] bytes)
    {
        var marks = new Dictionary<string, DigestWatermark>(bytes.Length / EntryBytes, StringComparer.Ordinal);
        for (var i = 0; i + EntryBytes <= bytes.Length; i += EntryBytes)
        {
            var span = bytes.AsSpan(i, EntryBytes);
            var id = Convert.ToHexStringLower(span[..16]);
            var previous = BinaryPrimitives.ReadInt64LittleEndian(span[24..]);
            marks[id] = new DigestWatermark(id,
                new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[16..]), TimeSpan.Zero),
                previous == 0 ? null : new DateTimeOffset(previous, TimeSpan.Zero),
                BinaryPrimitives.ReadInt32LittleEndian(span[32..]));
        }
        return marks;
    }
}
