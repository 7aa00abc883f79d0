using System.Globalization;
using System.IO.Compression;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>
/// The search index's blobs (container <c>Storage:SubscriberIndexContainer</c>): <c>snapshot.jsonl.gz</c> (every card, gzipped JSON
/// lines; metadata <c>generation</c> G: it holds every change of the logs before G), the change logs <c>log-G.jsonl</c> (append blobs
/// of entries, the live one the highest), and <c>compaction.lock</c> (leased by the one compaction running). A compaction leases the
/// live log, which stops appends to it (an append without the lease fails), so writers move to the next one. Counts its storage
/// operations (<see cref="Operations"/>) for the benchmark.
/// </summary>
internal sealed class SubscriberIndexBlobs(StorageResources storage)
{
    private const string SnapshotName = "snapshot.jsonl.gz", LockName = "compaction.lock", LogPrefix = "log-", LogSuffix = ".jsonl";
    private static readonly TimeSpan LockDuration = TimeSpan.FromSeconds(60);
    private long _operations;

    public long Operations => Interlocked.Read(ref _operations);

    public sealed record Snapshot(long Generation, BinaryData Content);

    public sealed record LogState(long Length, bool Sealed);

    private BlobContainerClient Container => storage.SubscriberIndex;

    private static string LogName(long generation) => LogPrefix + generation.ToString("D12", CultureInfo.InvariantCulture) + LogSuffix;

    private void Count() => Interlocked.Increment(ref _operations);

    public async Task<Snapshot?> ReadSnapshotAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        Count();
        try
        {
            var result = (await Container.GetBlobClient(SnapshotName).DownloadContentAsync(ct)).Value;
            var generation = long.Parse(result.Details.Metadata["generation"], CultureInfo.InvariantCulture);
            return new Snapshot(generation, result.Content);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public static IEnumerable<SubscriberIndexEntry> Entries(Snapshot snapshot)
    {
        using var gzip = new GZipStream(snapshot.Content.ToStream(), CompressionMode.Decompress);
        foreach (var entry in SubscriberIndexEntry.Read(gzip))
            yield return entry;
    }

    /// <summary>Replaces the snapshot; returns its size in bytes.</summary>
    public async Task<long> WriteSnapshotAsync(long generation, IEnumerable<SubscriberCard> cards, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            foreach (var chunk in cards.Chunk(1000))
                await gzip.WriteAsync(SubscriberIndexEntry.Write(chunk.Select(SubscriberIndexEntry.Card)), ct);
        buffer.Position = 0;
        Count();
        await Container.GetBlobClient(SnapshotName).UploadAsync(buffer, new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string> { ["generation"] = generation.ToString(CultureInfo.InvariantCulture) },
        }, ct);
        return buffer.Length;
    }

    /// <summary>The generations of the change logs there are, in order.</summary>
    public async Task<IReadOnlyList<long>> LogsAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        Count();
        var logs = new List<long>();
        await foreach (var blob in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = LogPrefix }, ct))
            if (blob.Name.EndsWith(LogSuffix, StringComparison.Ordinal)
                && long.TryParse(blob.Name[LogPrefix.Length..^LogSuffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var g))
                logs.Add(g);
        logs.Sort();
        return logs;
    }

    /// <summary>The log's length and whether a compaction sealed it; null when it is gone (compacted).</summary>
    public async Task<LogState?> LogStateAsync(long generation, CancellationToken ct)
    {
        Count();
        try
        {
            var p = (await Container.GetBlobClient(LogName(generation)).GetPropertiesAsync(cancellationToken: ct)).Value;
            return new LogState(p.ContentLength, p.LeaseState == LeaseState.Leased);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The log from <paramref name="offset"/> to its end (whole entries: every append is whole lines); null when it is gone.</summary>
    public async Task<BinaryData?> ReadLogAsync(long generation, long offset, CancellationToken ct)
    {
        Count();
        try
        {
            var options = offset > 0 ? new BlobDownloadOptions { Range = new HttpRange(offset) } : null;
            return (await Container.GetBlobClient(LogName(generation)).DownloadContentAsync(options, ct)).Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Appends entries to a log; returns its block count and length after it. Fails (404, 412) when the log is gone or sealed.</summary>
    public async Task<(int Blocks, long Length)> AppendAsync(long generation, byte[] entries, CancellationToken ct)
    {
        Count();
        using var content = new MemoryStream(entries);
        var result = (await Container.GetAppendBlobClient(LogName(generation)).AppendBlockAsync(content, cancellationToken: ct)).Value;
        return (result.BlobCommittedBlockCount, long.Parse(result.BlobAppendOffset, CultureInfo.InvariantCulture) + entries.Length);
    }

    public async Task CreateLogAsync(long generation, CancellationToken ct)
    {
        Count();
        await Container.GetAppendBlobClient(LogName(generation)).CreateIfNotExistsAsync(cancellationToken: ct);
    }

    /// <summary>Seals a log for a compaction (an infinite lease; a lease left by a compaction that died is broken); returns the lease id.</summary>
    public async Task<string> SealAsync(long generation, CancellationToken ct)
    {
        var lease = Container.GetBlobClient(LogName(generation)).GetBlobLeaseClient();
        Count();
        try
        {
            return (await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration, cancellationToken: ct)).Value.LeaseId;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Only the holder of the compaction lock seals logs: this lease is a dead compaction's.
            Count();
            await lease.BreakAsync(TimeSpan.Zero, cancellationToken: ct);
            Count();
            return (await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration, cancellationToken: ct)).Value.LeaseId;
        }
    }

    /// <summary>Deletes a compacted log (with its seal's lease id; a leftover's lease is broken first).</summary>
    public async Task DeleteLogAsync(long generation, string? leaseId, CancellationToken ct)
    {
        var blob = Container.GetBlobClient(LogName(generation));
        Count();
        try
        {
            await blob.DeleteIfExistsAsync(conditions: leaseId is null ? null : new BlobRequestConditions { LeaseId = leaseId }, cancellationToken: ct);
        }
        catch (RequestFailedException e) when (e.Status == 412 && leaseId is null)
        {
            Count();
            await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero, cancellationToken: ct);
            Count();
            await blob.DeleteIfExistsAsync(cancellationToken: ct);
        }
    }

    /// <summary>Takes the compaction lock (a 60 s lease), waiting up to two minutes when <paramref name="wait"/>; null when not taken.</summary>
    public async Task<BlobLeaseClient?> LockAsync(bool wait, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var blob = Container.GetBlobClient(LockName);
        try
        {
            Count();
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // There already.
        }
        var lease = blob.GetBlobLeaseClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Count();
                await lease.AcquireAsync(LockDuration, cancellationToken: ct);
                return lease;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                if (!wait || attempt >= 480) return null;
                await Task.Delay(250, ct);
            }
        }
    }

    public async Task UnlockAsync(BlobLeaseClient lease)
    {
        Count();
        try
        {
            await lease.ReleaseAsync();
        }
        catch (RequestFailedException)
        {
            // Expired and taken by another meanwhile: nothing to release.
        }
    }
}
