using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>What one purge removed.</summary>
public sealed record PendingPurgeResult(int Requests, int PendingRecords);

/// <summary>
/// A day passed (the PurgePendingSubscriptions timer, daily at 02:30 UTC; CLI twin <c>notify subscribers purge-pending</c>): removes
/// what was asked for and never confirmed, once its link can no longer be used (<see cref="TokenOptions.ConfirmationLifetime"/>):
/// expired subscribe requests, and Pending subscriber records (made by the subscribe form before requests existed) whose last
/// confirmation email, or last change, is older than that. Idempotent.
/// </summary>
public sealed class DayPassed(
    SubscribeRequestStore requests,
    SubscriberStore store,
    SubscriberAudit audit,
    IOptions<TokenOptions> tokenOptions,
    IOptions<SelfServiceOptions> selfService,
    TimeProvider time,
    ILogger<DayPassed> logger)
{
    public async Task<PendingPurgeResult> PurgeAsync(CancellationToken ct = default)
    {
        var purgedRequests = await requests.PurgeExpiredAsync(selfService.Value.ConfirmationResendInterval, ct);

        var cutoff = time.GetUtcNow() - tokenOptions.Value.ConfirmationLifetime;
        var records = 0;
        foreach (var pending in await store.ListAsync(new SubscriberFilter(Status: SubscriberStatus.Pending), ct))
        {
            // Only records the subscribe form made: a pending record an admin or an import made is theirs to keep or remove.
            if (pending.Consent?.Source != SubscriptionSelfService.ConsentSource) continue;
            var last = pending.ConfirmationSentAt is { } sent && sent > pending.UpdatedAt ? sent : pending.UpdatedAt;
            if (last > cutoff) continue;
            // Re-read: confirmed (or changed) since the list was read means it stays.
            if (await store.GetAsync(pending.Id, ct) is not { Status: SubscriberStatus.Pending } current || current.UpdatedAt != pending.UpdatedAt) continue;
            await store.DeleteAsync(pending.Id, ct);
            await requests.DeleteForAsync(pending.Id, ct);
            await audit.RecordAsync(pending.Id, "system", "expired", new Dictionary<string, string> { ["status"] = "pending → removed (never confirmed)" }, ct);
            records++;
        }
        if (purgedRequests > 0 || records > 0)
            logger.LogInformation("Purged {Requests} expired subscribe requests and {Records} never-confirmed pending subscribers", purgedRequests, records);
        return new PendingPurgeResult(purgedRequests, records);
    }
}
