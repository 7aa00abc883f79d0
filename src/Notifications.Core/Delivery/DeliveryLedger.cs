using Azure;
using Azure.Data.Tables;
using Notifications.Mail;
using Notifications.Storage;

namespace Notifications.Delivery;

public enum BatchStatus
{
    /// <summary>Written with its recipients before anything is sent.</summary>
    Planned,
    /// <summary>Claimed by one sender. If it stays here the request may or may not have left: never resent automatically.</summary>
    Sending,
    /// <summary>The provider accepted it. Never sent again.</summary>
    Sent,
    /// <summary>Provably not sent (the provider refused it, or was unreachable): a rerun tries again.</summary>
    Failed,
    /// <summary>
    /// The request may or may not have reached the provider (a timeout after sending, a crash left it in Sending past the lease).
    /// Never resent automatically; <c>notify digest resume &lt;run&gt; --resend-uncertain</c> lets an admin decide.
    /// </summary>
    Uncertain,
    /// <summary>
    /// Never sent, and never will be: its content carried an article withdrawn before it was claimed (<see cref="DeliveryBatch.Error"/>
    /// says which). Done, as far as completing its run goes; its addresses are dropped, as for Sent.
    /// </summary>
    Cancelled,
}

/// <summary>A recipient the provider refused (SendGrid's 400 named them): left out of the batch, which went to the others.</summary>
public sealed record RecipientRefusal(string SubscriberId, string Reason, DateTimeOffset At);

/// <summary>A batch the planner hands to the ledger: its variant and recipients (at most 1000).</summary>
public sealed record PlannedBatch(string Variant, IReadOnlyList<PlannedRecipient> Recipients);

/// <summary>
/// A planned send batch: up to 1000 subscriber ids (hashes). Until it is sent it also carries its recipients' addresses and names as
/// the planner read them (<see cref="Planned"/>; dropped when the batch is Sent), and when it was planned (<see cref="PlannedAt"/>),
/// so that the sender re-reads only the recipients who changed since. Its row key is <c>&lt;plan id&gt;.&lt;batch id&gt;</c>.
/// </summary>
public sealed record DeliveryBatch(
    string RunId,
    string PlanId,
    string BatchId,
    IReadOnlyList<string> RecipientIds,
    BatchStatus Status,
    string? MessageId,
    string? Error,
    int Attempts,
    ETag ETag,
    DateTimeOffset UpdatedAt = default,
    string Variant = DeliveryLedger.DefaultVariant,
    IReadOnlyList<PlannedRecipient>? Planned = null,
    DateTimeOffset? PlannedAt = null,
    int AddressChunks = 0,
    bool Listed = false,
    IReadOnlyList<RecipientRefusal>? Refusals = null,
    DateTimeOffset? GaveUpAt = null,
    DateTimeOffset? ClaimedAt = null,
    BatchEvidence? Evidence = null,
    BatchResend? Resent = null);

/// <summary>What proved that SendGrid accepted a batch: the first event that named it (or the Email Activity API), and when.</summary>
public sealed record BatchEvidence(DateTimeOffset At, string Event);

/// <summary>When and why an Uncertain batch was sent again (at most once automatically).</summary>
public sealed record BatchResend(DateTimeOffset At, string Reason);

/// <summary>
/// The delivery ledger: partition = run id, row = batch id. What guarantees nobody is mailed twice:
/// every move of a batch is guarded by the ETag read with it, so of two senders only one can claim a batch.
/// </summary>
public sealed class DeliveryLedger(StorageResources storage, TimeProvider time) : IPersonalDataStore
{
    /// <summary>
    /// The variant (rendering) of a batch that names none: batches written before runs had variants went out in the one rendering
    /// runs had then, the default (English, every topic: <c>DigestVariant.Default</c> is this).
    /// </summary>
    public const string DefaultVariant = "en";

    /// <summary>
    /// Writes batches of a plan as the planner fills them (insert only), numbered from <paramref name="firstIndex"/>; each carries its
    /// recipients' addresses until it is sent. <paramref name="plannedAt"/>: when the planner started reading the subscribers.
    /// </summary>
    public async Task WriteBatchesAsync(string runId, string planId, int firstIndex, IReadOnlyList<PlannedBatch> batches,
        DateTimeOffset plannedAt, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var entities = batches.Select((b, i) =>
        {
            var entity = new TableEntity(runId, RowKeyOf(planId, BatchIdOf(firstIndex + i)))
            {
                ["BatchId"] = BatchIdOf(firstIndex + i),
                ["Variant"] = b.Variant,
                ["Status"] = nameof(BatchStatus.Planned),
                ["Recipients"] = PackIds(b.Recipients.Select(r => r.SubscriberId).ToList()),
                ["RecipientCount"] = b.Recipients.Count,
                ["Attempts"] = 0,
                ["PlannedAt"] = plannedAt,
                ["UpdatedAt"] = time.GetUtcNow(),
            };
            TableBinary.Write(entity, "Addresses", PackAddresses(b.Recipients), AddressesFormat);
            return entity;
        });
        // A row with its addresses is up to a few hundred KiB: a few per transaction stay under its 4 MiB.
        foreach (var chunk in entities.Chunk(8))
            await storage.DeliveryLedger.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct);
    }

    /// <summary>
    /// The batches of one plan of a run, in batch order, without their addresses (<see cref="DeliveryBatch.Planned"/> is null:
    /// <see cref="GetAsync"/> reads one batch whole), so that listing a plan of 300,000 recipients holds no addresses.
    /// </summary>
    /// <param name="withRecipientIds">False: without the subscriber ids either (<see cref="DeliveryBatch.Listed"/>), for a sender that
    /// reads each batch whole when it sends it, so that going through a plan of 300,000 recipients holds none of them.</param>
    public async Task<IReadOnlyList<DeliveryBatch>> ListAsync(string runId, string planId, CancellationToken ct = default, bool withRecipientIds = true)
    {
        await storage.EnsureCreatedAsync();
        // Row keys of the plan are "<plan id>.<batch id>": everything from "<plan id>." up to "<plan id>/" ('/' follows '.').
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {runId} and RowKey gt {planId + "."} and RowKey lt {planId + "/"}");
        return await QueryAsync(filter, withRecipientIds, ct);
    }

    /// <summary>The batches of a plan not Sent yet (filtered by the table), without their recipients: what the hourly timer revisits.</summary>
    public async Task<IReadOnlyList<DeliveryBatch>> ListUnsentAsync(string runId, string planId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {runId} and RowKey gt {planId + "."} and RowKey lt {planId + "/"} and Status ne {nameof(BatchStatus.Sent)}");
        return await QueryAsync(filter, withRecipientIds: false, ct);
    }

    private async Task<IReadOnlyList<DeliveryBatch>> QueryAsync(string filter, bool withRecipientIds, CancellationToken ct)
    {
        var list = new List<DeliveryBatch>();
        string[] columns = ["PartitionKey", "RowKey", "BatchId", "Variant", "Status", "MessageId", "Error", "Attempts", "UpdatedAt", "PlannedAt",
            "AddressesChunks", "RefusedChunks", "ClaimedAt", "EvidenceAt", "EvidenceEvent", "ResentAt", "ResentReason", "GaveUpAt",
            .. Enumerable.Range(0, MaxRefusedChunks).Select(i => "Refused" + i)];
        await foreach (var e in storage.DeliveryLedger.QueryAsync<TableEntity>(
                           filter, select: withRecipientIds ? [.. columns, "Recipients"] : columns, cancellationToken: ct))
            list.Add(FromEntity(e) with { Listed = !withRecipientIds });
        return list.OrderBy(b => b.BatchId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Moves a batch to a new state if nobody moved it since it was read; null when someone did. A move to Sending records when it
    /// was claimed; <paramref name="evidence"/> (a move to Sent on SendGrid's word) and <paramref name="resent"/> (an Uncertain batch
    /// sent again) are recorded on the row.
    /// </summary>
    public async Task<DeliveryBatch?> TryMoveAsync(DeliveryBatch batch, BatchStatus to, string? messageId = null, string? error = null,
        CancellationToken ct = default, BatchEvidence? evidence = null, BatchResend? resent = null)
    {
        var attempts = batch.Attempts + (to == BatchStatus.Sending ? 1 : 0);
        var entity = new TableEntity(batch.RunId, RowKeyOf(batch.PlanId, batch.BatchId))
        {
            ["Status"] = to.ToString(),
            ["MessageId"] = messageId ?? batch.MessageId,
            ["Error"] = error ?? "",
            ["Attempts"] = attempts,
            ["UpdatedAt"] = time.GetUtcNow(),
        };
        if (to == BatchStatus.Sending) entity["ClaimedAt"] = entity["UpdatedAt"];
        if (evidence is not null) (entity["EvidenceAt"], entity["EvidenceEvent"]) = (evidence.At, evidence.Event);
        if (resent is not null) (entity["ResentAt"], entity["ResentReason"]) = (resent.At, resent.Reason);
        // Sent (or Cancelled): the addresses have done their job; only the subscriber ids stay, as the record of who was sent what.
        if (to is BatchStatus.Sent or BatchStatus.Cancelled && batch.AddressChunks > 0)
            TableBinary.Clear(entity, "Addresses", batch.AddressChunks);
        try
        {
            // Merge: the recipient list written by the plan stays as it is.
            var response = await storage.DeliveryLedger.UpdateEntityAsync(entity, batch.ETag, TableUpdateMode.Merge, ct);
            var moved = batch with
            {
                Status = to,
                MessageId = messageId ?? batch.MessageId,
                Error = error,
                Attempts = attempts,
                ETag = response.Headers.ETag ?? default,
                UpdatedAt = (DateTimeOffset)entity["UpdatedAt"],
                ClaimedAt = to == BatchStatus.Sending ? (DateTimeOffset)entity["UpdatedAt"] : batch.ClaimedAt,
                Evidence = evidence ?? batch.Evidence,
                Resent = resent ?? batch.Resent
            };
            return to is BatchStatus.Sent or BatchStatus.Cancelled ? moved with { Planned = null, AddressChunks = 0 } : moved;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    /// <summary>
    /// Records that the hourly timer gave up retrying a Failed batch (past its run's lateness limit), if nobody moved it since it was
    /// read; null when someone did. The batch stays Failed; only <c>notify digest resume</c> sends it after this.
    /// </summary>
    public async Task<DeliveryBatch?> TryGiveUpAsync(DeliveryBatch batch, DateTimeOffset at, CancellationToken ct = default)
    {
        var entity = new TableEntity(batch.RunId, RowKeyOf(batch.PlanId, batch.BatchId)) { ["GaveUpAt"] = at };
        try
        {
            var response = await storage.DeliveryLedger.UpdateEntityAsync(entity, batch.ETag, TableUpdateMode.Merge, ct);
            return batch with { GaveUpAt = at, ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    /// <summary>
    /// Records recipients the provider refused on a batch being sent (added to those recorded before), if nobody moved it since it was
    /// read; null when someone did. The batch stays in its state: its sender sends it to the others.
    /// </summary>
    public async Task<DeliveryBatch?> RecordRefusedAsync(DeliveryBatch batch, IReadOnlyList<RecipientRefusal> refused, CancellationToken ct = default)
    {
        var all = (batch.Refusals ?? []).Concat(refused).DistinctBy(r => r.SubscriberId).ToList();
        var entity = new TableEntity(batch.RunId, RowKeyOf(batch.PlanId, batch.BatchId)) { ["UpdatedAt"] = time.GetUtcNow() };
        TableBinary.Write(entity, "Refused", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(all), RefusedFormat);
        try
        {
            var response = await storage.DeliveryLedger.UpdateEntityAsync(entity, batch.ETag, TableUpdateMode.Merge, ct);
            return batch with { Refusals = all, ETag = response.Headers.ETag ?? default, UpdatedAt = (DateTimeOffset)entity["UpdatedAt"] };
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    /// <summary>Refusals are at most 1000 ids with a reason of at most ~300 characters: 5 chunks hold them even uncompressed.</summary>
    private const int MaxRefusedChunks = 5;

    /// <summary>The layout of the refusals (the row's format version byte, <see cref="TableBinary"/>). 1: JSON of the list.</summary>
    private const byte RefusedFormat = 1;

    private static List<RecipientRefusal>? RefusalsOf(TableEntity e)
        => e.GetInt32("RefusedChunks") is > 0 and <= MaxRefusedChunks && TableBinary.Read(e, "Refused", RefusedFormat)?.Data is { } bytes
            ? System.Text.Json.JsonSerializer.Deserialize<List<RecipientRefusal>>(bytes)
            : null;

    /// <summary>One batch of a plan, fresh from the table; null if there is no such batch.</summary>
    public async Task<DeliveryBatch?> GetAsync(string runId, string planId, string batchId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var row = await storage.DeliveryLedger.GetEntityIfExistsAsync<TableEntity>(runId, RowKeyOf(planId, batchId), cancellationToken: ct);
        return row.HasValue && row.Value is { } e ? FromEntity(e) : null;
    }

    /// <summary>
    /// The batches of a run with this batch id that may have left unrecorded (Uncertain, or Sending), whatever their plan: for a
    /// SendGrid event of mail sent before batches carried their plan id. Rows of plans nobody sends are Planned or Failed, never these.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryBatch>> ListOpenAsync(string runId, string batchId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {runId} and BatchId eq {batchId} and (Status eq {nameof(BatchStatus.Uncertain)} or Status eq {nameof(BatchStatus.Sending)})");
        return await QueryAsync(filter, withRecipientIds: true, ct);
    }

    /// <summary>
    /// Deletes the batches of a run written under any plan but <paramref name="planId"/> (a planner that stopped or lost its claim wrote
    /// them; nobody sends them), with the addresses they hold. Only batches that never left (Planned, Failed) go: a row that says a
    /// request was sent or may have been stays as that record. ETag-guarded; returns how many were deleted.
    /// </summary>
    public async Task<int> DeleteAbandonedPlansAsync(string runId, string planId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        // Everything of the run outside "<plan id>." … "<plan id>/" (see ListAsync), that never left.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {runId} and (RowKey lt {planId + "."} or RowKey gt {planId + "/"})")
            + " and " + NeverLeft;
        return await DeleteAsync(filter, ct);
    }

    /// <summary>The filter of batches that never left: Planned or Failed.</summary>
    private static readonly string NeverLeft =
        TableClient.CreateQueryFilter($"(Status eq {nameof(BatchStatus.Planned)} or Status eq {nameof(BatchStatus.Failed)})");

    /// <summary>
    /// The batches of one plan that never left (Planned, Failed), deleted with their addresses: what a planner that lost its claim on
    /// the run (another planner took it over past the lease) wrote. Returns how many rows were deleted.
    /// </summary>
    public async Task<int> DeletePlanAsync(string runId, string planId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {runId} and RowKey gt {planId + "."} and RowKey lt {planId + "/"}")
            + " and " + NeverLeft;
        return await DeleteAsync(filter, ct);
    }

    private async Task<int> DeleteAsync(string filter, CancellationToken ct)
    {
        var deleted = 0;
        await foreach (var e in storage.DeliveryLedger.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
        {
            try
            {
                await storage.DeliveryLedger.DeleteEntityAsync(e.PartitionKey, e.RowKey, e.ETag, ct);
                deleted++;
            }
            catch (RequestFailedException x) when (x.Status is 404 or 412)
            {
                // Gone already, or changed since it was read (read again by the next completion).
            }
        }
        return deleted;
    }

    Task<ErasureStep> IPersonalDataStore.ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct) => ForgetRecipientAsync(subscriber, ct);

    /// <summary>
    /// Erasure: every batch not yet Sent (Planned, Failed, Uncertain) that holds the subscriber is rewritten without them (their id,
    /// address and name) and with error texts no longer quoting their address or name, ETag-guarded (read again on a conflict). A
    /// sender that reads such a batch later simply does not see them. A batch being sent right now (Sending) is left alone, so as not to
    /// break its sender's claim: it is reported in <see cref="ErasureStep.Left"/> (erase again when the send is over; a Sent batch
    /// keeps no address). Sent batches hold ids only and are not read.
    /// </summary>
    public async Task<ErasureStep> ForgetRecipientAsync(ErasedSubscriber subscriber, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter($"Status ne {nameof(BatchStatus.Sent)}");
        int rewritten = 0, sending = 0;
        await foreach (var found in storage.DeliveryLedger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            var e = found;
            for (var attempt = 0; e is not null; attempt++)
            {
                if (!Holds(e, subscriber)) break;
                if (e.GetString("Status") == nameof(BatchStatus.Sending) || attempt == 10)
                {
                    sending++;
                    break;
                }
                try
                {
                    await storage.DeliveryLedger.UpdateEntityAsync(Without(e, subscriber), e.ETag, TableUpdateMode.Replace, ct);
                    rewritten++;
                    break;
                }
                catch (RequestFailedException x) when (x.Status is 412 or 404)
                {
                    var again = await storage.DeliveryLedger.GetEntityIfExistsAsync<TableEntity>(e.PartitionKey, e.RowKey, cancellationToken: ct);
                    e = again.HasValue ? again.Value : null;
                }
            }
        }
        return new ErasureStep("ledger", rewritten,
            sending == 0 ? null : $"{sending} batch(es) holding them are being sent right now: erase again when the run is over");
    }

    private static bool Holds(TableEntity e, ErasedSubscriber subscriber)
        => UnpackIds(e.GetBinary("Recipients") ?? []).Contains(subscriber.Id)
           || subscriber.HasAddressIn(e.GetString("Error"))
           || (PlannedOf(e) ?? []).Any(r => Is(r, subscriber));

    private static bool Is(PlannedRecipient r, ErasedSubscriber subscriber)
        => r.SubscriberId == subscriber.Id || string.Equals(r.Email, subscriber.Email, StringComparison.OrdinalIgnoreCase);

    private static List<PlannedRecipient>? PlannedOf(TableEntity e)
        => e.GetInt32("AddressesChunks") is > 0 ? UnpackAddresses(TableBinary.Read(e, "Addresses", AddressesFormat)?.Data) : null;

    /// <summary>The batch row without the subscriber: recipients, addresses and error text rewritten; everything else as it was.</summary>
    private static TableEntity Without(TableEntity e, ErasedSubscriber subscriber)
    {
        var row = new TableEntity(e.PartitionKey, e.RowKey);
        foreach (var (key, value) in e)
            if (!key.StartsWith("Addresses", StringComparison.Ordinal) && key is not ("odata.etag" or "PartitionKey" or "RowKey" or "Timestamp"))
                row[key] = value;
        var ids = UnpackIds(e.GetBinary("Recipients") ?? []).Where(id => id != subscriber.Id).ToList();
        row["Recipients"] = PackIds(ids);
        row["RecipientCount"] = ids.Count;
        if (e.GetString("Error") is { Length: > 0 } error)
            row["Error"] = subscriber.Scrub(error);
        if (PlannedOf(e) is { } planned)
            TableBinary.Write(row, "Addresses", PackAddresses(planned.Where(r => !Is(r, subscriber)).ToList()), AddressesFormat);
        return row;
    }

    private static string BatchIdOf(int index) => $"b{index:D5}";

    private static string RowKeyOf(string planId, string batchId) => planId + "." + batchId;

    private static byte[] PackIds(IReadOnlyList<string> ids)
    {
        var bytes = new byte[ids.Count * 16];
        for (var i = 0; i < ids.Count; i++)
            Convert.FromHexString(ids[i]).CopyTo(bytes, i * 16);
        return bytes;
    }

    /// <summary>
    /// The layout of a batch's addresses (the row's format version byte, <see cref="TableBinary"/>). 1: per recipient, the id (16
    /// bytes), email and name (<see cref="BinaryWriter"/> strings: length-prefixed UTF-8), Version (UTC ticks, 8 bytes).
    /// </summary>
    private const byte AddressesFormat = 1;

    private static byte[] PackAddresses(IReadOnlyList<PlannedRecipient> recipients)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            foreach (var r in recipients)
            {
                writer.Write(Convert.FromHexString(r.SubscriberId));
                writer.Write(r.Email);
                writer.Write(r.Name);
                writer.Write(r.Version.UtcTicks);
            }
        return buffer.ToArray();
    }

    private static List<PlannedRecipient>? UnpackAddresses(byte[]? bytes)
    {
        if (bytes is null) return null;
        var list = new List<PlannedRecipient>();
        using var reader = new BinaryReader(new MemoryStream(bytes), System.Text.Encoding.UTF8);
        while (reader.BaseStream.Position < reader.BaseStream.Length)
            list.Add(new PlannedRecipient(Convert.ToHexStringLower(reader.ReadBytes(16)), reader.ReadString(), reader.ReadString(),
                new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero)));
        return list;
    }

    private static string[] UnpackIds(byte[] bytes)
        => Enumerable.Range(0, bytes.Length / 16).Select(i => Convert.ToHexStringLower(bytes, i * 16, 16)).ToArray();

    private static DeliveryBatch FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.RowKey[..e.RowKey.IndexOf('.')],
        e.GetString("BatchId"),
        UnpackIds(e.GetBinary("Recipients") ?? []),
        Enum.Parse<BatchStatus>(e.GetString("Status")),
        e.GetString("MessageId"),
        e.GetString("Error") is { Length: > 0 } error ? error : null,
        e.GetInt32("Attempts") ?? 0,
        e.ETag,
        e.GetDateTimeOffset("UpdatedAt") ?? default,
        e.GetString("Variant") ?? DefaultVariant,
        e.GetInt32("AddressesChunks") is > 0 && e.ContainsKey("Addresses0") ? UnpackAddresses(TableBinary.Read(e, "Addresses", AddressesFormat)?.Data) : null,
        e.GetDateTimeOffset("PlannedAt"),
        e.GetInt32("AddressesChunks") ?? 0,
        Refusals: RefusalsOf(e),
        GaveUpAt: e.GetDateTimeOffset("GaveUpAt"),
        ClaimedAt: e.GetDateTimeOffset("ClaimedAt"),
        Evidence: e.GetDateTimeOffset("EvidenceAt") is { } evidenceAt ? new BatchEvidence(evidenceAt, e.GetString("EvidenceEvent") ?? "") : null,
        Resent: e.GetDateTimeOffset("ResentAt") is { } resentAt ? new BatchResend(resentAt, e.GetString("ResentReason") ?? "") : null);
}
