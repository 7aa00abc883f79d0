using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Delivery;

/// <summary>One digest (run) a subscriber was in, as SendGrid reported it: when first, and each event kind with its first time.</summary>
public sealed record RecipientRun(string RunId, DateTimeOffset At, IReadOnlyList<string> Events);

/// <summary>
/// The digests one subscriber was in, with their delivery events, for the admin's profile page, without scanning anything: table
/// <c>RecipientTimeline</c>, partition = subscriber id, row = run id, one property per event kind (delivered, open, click, bounce,
/// dropped, spamreport…) holding when it first happened. <see cref="SendGridEventProcessor"/> records each new event that names a
/// subscriber and a run (one merge per event, next to the event's own claim row), so a profile reads one partition. Runs sent through
/// the local outbox get no events, so they are not listed. Erasure deletes the partition; an address change moves it.
/// </summary>
public sealed class RecipientTimeline(StorageResources storage) : IPersonalDataStore
{
    /// <summary>The most runs a profile lists (newest first).</summary>
    public const int MaxRuns = 100;

    private const string FirstAt = "FirstAt";

    /// <summary>Records one event: the run's row gets the event kind's first time (later duplicates of the kind keep the first).</summary>
    public async Task RecordAsync(string subscriberId, DeliveryEvent e, CancellationToken ct = default)
    {
        if (e.RunId is not { Length: > 0 and <= SendGridEventProcessor.MaxKeyLength } runId) return;
        await storage.EnsureCreatedAsync();
        var rowKey = TableKey.Encode(runId);
        var kind = "E_" + e.CounterName;
        var existing = await storage.RecipientTimeline.GetEntityIfExistsAsync<TableEntity>(subscriberId, rowKey, cancellationToken: ct);
        if (existing.HasValue && existing.Value is { } row && row.ContainsKey(kind)) return;
        var entity = new TableEntity(subscriberId, rowKey) { ["RunId"] = runId, [kind] = e.Timestamp };
        if (!existing.HasValue || existing.Value is not { } current || (current.GetDateTimeOffset(FirstAt) ?? DateTimeOffset.MaxValue) > e.Timestamp)
            entity[FirstAt] = e.Timestamp;
        await storage.RecipientTimeline.UpsertEntityAsync(entity, TableUpdateMode.Merge, ct);
    }

    /// <summary>The subscriber's runs, newest first, at most <see cref="MaxRuns"/>.</summary>
    public async Task<IReadOnlyList<RecipientRun>> OfAsync(string subscriberId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var runs = new List<RecipientRun>();
        await foreach (var e in storage.RecipientTimeline.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}"),
            cancellationToken: ct))
        {
            var events = e.Where(p => p.Key.StartsWith("E_", StringComparison.Ordinal) && p.Value is DateTimeOffset)
                .OrderBy(p => (DateTimeOffset)p.Value).Select(p => p.Key[2..]).ToList();
            runs.Add(new RecipientRun(e.GetString("RunId") ?? e.RowKey, e.GetDateTimeOffset(FirstAt) ?? default, events));
        }
        return runs.OrderByDescending(r => r.At).Take(MaxRuns).ToList();
    }

    /// <summary>Moves a subscriber's rows to another id (an address change). Idempotent.</summary>
    public async Task MoveAsync(string fromId, string toId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await foreach (var e in storage.RecipientTimeline.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {fromId}"),
            cancellationToken: ct))
        {
            var copy = new TableEntity(toId, e.RowKey);
            foreach (var (key, value) in e)
                if (key is not ("odata.etag" or "PartitionKey" or "RowKey" or "Timestamp"))
                    copy[key] = value;
            await storage.RecipientTimeline.UpsertEntityAsync(copy, TableUpdateMode.Merge, ct);
            await storage.RecipientTimeline.DeleteEntityAsync(fromId, e.RowKey, ETag.All, ct);
        }
    }

    /// <summary>Erasure: the subscriber's rows go (they hold run ids and times only, but tie the person to their reading).</summary>
    public async Task<ErasureStep> ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var removed = 0;
        await foreach (var e in storage.RecipientTimeline.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {subscriber.Id}"),
            select: ["PartitionKey", "RowKey"], cancellationToken: ct))
        {
            await storage.RecipientTimeline.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, ct);
            removed++;
        }
        return new ErasureStep("recipient timeline", removed);
    }
}
