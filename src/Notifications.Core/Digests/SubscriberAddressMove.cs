using Microsoft.Extensions.Logging;
using Notifications.Delivery;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>
/// Address changes, the second half: the new address confirmed the link (<see cref="AddressChanges"/>), so the subscriber moves to the
/// id of the new address (ids are keyed hashes of addresses, <see cref="SubscriberIds"/>), as <see cref="SubscriberIdMigration"/> moves
/// one: the record is written under the new id with the new address (everything else kept: preferences, status, consent, history), the
/// audit partition and the digest watermark move (so the next digest neither repeats nor loses an article), the old row goes last (its
/// departure is logged, so a batch planned for the old address skips it), and the pending change is removed. Run again after a crash,
/// it finishes the move. Here, with the digests, because it moves their watermarks too.
/// </summary>
public sealed partial class SubscriberAddressMove(
    AddressChanges changes, SubscriberStore store, SubscriberAudit audit, DigestWatermarks watermarks, RecipientTimeline timeline,
    ILogger<SubscriberAddressMove> logger)
{
    /// <summary>Applies the change; the subscriber under the new address. Refused when the subscriber is gone or the new address was taken since.</summary>
    public async Task<Subscriber> ApplyAsync(PendingAddressChange change, CancellationToken ct = default)
    {
        var newId = store.IdOf(change.NewEmail);
        var current = await store.GetAsync(change.SubscriberId, ct);
        var moved = await store.GetAsync(newId, ct);
        if (current is null)
        {
            // Finished by an earlier attempt (the old row goes last), or erased meanwhile.
            if (moved is not null)
            {
                await changes.RemovePendingAsync(change.SubscriberId, ct);
                return moved;
            }
            throw new InvalidSubscriberException("email", "This subscription no longer exists: nothing was changed.");
        }
        if (moved is null)
            moved = await store.AddAsync(current with { Id = newId, Email = change.NewEmail }, ct);
        else if (moved.CreatedAt != current.CreatedAt)
            throw new InvalidSubscriberException("email",
                $"'{EmailAddress.Mask(change.NewEmail)}' became another subscriber's address meanwhile: nothing was changed.")
            { IsConflict = true, Address = change.NewEmail };
        await audit.MoveAsync(current.Id, newId, ct);
        await watermarks.MoveAsync(current.Id, newId, ct);
        await timeline.MoveAsync(current.Id, newId, ct);
        await store.DeleteAsync(current.Id, ct);
        await changes.RemovePendingAsync(current.Id, ct);
        await audit.RecordAsync(newId, change.Actor, "address changed", new Dictionary<string, string>
        {
            ["confirmed"] = "by the new address",
            ["previousId"] = current.Id,
        }, ct);
        LogMoved(current.Id, newId);
        return moved;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriber {OldId} moved to {NewId}: the new address confirmed the address change")]
    private partial void LogMoved(string oldId, string newId);
}
