using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Delivery;

/// <summary>The first SendGrid event that named one batch: proof that SendGrid accepted its request.</summary>
/// <param name="PlanId">The plan the event named (the <c>plan_id</c> custom arg); null for mail sent before batches carried it.</param>
public sealed record RecordedEvidence(string RunId, string? PlanId, string BatchId, BatchEvidence Evidence);

/// <summary>
/// Per batch, the evidence that SendGrid accepted it: the first webhook event (any: processed, delivered, deferred, bounce, dropped,
/// open, click…) that carried its run, batch (and plan) ids, with the event's time. Nothing personal: run, plan and batch ids, an
/// event name and a time. Stored in the delivery counters table, in a partition of the run's own (<c>evidence~&lt;run id&gt;</c>),
/// row <c>&lt;plan id&gt;.&lt;batch id&gt;</c> (<c>.&lt;batch id&gt;</c> when the event named no plan); insert-only, so the
/// first evidence stays. At most one row per batch.
/// </summary>
public sealed partial class DeliveryEvidence(StorageResources storage)
{
    private const string PartitionPrefix = "evidence~";
    private const int MaxRunIdLength = 256;
    private const int RememberedLimit = 20_000;

    /// <summary>Batches this instance knows have evidence already: each later event of theirs costs no storage call.</summary>
    private readonly ConcurrentDictionary<string, bool> _recorded = new(StringComparer.Ordinal);

    /// <summary>A ledger batch id (b00000); events of other mail (confirmation notices…) name none.</summary>
    [GeneratedRegex("^b[0-9]{5,9}$", RegexOptions.CultureInvariant)]
    private static partial Regex BatchIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlanIdPattern();

    /// <summary>
    /// The evidence in these events, one per batch (its earliest event), of events that name a run and a ledger batch; values that are
    /// not ids (too long, other characters) are left out.
    /// </summary>
    public static IReadOnlyList<RecordedEvidence> Of(IEnumerable<DeliveryEvent> events)
        => events
            .Where(e => e.RunId is { Length: > 0 and <= MaxRunIdLength } && e.BatchId is { } b && BatchIdPattern().IsMatch(b))
            .Select(e => (Event: e, Plan: e.PlanId is { } p && PlanIdPattern().IsMatch(p) ? p : null))
            .GroupBy(x => (x.Event.RunId!, x.Plan, x.Event.BatchId!))
            .Select(g => g.OrderBy(x => x.Event.Timestamp).First())
            .Select(x => new RecordedEvidence(x.Event.RunId!, x.Plan, x.Event.BatchId!, new BatchEvidence(x.Event.Timestamp, x.Event.CounterName)))
            .ToList();

    /// <summary>Records the evidence unless the batch has some already; true when this is its first.</summary>
    public async Task<bool> TryRecordAsync(RecordedEvidence evidence, CancellationToken ct = default)
    {
        var (partition, row) = KeyOf(evidence.RunId, evidence.PlanId, evidence.BatchId);
        if (_recorded.ContainsKey(partition + "/" + row)) return false;
        await storage.EnsureCreatedAsync();
        bool added;
        try
        {
            await storage.DeliveryCounters.AddEntityAsync(new TableEntity(partition, row)
            {
                ["At"] = evidence.Evidence.At,
                ["Event"] = evidence.Evidence.Event,
            }, ct);
            added = true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            added = false;
        }
        if (_recorded.Count >= RememberedLimit) _recorded.Clear();
        _recorded[partition + "/" + row] = true;
        return added;
    }

    /// <summary>
    /// The evidence recorded for a batch of a plan: events that named the plan, else events of mail sent before batches carried
    /// their plan (they count for the batch of that id, whatever its plan). Null when there is none.
    /// </summary>
    public async Task<BatchEvidence?> GetAsync(string runId, string planId, string batchId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        foreach (var plan in new string?[] { planId, null })
        {
            var (partition, row) = KeyOf(runId, plan, batchId);
            var found = await storage.DeliveryCounters.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct);
            if (found.HasValue && found.Value is { } e && e.GetDateTimeOffset("At") is { } at)
                return new BatchEvidence(at, e.GetString("Event") ?? "");
        }
        return null;
    }

    /// <summary>Every batch of the run with evidence, by "&lt;plan id&gt;.&lt;batch id&gt;" (".&lt;batch id&gt;" without a plan).</summary>
    public async Task<IReadOnlyDictionary<string, BatchEvidence>> ListAsync(string runId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var found = new Dictionary<string, BatchEvidence>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionPrefix + TableKey.Encode(runId)}");
        await foreach (var e in storage.DeliveryCounters.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            if (e.GetDateTimeOffset("At") is { } at)
                found[e.RowKey] = new BatchEvidence(at, e.GetString("Event") ?? "");
        return found;
    }

    /// <summary>The evidence of one batch of a plan within <see cref="ListAsync"/>'s answer (see <see cref="GetAsync"/>).</summary>
    public static BatchEvidence? For(IReadOnlyDictionary<string, BatchEvidence> listed, string planId, string batchId)
        => listed.GetValueOrDefault(planId + "." + batchId) ?? listed.GetValueOrDefault("." + batchId);

    private static (string Partition, string Row) KeyOf(string runId, string? planId, string batchId)
        => (PartitionPrefix + TableKey.Encode(runId), (planId ?? "") + "." + batchId);
}
