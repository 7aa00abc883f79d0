using Azure;
using Azure.Data.Tables;
using Notifications.Storage;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>The digest runs table: partition = frequency, row = period key. Every state change is ETag-guarded.</summary>
public sealed class DigestRunStore(StorageResources storage, TimeProvider time)
{
    /// <summary>
    /// The run of this period, created if new, as of <paramref name="at"/> (the instant its recipients' windows end; the planner
    /// sets <see cref="DigestRun.WindowStart"/> to the earliest of their starts). Once created, <paramref name="at"/> never changes:
    /// a retried run covers what it covered the first time.
    /// </summary>
    public async Task<DigestRun> GetOrCreateAsync(DigestPeriod period, DateTimeOffset at, CancellationToken ct = default, string articleGroup = "")
    {
        await storage.EnsureCreatedAsync();
        var partition = PartitionOf(period.Frequency);
        if (await GetAsync(period.Frequency, period.Key, ct) is { } existing)
            return existing;

        var entity = new TableEntity(partition, period.Key)
        {
            ["RunId"] = period.RunId,
            ["WindowStart"] = at,
            ["WindowEnd"] = at,
            ["ArticleGroup"] = articleGroup,
            ["Status"] = nameof(DigestRunStatus.Open),
            ["ArticleCount"] = 0,
            ["RecipientCount"] = 0,
            ["BatchCount"] = 0,
            ["PlanId"] = "",
            ["UpdatedAt"] = time.GetUtcNow(),
        };
        try
        {
            await storage.DigestRuns.AddEntityAsync(entity, ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another trigger created it first: theirs is the run.
        }
        return await GetAsync(period.Frequency, period.Key, ct) ?? throw new InvalidOperationException($"Run {period.RunId} vanished after it was created.");
    }

    /// <summary>
    /// Runs updated since <paramref name="since"/> that were never planned to the end (Open, or Planning past the lease because their
    /// planner stopped): the hourly timer plans them again, so a crash does not lose a run.
    /// </summary>
    public async Task<IReadOnlyList<DigestRun>> ListUnplannedAsync(DateTimeOffset since, TimeSpan planningLease, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter(
            $"UpdatedAt ge {since.UtcDateTime} and (Status eq {nameof(DigestRunStatus.Open)} or Status eq {nameof(DigestRunStatus.Planning)})");
        var list = new List<DigestRun>();
        var now = time.GetUtcNow();
        await foreach (var e in storage.DigestRuns.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            if (FromEntity(e) is var run && (run.Status is DigestRunStatus.Open || now - run.UpdatedAt > planningLease))
                list.Add(run);
        return list;
    }

    /// <summary>
    /// Runs updated since <paramref name="since"/> that are Planned or Paused (filtered by the table): those whose batches the hourly timer
    /// revisits (<see cref="FailedBatchHealer"/>).
    /// </summary>
    public async Task<IReadOnlyList<DigestRun>> ListUnfinishedAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter(
            $"UpdatedAt ge {since.UtcDateTime} and (Status eq {nameof(DigestRunStatus.Planned)} or Status eq {nameof(DigestRunStatus.Paused)})");
        var list = new List<DigestRun>();
        await foreach (var e in storage.DigestRuns.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(FromEntity(e));
        return list.OrderBy(r => r.UpdatedAt).ToList();
    }

    /// <summary>
    /// The hour of the latest hourly run of <paramref name="frequency"/> in [<paramref name="since"/>, <paramref name="before"/>) that got
    /// planned (Planned, Completed or Paused; not Open or Planning, and not Cancelled: its recipients' windows were put back, so a full read
    /// finds them due again); null when there is none. One range query on the frequency's partition (a day holds 24).
    /// </summary>
    public async Task<DateTimeOffset?> LatestPlannedHourlyAsync(
        DigestFrequency frequency, DateTimeOffset since, DateTimeOffset before, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var low = DigestPeriod.Hourly(frequency, since).Key;
        var high = DigestPeriod.Hourly(frequency, before).Key;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(frequency)} and RowKey ge {low} and RowKey lt {high}");
        DateTimeOffset? latest = null;
        await foreach (var e in storage.DigestRuns.QueryAsync<TableEntity>(filter, select: ["RowKey", "Status", "WindowEnd"], cancellationToken: ct))
        {
            var period = new DigestPeriod(frequency, e.RowKey, default);
            var status = e.GetString("Status");
            if (!period.IsScheduled || status is not (nameof(DigestRunStatus.Planned) or nameof(DigestRunStatus.Completed) or nameof(DigestRunStatus.Paused)))
                continue;
            if (e.GetDateTimeOffset("WindowEnd") is { } end && end >= since && end < before && (latest is null || end > latest))
                latest = end;
        }
        return latest;
    }

    /// <summary>The latest runs, newest first (by last change): <c>notify digest status</c> without a run id.</summary>
    public async Task<IReadOnlyList<DigestRun>> ListRecentAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var list = new List<DigestRun>();
        await foreach (var e in storage.DigestRuns.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"UpdatedAt ge {since.UtcDateTime}"), cancellationToken: ct))
            list.Add(FromEntity(e));
        return list.OrderByDescending(r => r.UpdatedAt).ToList();
    }

    /// <summary>
    /// Every run updated since <paramref name="since"/> (all when null), newest first (by last change): the runs archive. Runs are one
    /// per period and alert (a few thousand a year), read whole and sorted here, since the table cannot order by time.
    /// </summary>
    public async Task<IReadOnlyList<DigestRun>> ListAllAsync(DateTimeOffset? since, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = since is { } from ? TableClient.CreateQueryFilter($"UpdatedAt ge {from.UtcDateTime}") : null;
        var list = new List<DigestRun>();
        await foreach (var e in storage.DigestRuns.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(FromEntity(e));
        return list.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.RunId, StringComparer.Ordinal).ToList();
    }

    public async Task<DigestRun?> GetAsync(DigestFrequency frequency, string periodKey, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var row = await storage.DigestRuns.GetEntityIfExistsAsync<TableEntity>(PartitionOf(frequency), periodKey, cancellationToken: ct);
        return row.HasValue && row.Value is { } e ? FromEntity(e) : null;
    }

    /// <summary>Moves the run to a new state if nobody changed it since it was read; null when someone did.</summary>
    public async Task<DigestRun?> TryUpdateAsync(DigestRun run, CancellationToken ct = default)
    {
        var updated = run with { UpdatedAt = time.GetUtcNow() };
        var entity = new TableEntity(PartitionOf(run.Frequency), run.PeriodKey)
        {
            ["RunId"] = run.RunId,
            ["WindowStart"] = run.WindowStart,
            ["WindowEnd"] = run.WindowEnd,
            ["Status"] = run.Status.ToString(),
            ["ArticleCount"] = run.ArticleCount,
            ["RecipientCount"] = run.RecipientCount,
            ["BatchCount"] = run.BatchCount,
            ["PlanId"] = run.PlanId,
            ["ConsecutiveFailures"] = run.ConsecutiveFailures,
            ["ArticleGroup"] = run.ArticleGroup,
            ["UpdatedAt"] = updated.UpdatedAt,
        };
        try
        {
            var response = await storage.DigestRuns.UpdateEntityAsync(entity, run.ETag, TableUpdateMode.Replace, ct);
            return updated with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    private static string PartitionOf(DigestFrequency frequency) => frequency.ToString().ToLowerInvariant();

    private static DigestRun FromEntity(TableEntity e) => new(
        e.GetString("RunId"),
        Enum.Parse<DigestFrequency>(e.PartitionKey, ignoreCase: true),
        e.RowKey,
        e.GetDateTimeOffset("WindowStart") ?? default,
        e.GetDateTimeOffset("WindowEnd") ?? default,
        Enum.Parse<DigestRunStatus>(e.GetString("Status")),
        e.GetInt32("ArticleCount") ?? 0,
        e.GetInt32("RecipientCount") ?? 0,
        e.GetInt32("BatchCount") ?? 0,
        e.GetString("PlanId") ?? "",
        e.GetDateTimeOffset("UpdatedAt") ?? default,
        e.ETag,
        e.GetInt32("ConsecutiveFailures") ?? 0,
        e.GetString("ArticleGroup") ?? "");
}
