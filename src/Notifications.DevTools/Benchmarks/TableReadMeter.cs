using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Notifications.Benchmarks;

/// <summary>
/// Counts the entities every table read returns (queries and point reads), per table and partition, and the requests that returned
/// them; in <see cref="Throttle"/> mode it also holds each answer back until Azure Table's scalability targets would have served it:
/// <see cref="PartitionTarget"/> entities/s per partition and <see cref="AccountTarget"/> per account (two token buckets, filled at
/// those rates, starting empty; a read that overdraws one waits until it is paid back). Benchmarks only: put in the table clients'
/// pipeline by registering <c>new TablePipelinePolicy(meter)</c> (<see cref="Storage.TablePipelinePolicy"/>); production never does.
/// </summary>
public sealed class TableReadMeter : HttpPipelinePolicy
{
    /// <summary>Azure Table's documented target for one partition, entities per second.</summary>
    public const double PartitionTarget = 2_000;

    /// <summary>Azure Table's documented target for one storage account, entities per second.</summary>
    public const double AccountTarget = 20_000;

    private readonly ConcurrentDictionary<(string Table, string Partition), Counter> _reads = new();
    private readonly Lock _buckets = new();
    private readonly Dictionary<(string Table, string Partition), long> _partitionFree = [];
    private long _accountFree;

    /// <summary>Whether reads are held back to the targets (<c>bench ticks --throttle</c>).</summary>
    public bool Throttle { get; set; }

    /// <summary>Time spent holding answers back since the last <see cref="Reset"/>.</summary>
    public TimeSpan Held => TimeSpan.FromTicks(Interlocked.Read(ref _heldTicks));
    private long _heldTicks;

    /// <summary>Starts counting afresh.</summary>
    public void Reset()
    {
        _reads.Clear();
        Interlocked.Exchange(ref _heldTicks, 0);
    }

    /// <summary>What was read since the last <see cref="Reset"/>.</summary>
    public TableReads Snapshot() => new(_reads.Select(r => new PartitionRead(r.Key.Table, r.Key.Partition, r.Value.Entities, r.Value.Requests))
        .OrderBy(r => r.Table, StringComparer.Ordinal).ThenBy(r => r.Partition, StringComparer.Ordinal).ToList());

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        ProcessNext(message, pipeline);
        if (Count(message, started) is { } hold && hold > TimeSpan.Zero) Thread.Sleep(hold);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        await ProcessNextAsync(message, pipeline);
        if (Count(message, started) is { } hold && hold > TimeSpan.Zero) await Task.Delay(hold, message.CancellationToken);
    }

    /// <summary>Counts the answer's entities; returns how long to hold it back (throttle mode), or null.</summary>
    private TimeSpan? Count(HttpMessage message, long started)
    {
        if (message.Request.Method != RequestMethod.Get || !message.HasResponse || message.Response.Status != 200) return null;
        var table = TableOf(message.Request.Uri.Path);
        if (table is null or "Tables") return null;
        var perPartition = PartitionsIn(message.Response);
        foreach (var (partition, entities) in perPartition)
        {
            var counter = _reads.GetOrAdd((table, partition), _ => new Counter());
            Interlocked.Add(ref counter.Entities, entities);
            Interlocked.Increment(ref counter.Requests);
        }
        if (!Throttle || perPartition.Count == 0) return null;
        TimeSpan hold;
        lock (_buckets)
        {
            // The answer could be served from when the request started, or when the buckets were free again, whichever is later.
            var free = started;
            foreach (var (partition, entities) in perPartition)
            {
                var key = (table, partition);
                var from = Math.Max(started, _partitionFree.GetValueOrDefault(key));
                var until = from + (long)(entities / PartitionTarget * Stopwatch.Frequency);
                _partitionFree[key] = until;
                free = Math.Max(free, until);
            }
            var total = perPartition.Values.Sum();
            _accountFree = Math.Max(started, _accountFree) + (long)(total / AccountTarget * Stopwatch.Frequency);
            free = Math.Max(free, _accountFree);
            hold = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), free);
        }
        if (hold > TimeSpan.Zero) Interlocked.Add(ref _heldTicks, hold.Ticks);
        return hold;
    }

    /// <summary>"/devstoreaccount1/Subscribers()" or "/Subscribers(PartitionKey='p',RowKey='r')" → "Subscribers".</summary>
    internal static string? TableOf(string path)
    {
        var last = path.TrimEnd('/');
        last = last[(last.LastIndexOf('/') + 1)..];
        var paren = last.IndexOf('(');
        return paren > 0 ? last[..paren] : last.Length > 0 ? last : null;
    }

    /// <summary>The entities of an answer (a query's page or one entity), counted by their PartitionKey.</summary>
    internal static Dictionary<string, int> PartitionsIn(Azure.Response response)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        ReadOnlyMemory<byte> body;
        try { body = response.Content.ToMemory(); }
        catch (InvalidOperationException) { return counts; }
        var reader = new Utf8JsonReader(body.Span);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth > 3 || !reader.ValueTextEquals("PartitionKey"u8)) continue;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String) continue;
                var partition = reader.GetString() ?? "";
                counts[partition] = counts.GetValueOrDefault(partition) + 1;
            }
        }
        catch (JsonException) { }
        return counts;
    }

    private sealed class Counter
    {
        public long Entities;
        public long Requests;
    }
}

/// <summary>The entities one table partition returned, and in how many requests.</summary>
public sealed record PartitionRead(string Table, string Partition, long Entities, long Requests);

/// <summary>What the table reads of a phase returned, per partition (<see cref="TableReadMeter.Snapshot"/>).</summary>
public sealed record TableReads(IReadOnlyList<PartitionRead> Partitions)
{
    public long Entities(Func<string, bool>? table = null) => Partitions.Where(p => table is null || table(p.Table)).Sum(p => p.Entities);

    public long Requests(Func<string, bool>? table = null) => Partitions.Where(p => table is null || table(p.Table)).Sum(p => p.Requests);

    /// <summary>
    /// The time these reads need at least under Azure Table's targets when every partition is read in parallel: the busiest partition
    /// at <see cref="TableReadMeter.PartitionTarget"/> or all of them at <see cref="TableReadMeter.AccountTarget"/>, whichever is longer.
    /// </summary>
    public TimeSpan ProjectedParallel(Func<string, bool>? table = null)
    {
        var chosen = Partitions.Where(p => table is null || table(p.Table)).ToList();
        if (chosen.Count == 0) return TimeSpan.Zero;
        return TimeSpan.FromSeconds(Math.Max(chosen.Max(p => p.Entities) / TableReadMeter.PartitionTarget,
            chosen.Sum(p => p.Entities) / TableReadMeter.AccountTarget));
    }
}
