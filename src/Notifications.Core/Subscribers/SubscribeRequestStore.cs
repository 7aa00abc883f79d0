using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>
/// What someone asked for on the public subscribe form, validated, held apart from the subscriber record until the confirmation
/// link sent for it is used. <paramref name="Candidate"/> is the record the request would make (status Pending, consent
/// self-service at <see cref="CreatedAt"/>); nothing of it reaches the subscribers table before the address confirms.
/// </summary>
/// <param name="ExpiresAt">When the request (and the link sent for it) stops working; purged after that.</param>
/// <param name="ConfirmationSentAt">When its confirmation email went out; null before, or when none will.</param>
/// <param name="Handled">The confirmation sender has dealt with it (sent, or decided to send nothing).</param>
public sealed record SubscribeRequest(
    string SubscriberId,
    string RequestId,
    Subscriber Candidate,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ConfirmationSentAt = null,
    bool Handled = false);

/// <summary>
/// The subscribe requests table: partition = subscriber id (the hash of the address), row = a random request id, so one address
/// may have several requests and each confirmation link applies its own. One more row per address, <c>~sent</c>, remembers when
/// that address was last sent a confirmation (the resend limit, ETag-guarded so it holds across instances).
/// Requests live until confirmed or until <see cref="TokenOptions.ConfirmationLifetime"/> after their link went out.
/// </summary>
public sealed class SubscribeRequestStore(StorageResources storage, TimeProvider time) : IPersonalDataStore
{
    private const string SentRow = "~sent";

    /// <summary>A fresh request id: 32 lowercase hex characters, unguessable.</summary>
    public static string NewRequestId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Writes a new request (one insert, whatever the address's state).</summary>
    public async Task AddAsync(SubscribeRequest request, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await storage.SubscribeRequests.AddEntityAsync(ToEntity(request), ct);
    }

    /// <summary>The request, or null when it is gone (confirmed, superseded, purged) or the ids are not ids.</summary>
    public async Task<SubscribeRequest?> GetAsync(string subscriberId, string requestId, CancellationToken ct = default)
        => await GetWithETagAsync(subscriberId, requestId, ct) is { } found ? found.Request : null;

    /// <summary>
    /// Claims the sending of <paramref name="request"/>'s confirmation: false when it was handled already (a repeated queue message).
    /// The claim moves the request's expiry to <paramref name="expiresAt"/>, that of the link about to be sent.
    /// </summary>
    public async Task<SubscribeRequest?> TryClaimSendAsync(SubscribeRequest request, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        if (await GetWithETagAsync(request.SubscriberId, request.RequestId, ct) is not { } current || current.Request.Handled)
            return null;
        var claimed = current.Request with { Handled = true, ConfirmationSentAt = time.GetUtcNow(), ExpiresAt = expiresAt };
        try
        {
            await storage.SubscribeRequests.UpdateEntityAsync(ToEntity(claimed), current.ETag, TableUpdateMode.Replace, ct);
            return claimed;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>Marks a request handled with no email (the address needs none, or had one recently). Idempotent.</summary>
    public async Task MarkHandledAsync(SubscribeRequest request, CancellationToken ct = default)
    {
        if (await GetWithETagAsync(request.SubscriberId, request.RequestId, ct) is not { } current || current.Request.Handled)
            return;
        try
        {
            await storage.SubscribeRequests.UpdateEntityAsync(ToEntity(current.Request with { Handled = true }), current.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Handled or removed meanwhile.
        }
    }

    /// <summary>Gives a claim back after a failed send, so that the next try of the queue message sends again.</summary>
    public async Task ReleaseSendAsync(SubscribeRequest claimed, SubscribeRequest before, CancellationToken ct = default)
    {
        if (await GetWithETagAsync(claimed.SubscriberId, claimed.RequestId, ct) is not { } current || current.Request != claimed)
            return;
        try
        {
            await storage.SubscribeRequests.UpdateEntityAsync(ToEntity(before), current.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    /// <summary>
    /// Claims the address's resend slot: true (and the slot is taken until <paramref name="interval"/> has passed) when no confirmation
    /// went to this address within <paramref name="interval"/>. <paramref name="previous"/> is what to give back on a failed send.
    /// </summary>
    public async Task<(bool Claimed, DateTimeOffset? Previous)> TryClaimResendSlotAsync(string subscriberId, TimeSpan interval, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var now = time.GetUtcNow();
        var row = await storage.SubscribeRequests.GetEntityIfExistsAsync<TableEntity>(subscriberId, SentRow, cancellationToken: ct);
        var entity = new TableEntity(subscriberId, SentRow) { ["SentAt"] = now };
        try
        {
            if (row.HasValue && row.Value is { } existing)
            {
                var previous = existing.GetDateTimeOffset("SentAt");
                if (previous is { } sent && now - sent < interval) return (false, previous);
                await storage.SubscribeRequests.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, ct);
                return (true, previous);
            }
            await storage.SubscribeRequests.AddEntityAsync(entity, ct);
            return (true, null);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            // Another instance claimed it at the same moment.
            return (false, null);
        }
    }

    /// <summary>Gives the resend slot back after a failed send (only if nobody took it since).</summary>
    public async Task ReleaseResendSlotAsync(string subscriberId, DateTimeOffset claimedAt, DateTimeOffset? previous, CancellationToken ct = default)
    {
        var row = await storage.SubscribeRequests.GetEntityIfExistsAsync<TableEntity>(subscriberId, SentRow, cancellationToken: ct);
        if (!row.HasValue || row.Value is not { } existing || existing.GetDateTimeOffset("SentAt") != claimedAt) return;
        try
        {
            if (previous is { } p)
                await storage.SubscribeRequests.UpdateEntityAsync(
                    new TableEntity(subscriberId, SentRow) { ["SentAt"] = p }, existing.ETag, TableUpdateMode.Replace, ct);
            else
                await storage.SubscribeRequests.DeleteEntityAsync(subscriberId, SentRow, existing.ETag, ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    /// <summary>
    /// Deletes every pending request of an address, and its resend record: after a confirmation (the other requests are
    /// superseded), and for erasure. Returns how many requests there were.
    /// </summary>
    public async Task<int> DeleteForAsync(string subscriberId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var keys = new List<string>();
        await foreach (var e in storage.SubscribeRequests.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}"), select: ["RowKey"], cancellationToken: ct))
            keys.Add(e.RowKey);
        foreach (var chunk in keys.Chunk(100))
        {
            try
            {
                await storage.SubscribeRequests.SubmitTransactionAsync(
                    chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(subscriberId, k), ETag.All)), ct);
            }
            catch (TableTransactionFailedException)
            {
                // One was deleted meanwhile (a concurrent confirmation or purge): delete the rest one by one.
                foreach (var k in chunk)
                    await storage.SubscribeRequests.DeleteEntityAsync(subscriberId, k, ETag.All, ct);
            }
        }
        return keys.Count(k => k != SentRow);
    }

    /// <summary>Erasure: the address's pending requests (they hold the address and what was typed with it) go.</summary>
    async Task<ErasureStep> IPersonalDataStore.ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct)
        => new("subscribe requests", await DeleteForAsync(subscriber.Id, ct));

    /// <summary>
    /// Deletes every request whose link has expired, and the resend records older than <paramref name="keepSentFor"/>
    /// (nothing they limit any more). Returns how many requests went.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(TimeSpan keepSentFor, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var now = time.GetUtcNow();
        var purged = 0;
        await foreach (var e in storage.SubscribeRequests.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"ExpiresAt lt {now} or SentAt lt {now - keepSentFor}"), select: ["PartitionKey", "RowKey"],
                           cancellationToken: ct))
        {
            await storage.SubscribeRequests.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, ct);
            if (e.RowKey != SentRow) purged++;
        }
        return purged;
    }

    private async Task<(SubscribeRequest Request, ETag ETag)?> GetWithETagAsync(string subscriberId, string requestId, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        if (!IsId(subscriberId) || !IsId(requestId)) return null;
        var row = await storage.SubscribeRequests.GetEntityIfExistsAsync<TableEntity>(subscriberId, requestId, cancellationToken: ct);
        return row.HasValue && row.Value is { } e ? (FromEntity(e), e.ETag) : null;
    }

    private static bool IsId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private static TableEntity ToEntity(SubscribeRequest r) => new(r.SubscriberId, r.RequestId)
    {
        ["Email"] = r.Candidate.Email,
        ["Name"] = r.Candidate.Name,
        ["Organization"] = r.Candidate.Organization,
        ["Country"] = r.Candidate.Country,
        ["Language"] = r.Candidate.Language,
        ["Frequency"] = r.Candidate.Frequency.ToString(),
        ["Topics"] = string.Join(',', r.Candidate.TopicList),
        ["TimeZone"] = r.Candidate.TimeZone,
        ["DeliveryHour"] = r.Candidate.DeliveryHour,
        ["WeeklyDay"] = r.Candidate.WeeklyDay?.ToString(),
        ["Member"] = r.Candidate.Member.Length > 0 ? r.Candidate.Member : null,
        ["ChosenBySubscriber"] = r.Candidate.ChosenFields.Count > 0 ? string.Join(',', r.Candidate.ChosenFields) : null,
        ["CreatedAt"] = r.CreatedAt,
        ["ExpiresAt"] = r.ExpiresAt,
        ["ConfirmationSentAt"] = r.ConfirmationSentAt,
        ["Handled"] = r.Handled,
    };

    private static SubscribeRequest FromEntity(TableEntity e)
    {
        var createdAt = e.GetDateTimeOffset("CreatedAt") ?? default;
        var candidate = new Subscriber(
            e.PartitionKey,
            e.GetString("Email"),
            e.GetString("Name"),
            e.GetString("Organization"),
            e.GetString("Language"),
            Enum.Parse<DigestFrequency>(e.GetString("Frequency")),
            SubscriberStatus.Pending,
            createdAt,
            createdAt,
            e.GetString("Country") ?? "",
            (e.GetString("Topics") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            e.GetString("TimeZone") ?? "UTC",
            Consent: new Consent(SubscriptionSelfService.ConsentSource, createdAt, null),
            DeliveryHour: e.GetInt32("DeliveryHour"),
            ChosenBySubscriber: e.GetString("ChosenBySubscriber") is { Length: > 0 } chosen ? chosen.Split(',', StringSplitOptions.RemoveEmptyEntries) : null,
            Member: e.GetString("Member") ?? "",
            WeeklyDay: SubscriberRules.StoredWeeklyDay(e.GetString("WeeklyDay")));
        return new SubscribeRequest(e.PartitionKey, e.RowKey, candidate, createdAt, e.GetDateTimeOffset("ExpiresAt") ?? createdAt,
            e.GetDateTimeOffset("ConfirmationSentAt"), e.GetBoolean("Handled") ?? false);
    }
}
