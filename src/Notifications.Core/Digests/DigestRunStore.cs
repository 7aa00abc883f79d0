using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Digests;

/// <summary>The digest runs table: partition = frequency, row = period key. Every state change is ETag-guarded.</summary>
public sealed class DigestRunStore(StorageResources storage, TimeProvider time)
{
    /// <summary>
    /// The run of this period, created if new. A new run's window starts where the latest earlier run of the
    /// frequency ended (or one period back for the first run) and ends at <paramref name="at"/>; once created it never changes.
    /// </summary>
    public async Task<DigestRun> GetOrCreateAsync(DigestPeriod period, DateTimeOffset at, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var partition = PartitionOf(period.Frequency);
        if (await GetAsync(period.Frequency, period.Key, ct) is { } existing)
            return existing;

        // Windows are contiguous: a new run starts where the latest earlier run of its frequency ended, whatever became of
        // that run (its window stays its own, to be resumed). Only the very first run looks back one period.
        DateTimeOffset? previousEnd = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {period.Key}");
        await foreach (var e in storage.DigestRuns.QueryAsync<TableEntity>(filter, select: ["WindowEnd"], cancellationToken: ct))
            if (e.GetDateTimeOffset("WindowEnd") is { } end && end <= at && (previousEnd is null || end > previousEnd))
                previousEnd = end;
        var start = previousEnd ?? at - period.Length;

        var entity = new TableEntity(partition, period.Key)
        {
            ["RunId"] = period.RunId,
            ["WindowStart"] = start,
            ["WindowEnd"] = at,
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
        e.GetInt32("ConsecutiveFailures") ?? 0);
}
