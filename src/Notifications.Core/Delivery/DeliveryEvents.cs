using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Notifications.Storage;

namespace Notifications.Delivery;

/// <summary>
/// One event from SendGrid's Event Webhook, as this pipeline reads it. <see cref="RunId"/>, <see cref="BatchId"/> and
/// <see cref="SubscriberId"/> are the custom_args every digest carries (SendGrid puts them at the top level of the event).
/// It lives in memory while the request is processed: only what <see cref="StoredDeliveryEvent"/> holds is stored.
/// </summary>
/// <param name="EventId">SendGrid's sg_event_id; for an event without one, a hash of its JSON.</param>
/// <param name="Event">The event name, lower case: delivered, open, click, deferred, bounce, dropped, spamreport, unsubscribe…</param>
/// <param name="Type">For a bounce: "bounce" (hard) or "blocked".</param>
public sealed record DeliveryEvent(
    string EventId,
    string Event,
    string? Type,
    string? Reason,
    string? Email,
    DateTimeOffset Timestamp,
    string? RunId,
    string? BatchId,
    string? SubscriberId,
    string? PlanId = null,
    string? Url = null)
{
    /// <summary>The counter the event adds to: its name, except that a bounce of type "blocked" counts as "blocked".</summary>
    public string CounterName
    {
        get
        {
            if (Event == "bounce" && string.Equals(Type, "blocked", StringComparison.OrdinalIgnoreCase)) return "blocked";
            return Event.Length is > 0 and <= 40 && Event.All(c => c is >= 'a' and <= 'z' or '_') ? Event : "other";
        }
    }
}

/// <summary>An event this delivery claimed for processing; the ETag is the claim row's.</summary>
public sealed record EventClaim(DeliveryEvent Event, ETag ETag);

/// <summary>
/// What is stored of a webhook event: what de-duplication and counting need, and nothing of the person it is about (no address,
/// no subscriber id, no JSON).
/// </summary>
/// <param name="State"><c>Claimed</c> while a delivery processes it, <c>Processed</c> after.</param>
/// <param name="Erased">The row was written before events stopped being stored raw, and an erasure removed its JSON.</param>
public sealed record StoredDeliveryEvent(string EventId, string? Event, string? State, string? RunId, string? BatchId, DateTimeOffset? ReceivedAt, bool Erased);

/// <summary>
/// Storage of SendGrid's webhook events.
/// <para>
/// Events (deduplication by sg_event_id alone): partition = <c>id-</c> and the first two hex digits of the SHA-256 of the
/// sg_event_id (<see cref="PartitionOf"/>; 256 partitions), row = sg_event_id (table-key encoded), with only the event name, run and
/// batch ids, state and times (<see cref="StoredDeliveryEvent"/>). So one sg_event_id is always one row, whatever timestamp a
/// redelivery carries. Adding the row claims the event; 409 means another delivery of it has been, or is being, processed. A claim
/// left unfinished for <see cref="ClaimTimeout"/> (a delivery that died half-way) may be taken over. Rows are kept
/// <see cref="Retention"/> from the day they were received (not the event's own timestamp): older ones are deleted, at most once a
/// day per instance, and so are rows of the earlier key scheme (partition = the event's UTC day) once that day is as old.
/// </para>
/// <para>
/// Data minimisation: the JSON as received, the address, the reason text and the subscriber id are read while the request is
/// processed and never stored (nothing reads them later), so no event outlives processing with personal data, whoever it is
/// about, even one arriving after its subscriber was erased. Rows written raw by earlier versions (<c>Raw</c>, <c>SubscriberId</c>)
/// are cut down to the same fields by <see cref="PruneAsync"/>, and by an erasure (<see cref="ForgetSubscriberAsync"/>).
/// </para>
/// <para>
/// Counters: partition = run id (table-key encoded), one row per counter (event name), property <c>Count</c>, incremented with
/// ETag-guarded read-modify-writes retried on conflict, so concurrent deliveries never lose an increment.
/// </para>
/// </summary>
public sealed class DeliveryEvents(StorageResources storage, TimeProvider time, ILogger<DeliveryEvents> logger) : IPersonalDataStore
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Counters every run reports, zero when no such event arrived; others appear when they did.</summary>
    public static readonly IReadOnlyList<string> StandardCounters =
        ["delivered", "open", "click", "deferred", "bounce", "blocked", "dropped", "spamreport", "unsubscribe", "group_unsubscribe"];

    private const string Claimed = "Claimed";
    private const string Processed = "Processed";
    /// <summary>The properties a row keeps (besides its keys): nothing personal. Any other (Raw, SubscriberId, RawTruncated of older rows) goes.</summary>
    private static readonly HashSet<string> KeptProperties = ["Event", "RunId", "BatchId", "State", "ClaimedAt", "ReceivedAt", "ProcessedAt", "Erased"];

    private readonly Lock _pruneGate = new();
    private DateOnly? _prunedOn;

    /// <summary>A UTC day as yyyy-MM-dd (the partition of the earlier key scheme).</summary>
    public static string DayOf(DateTimeOffset timestamp) => timestamp.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The raw-events partition of an event id: <c>id-</c> and the first two hex digits of its SHA-256. It depends on the id alone,
    /// so every delivery of an event meets the same row. ("id-…" sorts after every "yyyy-MM-dd" partition of the earlier scheme.)
    /// </summary>
    public static string PartitionOf(string eventId)
        => "id-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)).AsSpan(0, 1));

    /// <summary>
    /// Claims an event for processing: the claim, or null when the event was processed already or another delivery of it is
    /// being processed now (a duplicate: skip it).
    /// </summary>
    public async Task<EventClaim?> TryClaimAsync(DeliveryEvent e, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var partition = PartitionOf(e.EventId);
        var row = TableKey.Encode(e.EventId);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var entity = ClaimEntity(e, partition, row);
            try
            {
                var added = await storage.DeliveryEvents.AddEntityAsync(entity, ct);
                return new EventClaim(e, added.Headers.ETag ?? default);
            }
            catch (RequestFailedException x) when (x.Status == 409)
            {
                // Seen before: below.
            }
            var existing = await storage.DeliveryEvents.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct);
            if (!existing.HasValue || existing.Value is not { } current)
                continue; // Released by a delivery that failed, just now: claim it again.
            if (current.GetString("State") == Processed)
                return null;
            var claimedAt = current.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.MinValue;
            if (time.GetUtcNow() - claimedAt < ClaimTimeout)
                return null; // Another delivery of this event is under way.
            try
            {
                var taken = await storage.DeliveryEvents.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, ct);
                logger.LogWarning("Took over SendGrid event {EventId}, left unfinished since {ClaimedAt:u}", e.EventId, claimedAt);
                return new EventClaim(e, taken.Headers.ETag ?? default);
            }
            catch (RequestFailedException x) when (x.Status is 412 or 404)
            {
                // Someone else moved it meanwhile: look again.
            }
        }
        return null;
    }

    /// <summary>Marks claimed events done, 100 per table transaction.</summary>
    public async Task MarkProcessedAsync(IReadOnlyCollection<EventClaim> claims, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        foreach (var partition in claims.GroupBy(c => PartitionOf(c.Event.EventId)))
            foreach (var chunk in partition.Chunk(100))
                await storage.DeliveryEvents.SubmitTransactionAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertMerge,
                    new TableEntity(partition.Key, TableKey.Encode(c.Event.EventId)) { ["State"] = Processed, ["ProcessedAt"] = now })), ct);
    }

    /// <summary>Gives up claims (their processing failed) so that SendGrid's retry processes the events again. Best effort.</summary>
    public async Task ReleaseAsync(IEnumerable<EventClaim> claims)
    {
        foreach (var c in claims)
        {
            try
            {
                await storage.DeliveryEvents.DeleteEntityAsync(PartitionOf(c.Event.EventId), TableKey.Encode(c.Event.EventId), c.ETag);
            }
            catch (RequestFailedException x)
            {
                // The claim times out instead.
                logger.LogWarning("Could not release SendGrid event {EventId} ({Status})", c.Event.EventId, x.Status);
            }
        }
    }

    /// <summary>What is stored of the event, while it is kept; null when nothing is (never received, or pruned).</summary>
    public async Task<StoredDeliveryEvent?> GetAsync(string eventId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var row = await storage.DeliveryEvents.GetEntityIfExistsAsync<TableEntity>(PartitionOf(eventId), TableKey.Encode(eventId), cancellationToken: ct);
        return row.HasValue && row.Value is { } e
            ? new StoredDeliveryEvent(eventId, e.GetString("Event"), e.GetString("State"), e.GetString("RunId"), e.GetString("BatchId"),
                e.GetDateTimeOffset("ReceivedAt"), e.GetBoolean("Erased") ?? false)
            : null;
    }

    /// <summary>Adds to a run's counter, safe against concurrent increments (ETag retries).</summary>
    public Task IncrementAsync(string runId, string counter, long by, CancellationToken ct = default)
        => IncrementRowAsync(TableKey.Encode(runId), counter, by, null, ct);

    /// <summary>
    /// Adds to a batch's counter of one event (partition <c>&lt;run&gt;|batches</c>, row <c>&lt;batch&gt;.&lt;event&gt;</c>): the runs archive's
    /// per-variant figures (a batch is of one variant).
    /// </summary>
    public Task IncrementBatchAsync(string runId, string batchId, string counter, long by, CancellationToken ct = default)
        => IncrementRowAsync(TableKey.Encode(runId) + BatchesSuffix, TableKey.Encode(batchId) + "." + counter, by, null, ct);

    /// <summary>
    /// Adds clicks on a link of a run (partition <c>&lt;run&gt;|links</c>, row: a hash of the link). The link is kept without its query and
    /// fragment (<see cref="LinkOf"/>), which may carry a subscriber's token: what is stored says which page, not who.
    /// </summary>
    public Task IncrementLinkAsync(string runId, string link, long by, CancellationToken ct = default)
        => IncrementRowAsync(TableKey.Encode(runId) + LinksSuffix,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(link)))[..32], by, link, ct);

    /// <summary>The clicked link as stored: scheme, host and path only; null when it is not an absolute http(s) address.</summary>
    public static string? LinkOf(string? url)
        => url is { Length: > 0 } && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? u.GetLeftPart(UriPartial.Path)[..Math.Min(u.GetLeftPart(UriPartial.Path).Length, 2000)]
            : null;

    /// <summary>A run's clicks per link, most clicked first.</summary>
    public async Task<IReadOnlyList<(string Link, long Clicks)>> LinkClicksAsync(string runId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var list = new List<(string, long)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(runId) + LinksSuffix}");
        await foreach (var e in storage.DeliveryCounters.QueryAsync<TableEntity>(filter, select: ["Url", "Count"], cancellationToken: ct))
            list.Add((e.GetString("Url") ?? "", e.GetInt64("Count") ?? 0));
        return list.OrderByDescending(l => l.Item2).ThenBy(l => l.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>A run's event counts per batch (batch id → event name → count).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>> BatchCountersAsync(string runId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var counts = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(runId) + BatchesSuffix}");
        await foreach (var e in storage.DeliveryCounters.QueryAsync<TableEntity>(filter, select: ["RowKey", "Count"], cancellationToken: ct))
        {
            var dot = e.RowKey.LastIndexOf('.');
            if (dot <= 0) continue;
            var batch = counts.TryGetValue(e.RowKey[..dot], out var b) ? b : counts[e.RowKey[..dot]] = new Dictionary<string, long>(StringComparer.Ordinal);
            batch[e.RowKey[(dot + 1)..]] = e.GetInt64("Count") ?? 0;
        }
        return counts.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, long>)c.Value, StringComparer.Ordinal);
    }

    private const string BatchesSuffix = "|batches";
    private const string LinksSuffix = "|links";

    private async Task IncrementRowAsync(string partition, string row, long by, string? url, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        for (var attempt = 1; ; attempt++)
        {
            var existing = await storage.DeliveryCounters.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct);
            try
            {
                var entity = new TableEntity(partition, row)
                {
                    ["Count"] = (existing.HasValue && existing.Value is { } current ? current.GetInt64("Count") ?? 0 : 0) + by,
                    ["UpdatedAt"] = time.GetUtcNow(),
                };
                if (url is not null) entity["Url"] = url;
                if (existing.HasValue && existing.Value is { } before)
                    await storage.DeliveryCounters.UpdateEntityAsync(entity, before.ETag, TableUpdateMode.Replace, ct);
                else
                    await storage.DeliveryCounters.AddEntityAsync(entity, ct);
                return;
            }
            catch (RequestFailedException x) when (x.Status is 409 or 412 or 404)
            {
                // Another delivery wrote it first: read again, after a short random pause so that contenders spread out.
                await Task.Delay(Random.Shared.Next(1, Math.Min(10 * attempt, 200)), ct);
            }
        }
    }

    /// <summary>A run's event counts by event name (the standard ones always present, zero when none arrived).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountersAsync(string runId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var counts = StandardCounters.ToDictionary(c => c, _ => 0L);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(runId)}");
        await foreach (var e in storage.DeliveryCounters.QueryAsync<TableEntity>(filter, select: ["RowKey", "Count"], cancellationToken: ct))
            counts[e.RowKey] = e.GetInt64("Count") ?? 0;
        return counts;
    }

    /// <summary>
    /// Deletes the events received on every day before the retention window (whole days: a day is kept until it is entirely
    /// older than 30 days), and rows of the earlier day-partitioned scheme as old. Returns how many rows. Also cuts rows written
    /// before events stopped being stored raw down to <see cref="KeptProperties"/> (their JSON and subscriber id go).
    /// </summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var cutoffStart = new DateTimeOffset((time.GetUtcNow() - Retention).UtcDateTime.Date, TimeSpan.Zero);
        var cutoff = DayOf(cutoffStart);
        var filter = TableClient.CreateQueryFilter($"ReceivedAt lt {cutoffStart} or PartitionKey lt {cutoff}");
        var old = new List<(string Partition, string Row)>();
        await foreach (var e in storage.DeliveryEvents.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            old.Add((e.PartitionKey, e.RowKey));
        foreach (var partition in old.GroupBy(k => k.Partition))
            foreach (var chunk in partition.Chunk(100))
                await storage.DeliveryEvents.SubmitTransactionAsync(
                    chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.Partition, k.Row), ETag.All)), ct);
        if (old.Count > 0)
            logger.LogInformation("Pruned {Count} SendGrid events received before {Cutoff}", old.Count, cutoff);

        var minimised = 0;
        var withPersonalData = TableClient.CreateQueryFilter($"Raw ge {""} or SubscriberId ge {""}");
        await foreach (var e in storage.DeliveryEvents.QueryAsync<TableEntity>(withPersonalData, cancellationToken: ct))
        {
            try
            {
                await storage.DeliveryEvents.UpdateEntityAsync(Minimal(e), e.ETag, TableUpdateMode.Replace, ct);
                minimised++;
            }
            catch (RequestFailedException x) when (x.Status is 412 or 404)
            {
                // Taken over (a fresh claim holds nothing personal) or pruned meanwhile.
            }
        }
        if (minimised > 0)
            logger.LogInformation("Removed the raw JSON and subscriber id from {Count} SendGrid events stored before events stopped being kept raw", minimised);
        return old.Count;
    }

    /// <summary>Runs <see cref="PruneAsync"/> if this instance has not yet today (UTC). A failure is logged and tried again on a later call.</summary>
    public async Task PruneIfDueAsync(CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        lock (_pruneGate)
        {
            if (_prunedOn == today) return;
            _prunedOn = today;
        }
        try
        {
            await PruneAsync(ct);
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
        {
            logger.LogWarning(e, "Pruning old SendGrid events failed; trying again later");
            lock (_pruneGate) _prunedOn = null;
        }
    }

    Task<ErasureStep> IPersonalDataStore.ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct) => ForgetSubscriberAsync(subscriber, ct);

    /// <summary>
    /// Erasure. Events are stored without personal data (see the class summary), so this only concerns rows written before that and
    /// not yet cut down by <see cref="PruneAsync"/>: every one of the subscriber's (their id in <c>SubscriberId</c>, or their address
    /// anywhere in the JSON as received, <c>Raw</c>) keeps only a tombstone (its key, the sg_event_id, with state, run, batch and event
    /// name: what de-duplication needs), whether processed or still claimed. Found by content, whatever the partitioning: the whole
    /// table is read (at most <see cref="Retention"/> of events).
    /// </summary>
    public async Task<ErasureStep> ForgetSubscriberAsync(ErasedSubscriber subscriber, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var forgotten = 0;
        await foreach (var found in storage.DeliveryEvents.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            var e = found;
            for (var attempt = 0; e is not null && attempt < 5 && IsOf(e, subscriber); attempt++)
            {
                var tombstone = Minimal(e);
                tombstone["Erased"] = true;
                try
                {
                    await storage.DeliveryEvents.UpdateEntityAsync(tombstone, e.ETag, TableUpdateMode.Replace, ct);
                    forgotten++;
                    break;
                }
                catch (RequestFailedException x) when (x.Status is 412 or 404)
                {
                    var again = await storage.DeliveryEvents.GetEntityIfExistsAsync<TableEntity>(e.PartitionKey, e.RowKey, cancellationToken: ct);
                    e = again.HasValue ? again.Value : null;
                }
            }
        }
        return new ErasureStep("webhook events", forgotten);
    }

    private static bool IsOf(TableEntity e, ErasedSubscriber subscriber)
    {
        if (e.GetString("SubscriberId") == subscriber.Id) return true;
        if (e.GetString("Raw") is not { Length: > 0 } raw || subscriber.Email is not { } email) return false;
        if (raw.Contains(email, StringComparison.OrdinalIgnoreCase)) return true;
        if (!raw.Contains("\\u", StringComparison.Ordinal)) return false;
        // An address with escaped characters (\u0040...): compare the text the JSON holds.
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(raw);
            return Strings(json.RootElement).Any(v => v.Contains(email, StringComparison.OrdinalIgnoreCase));
        }
        catch (System.Text.Json.JsonException)
        {
            return false; // cut (RawTruncated): the escaped form cannot be read; the id check above still applies
        }
    }

    private static IEnumerable<string> Strings(System.Text.Json.JsonElement element) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => [element.GetString() ?? ""],
        System.Text.Json.JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        System.Text.Json.JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    /// <summary>The row with only <see cref="KeptProperties"/>.</summary>
    private static TableEntity Minimal(TableEntity e)
    {
        var kept = new TableEntity(e.PartitionKey, e.RowKey);
        foreach (var (key, value) in e)
            if (KeptProperties.Contains(key))
                kept[key] = value;
        return kept;
    }

    /// <summary>The claim row: what de-duplication and counting need, nothing personal (no JSON, no address, no subscriber id).</summary>
    private TableEntity ClaimEntity(DeliveryEvent e, string partition, string row)
    {
        var now = time.GetUtcNow();
        return new TableEntity(partition, row)
        {
            ["Event"] = e.Event,
            ["RunId"] = e.RunId,
            ["BatchId"] = e.BatchId,
            ["State"] = Claimed,
            ["ClaimedAt"] = now,
            ["ReceivedAt"] = now,
        };
    }
}
