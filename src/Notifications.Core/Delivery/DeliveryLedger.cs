using Azure;
using Azure.Data.Tables;
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
}

/// <summary>A planned send batch: up to 1000 subscriber ids (hashes, never addresses). Its row key is <c>&lt;plan id&gt;.&lt;batch id&gt;</c>.</summary>
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
    string Variant = Notifications.Digests.DigestVariant.Default);

/// <summary>
/// The delivery ledger: partition = run id, row = batch id. What guarantees nobody is mailed twice:
/// every move of a batch is guarded by the ETag read with it, so of two senders only one can claim a batch.
/// </summary>
public sealed class DeliveryLedger(StorageResources storage, TimeProvider time)
{
    /// <summary>Writes a run's plan with one variant for every batch.</summary>
    public Task WritePlanAsync(string runId, string planId, IReadOnlyList<IReadOnlyList<string>> batches, CancellationToken ct = default)
        => WritePlanAsync(runId, planId, batches.Select(ids => (Notifications.Digests.DigestVariant.Default, ids)).ToList(), ct);

    /// <summary>Writes a run's plan under a fresh plan id (insert only: no existing row is ever replaced), 100 batches per table transaction.</summary>
    public async Task WritePlanAsync(string runId, string planId, IReadOnlyList<(string Variant, IReadOnlyList<string> Ids)> batches, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var entities = batches.Select((b, i) => (Variant: b.Variant, ids: b.Ids, i)).Select(b => new TableEntity(runId, RowKeyOf(planId, BatchIdOf(b.i)))
        {
            ["BatchId"] = BatchIdOf(b.i),
            ["Variant"] = b.Variant,
            ["Status"] = nameof(BatchStatus.Planned),
            ["Recipients"] = PackIds(b.ids),
            ["RecipientCount"] = b.ids.Count,
            ["Attempts"] = 0,
            ["UpdatedAt"] = time.GetUtcNow(),
        });
        foreach (var chunk in entities.Chunk(100))
            await storage.DeliveryLedger.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct);
    }

    /// <summary>The batches of one plan of a run, in batch order.</summary>
    public async Task<IReadOnlyList<DeliveryBatch>> ListAsync(string runId, string planId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        // Row keys of the plan are "<plan id>.<batch id>": everything from "<plan id>." up to "<plan id>/" ('/' follows '.').
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {runId} and RowKey gt {planId + "."} and RowKey lt {planId + "/"}");
        var list = new List<DeliveryBatch>();
        await foreach (var e in storage.DeliveryLedger.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(FromEntity(e));
        return list.OrderBy(b => b.BatchId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Moves a batch to a new state if nobody moved it since it was read; null when someone did.</summary>
    public async Task<DeliveryBatch?> TryMoveAsync(DeliveryBatch batch, BatchStatus to, string? messageId = null, string? error = null, CancellationToken ct = default)
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
        try
        {
            // Merge: the recipient list written by the plan stays as it is.
            var response = await storage.DeliveryLedger.UpdateEntityAsync(entity, batch.ETag, TableUpdateMode.Merge, ct);
            return batch with { Status = to, MessageId = messageId ?? batch.MessageId, Error = error, Attempts = attempts, ETag = response.Headers.ETag ?? default, UpdatedAt = (DateTimeOffset)entity["UpdatedAt"] };
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    /// <summary>One batch of a plan, fresh from the table; null if there is no such batch.</summary>
    public async Task<DeliveryBatch?> GetAsync(string runId, string planId, string batchId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var row = await storage.DeliveryLedger.GetEntityIfExistsAsync<TableEntity>(runId, RowKeyOf(planId, batchId), cancellationToken: ct);
        return row.HasValue && row.Value is { } e ? FromEntity(e) : null;
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
        e.GetString("Variant") ?? Notifications.Digests.DigestVariant.Default);
}
