using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>
/// The subscriber search index (issue 16; design in docs/architecture.md, figures in docs/benchmarks.md): search as you type over
/// 100k subscribers without a table scan per keystroke, right across instances.
/// <para>
/// Every write of <see cref="SubscriberStore"/> appends its cards (or removals) to the live change log after the table write
/// (<see cref="RecordAsync"/>). Each instance holds every card in memory: it reads the snapshot and the logs once, then before each
/// search asks the live log's length (one storage operation) and reads only what was appended since. A log that grows long is
/// compacted into a new snapshot; so is every erasure, which leaves no entry naming the person in any blob. A missing index is built
/// from the subscribers table (read through <see cref="StorageResources"/>: the index never needs the store, which calls it).
/// </para>
/// </summary>
public sealed class SubscriberSearchIndex(StorageResources storage, SubscriberRules rules, TimeProvider time, ILogger<SubscriberSearchIndex> logger)
    : IPersonalDataStore
{
    /// <summary>A log is compacted past this many appends (an append blob takes 50,000) or bytes (what every instance reads on start).</summary>
    private const int MaxLogBlocks = 20_000;
    private const long MaxLogBytes = 16 * 1024 * 1024;

    private readonly SubscriberIndexBlobs _blobs = new(storage);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SubscriberIndexState? _state;
    private long _readGeneration, _readOffset;
    private long _writeGeneration = -1;

    /// <summary>The blob operations this instance's index made so far (the benchmark's cost per change).</summary>
    public long StorageOperations => _blobs.Operations;

    /// <summary>One page of the subscribers that match, sorted, and the total that match.</summary>
    /// <exception cref="InvalidSubscriberException">The topic is not a known one.</exception>
    public async Task<SubscriberSearchResult> SearchAsync(SubscriberQuery query, CancellationToken ct = default)
    {
        // Any spelling of a topic ("Data-Model", "модель данных") filters by its key; an unknown one is an error naming the known ones.
        var topic = query.Topic is { Length: > 0 } given ? rules.Topics([given]).SingleOrDefault() : null;
        await _gate.WaitAsync(ct);
        try
        {
            return (await CurrentAsync(ct)).Search(query, topic);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every subscriber's card (for counts and charts: the dashboard, coverage, the segment export's ids), by name.</summary>
    public async Task<IReadOnlyList<SubscriberCard>> AllAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return (await CurrentAsync(ct)).Search(new SubscriberQuery(Take: int.MaxValue), null).Items;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Builds the index again from the subscribers table (<c>notify subscribers reindex</c>); returns the number of cards.</summary>
    public async Task<int> RebuildAsync(CancellationToken ct = default)
    {
        var built = await CompactAsync(fromTable: true, onlyIfMissing: false, forget: null, ct);
        await ForgetStateAsync(ct);
        return built?.Cards ?? 0;
    }

    /// <summary>
    /// Erasure: compacts the index without any entry naming the person (id or address), so no blob holds them any more; returns how
    /// many entries went.
    /// </summary>
    async Task<ErasureStep> IPersonalDataStore.ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct)
    {
        var compacted = await CompactAsync(fromTable: false, onlyIfMissing: false, forget: subscriber, ct);
        await _gate.WaitAsync(ct);
        try
        {
            _state?.Forget(subscriber.Id, subscriber.Email);
        }
        finally
        {
            _gate.Release();
        }
        return new ErasureStep("search index", compacted?.Dropped ?? 0);
    }

    /// <summary>
    /// Records changes the store wrote (after writing them). A failure is logged, not thrown: the table holds the change, and
    /// <c>notify subscribers reindex</c> brings the index back in step.
    /// </summary>
    internal async Task RecordAsync(IReadOnlyList<SubscriberIndexEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        try
        {
            // An append takes up to 4 MiB: 2,000 entries stay well below.
            foreach (var chunk in entries.Chunk(2000))
                await AppendAsync(SubscriberIndexEntry.Write(chunk), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The search index missed {Count} subscriber changes; run 'notify subscribers reindex'", entries.Count);
        }
    }

    internal Task RecordAsync(SubscriberIndexEntry entry, CancellationToken ct) => RecordAsync([entry], ct);

    internal SubscriberIndexEntry Removal(string id) => SubscriberIndexEntry.Removal(id, time.GetUtcNow());

    private async Task AppendAsync(byte[] entries, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var generation = Interlocked.Read(ref _writeGeneration);
            if (generation < 0)
            {
                var logs = await _blobs.LogsAsync(ct);
                if (logs.Count == 0)
                {
                    // No index yet: built from the table, which holds this change already.
                    await CompactAsync(fromTable: true, onlyIfMissing: true, forget: null, ct);
                    logs = await _blobs.LogsAsync(ct);
                }
                generation = logs.Count > 0 ? logs[^1] : throw new InvalidOperationException("The search index has no change log.");
            }
            try
            {
                var (blocks, length) = await _blobs.AppendAsync(generation, entries, ct);
                Interlocked.Exchange(ref _writeGeneration, generation);
                if (blocks >= MaxLogBlocks || length >= MaxLogBytes)
                    await CompactAsync(fromTable: false, onlyIfMissing: false, forget: null, ct, wait: false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < 200)
            {
                // Compacted (gone) or being compacted (sealed; or full): the next log is, or is about to be, the live one.
                Interlocked.Exchange(ref _writeGeneration, -1);
                await Task.Delay(Math.Min(10 * attempt, 250), ct);
            }
        }
    }

    /// <summary>The state in memory, brought up to date: the live log's new entries, or everything again after a compaction.</summary>
    private async Task<SubscriberIndexState> CurrentAsync(CancellationToken ct)
    {
        if (_state is { } state && await _blobs.LogStateAsync(_readGeneration, ct) is { Sealed: false } log)
        {
            if (log.Length > _readOffset && await _blobs.ReadLogAsync(_readGeneration, _readOffset, ct) is { } appended)
            {
                foreach (var entry in SubscriberIndexEntry.Read(appended.ToMemory()))
                    state.Apply(entry);
                _readOffset += appended.ToMemory().Length;
            }
            return state;
        }
        return await LoadAsync(ct);
    }

    private async Task<SubscriberIndexState> LoadAsync(CancellationToken ct)
    {
        _state = null;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var snapshot = await _blobs.ReadSnapshotAsync(ct);
            var logs = (await _blobs.LogsAsync(ct)).Where(g => snapshot is null || g >= snapshot.Generation).ToList();
            if (snapshot is null || logs.Count == 0 || logs[0] != snapshot.Generation)
            {
                // Missing (built from the table), or compacted between the two reads (read again).
                if (snapshot is null || !(await _blobs.LogsAsync(ct)).Contains(snapshot.Generation))
                    await CompactAsync(fromTable: true, onlyIfMissing: true, forget: null, ct);
                await Task.Delay(Math.Min(20 * attempt, 250), ct);
                continue;
            }
            var state = new SubscriberIndexState();
            foreach (var entry in SubscriberIndexBlobs.Entries(snapshot))
                state.Put(entry.ToCard());
            long offset = 0;
            var complete = true;
            foreach (var generation in logs)
            {
                if (await _blobs.ReadLogAsync(generation, 0, ct) is not { } content)
                {
                    complete = false;
                    break;
                }
                foreach (var entry in SubscriberIndexEntry.Read(content.ToMemory()))
                    state.Apply(entry);
                offset = content.ToMemory().Length;
            }
            if (!complete) continue;
            (_state, _readGeneration, _readOffset) = (state, logs[^1], offset);
            return state;
        }
        throw new InvalidOperationException("The search index kept changing while it was read; search again.");
    }

    private async Task ForgetStateAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        _state = null;
        _gate.Release();
    }

    /// <summary>
    /// Writes a new snapshot from the old one (or from the table) and every log, under the compaction lock: seals the live log, starts
    /// the next, writes the snapshot, deletes the old logs. With <paramref name="forget"/>, drops every entry naming the person.
    /// Null when not done (<paramref name="onlyIfMissing"/> and an index exists; the lock held by another and not <paramref name="wait"/>).
    /// </summary>
    private async Task<(int Cards, int Dropped)?> CompactAsync(bool fromTable, bool onlyIfMissing, ErasedSubscriber? forget,
        CancellationToken ct, bool wait = true)
    {
        if (await _blobs.LockAsync(wait, ct) is not { } lockLease) return null;
        try
        {
            var snapshot = await _blobs.ReadSnapshotAsync(ct);
            var logs = await _blobs.LogsAsync(ct);
            var intact = snapshot is not null && logs.Contains(snapshot.Generation);
            if (onlyIfMissing && intact) return null;
            if (forget is not null && snapshot is null && logs.Count == 0) return (0, 0); // never built: holds nobody
            var fromRows = fromTable || !intact;
            var live = logs.Where(g => snapshot is null || g >= snapshot.Generation).ToList();
            var current = live.Count > 0 ? live[^1] : snapshot?.Generation ?? 0;
            var seal = live.Count > 0 ? await _blobs.SealAsync(current, ct) : null;
            var next = current + 1;
            await _blobs.CreateLogAsync(next, ct);

            var state = new SubscriberIndexState();
            var dropped = 0;
            if (fromRows)
                foreach (var card in await ReadTableAsync(ct))
                    state.Put(card);
            else
                foreach (var entry in SubscriberIndexBlobs.Entries(snapshot!))
                    if (forget is not null && SubscriberIndexState.Names(entry, forget.Id, forget.Email)) dropped++;
                    else state.Put(entry.ToCard());
            foreach (var generation in live)
                foreach (var entry in SubscriberIndexEntry.Read((await _blobs.ReadLogAsync(generation, 0, ct))?.ToMemory() ?? default))
                    if (forget is not null && SubscriberIndexState.Names(entry, forget.Id, forget.Email)) dropped++;
                    else state.Apply(entry, removalsIfNewer: fromRows);
            if (forget is not null) dropped += state.Forget(forget.Id, forget.Email);

            await _blobs.WriteSnapshotAsync(next, state.Cards, ct);
            foreach (var generation in logs)
                await _blobs.DeleteLogAsync(generation, generation == current ? seal : null, ct);
            Interlocked.Exchange(ref _writeGeneration, next);
            logger.LogInformation("Search index compacted: {Cards} cards, generation {Generation}{Source}", state.Count, next,
                fromRows ? ", built from the subscribers table" : "");
            return (state.Count, dropped);
        }
        finally
        {
            await _blobs.UnlockAsync(lockLease);
        }
    }

    private async Task<IReadOnlyList<SubscriberCard>> ReadTableAsync(CancellationToken ct)
    {
        var cards = new List<SubscriberCard>();
        await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberStore.Partition}"), maxPerPage: 1000, cancellationToken: ct))
            cards.Add(SubscriberIndexEntry.Card(SubscriberStore.FromEntity(e)).ToCard());
        return cards;
    }
}
