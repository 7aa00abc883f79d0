using Microsoft.Extensions.Logging;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>What <see cref="SubscriberIdMigration.MigrateAsync"/> did.</summary>
/// <param name="Moved">Subscribers moved from their old (unsalted SHA-256) id to the keyed id now.</param>
/// <param name="AlreadyKeyed">Subscribers whose id is already the keyed one (moved earlier, or added since).</param>
/// <param name="Unknown">Subscribers whose id is neither: keyed with another key? Left alone.</param>
public sealed record IdMigrationReport(int Subscribers, int Moved, int AlreadyKeyed, int Unknown, bool DryRun);

/// <summary>
/// <c>notify subscribers migrate-ids</c>: moves every subscriber whose id is the old unsalted hash of their address to the keyed id
/// (<see cref="SubscriberIds"/>): the record, its audit partition and its digest watermark. Per subscriber, in an order that makes it
/// idempotent and resumable (a run stopped half-way is finished by running it again): the record is copied under the new id with an
/// alias from the old one (links in mails already sent and SendGrid events for them keep working), the audit entries and the watermark
/// are moved, and the old row is deleted last. Run it between digest runs. It lives with the digests because it moves their
/// watermarks too: the subscribers know nothing of digests.
/// </summary>
public sealed class SubscriberIdMigration(SubscriberStore store, SubscriberIds ids, SubscriberAudit audit, DigestWatermarks watermarks,
    ILogger<SubscriberIdMigration> logger)
{
    public async Task<IdMigrationReport> MigrateAsync(bool dryRun, CancellationToken ct = default)
    {
        int count = 0, moved = 0, keyed = 0, unknown = 0;
        foreach (var s in await store.ListAsync(ct))
        {
            count++;
            var newId = ids.Of(s.Email);
            if (s.Id == newId) { keyed++; continue; }
            if (s.Id != SubscriberIds.LegacyOf(s.Email)) { unknown++; continue; }
            moved++;
            if (dryRun) continue;
            await store.CopyToNewIdAsync(s, newId, ct);
            await audit.MoveAsync(s.Id, newId, ct);
            await watermarks.MoveAsync(s.Id, newId, ct);
            await store.DeleteOldRowAsync(s.Id, ct);
        }
        logger.LogInformation("Subscriber ids: {Moved} moved to keyed ids, {Keyed} already keyed, {Unknown} neither, of {Count}{DryRun}",
            moved, keyed, unknown, count, dryRun ? " (dry run)" : "");
        return new IdMigrationReport(count, moved, keyed, unknown, dryRun);
    }
}
