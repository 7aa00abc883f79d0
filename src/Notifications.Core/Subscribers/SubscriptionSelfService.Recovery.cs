using Microsoft.Extensions.Logging;
using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>What a "subscribe again" or "send me weekly instead" click did.</summary>
public enum ResubscribeOutcome
{
    /// <summary>Unsubscribed within <see cref="SelfServiceRecoveryOptions.ResubscribeGracePeriod"/> of being active: active again now.</summary>
    Reactivated,
    /// <summary>It was active: it stays so (with the frequency asked for, if any).</summary>
    StillActive,
    /// <summary>Double opt-in again: a subscribe request with the record's preferences is held and its confirmation mail queued.</summary>
    ConfirmationSent,
    /// <summary>Bounced, complained or suspended: a click does not reactivate it.</summary>
    NotPossible,
    /// <summary>No record (erased).</summary>
    NotFound,
}

/// <summary>The outcome and the record after it (null when there is none).</summary>
public sealed record ResubscribeResult(ResubscribeOutcome Outcome, Subscriber? Subscriber);

/// <summary>The ways back, so that a subscriber never hits a dead end: undo an unsubscribe, switch to weekly, resubscribe, ask for a manage link.</summary>
public sealed partial class SubscriptionSelfService
{
    /// <summary>
    /// "Email me a link to manage my subscription": the address is validated, and a message naming only the subscriber id the address
    /// would have is queued; <see cref="SubscribeConfirmationSender"/> mails the manage link to that address if it is a subscriber's
    /// (never to anyone else), or does nothing. The request path does the same work whatever the address.
    /// </summary>
    /// <exception cref="InvalidSubscriberException">The address is not valid (field <c>email</c>).</exception>
    public async Task RequestManageLinkAsync(string? email, CancellationToken ct = default)
    {
        var normalized = SubscriberEmail.Normalize(email);
        await confirmations.EnqueueAsync(new SubscribeConfirmationMessage(store.IdOf(normalized), SubscribeConfirmationMessage.ManageLinkRequest), ct);
        logger.LogInformation("Manage-link request for {Email} queued", EmailAddress.Mask(normalized));
    }

    /// <summary>
    /// From the unsubscribe link: undo the unsubscribe (<paramref name="frequency"/> null), or "send me weekly instead"
    /// (<see cref="DigestFrequency.Weekly"/>), before or after unsubscribing.
    /// See <see cref="ResubscribeAsync(string, DigestFrequency?, string, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="InvalidTokenException">The token is damaged or for another purpose: nothing changes.</exception>
    public Task<ResubscribeResult> KeepFromUnsubscribeLinkAsync(string? token, DigestFrequency? frequency, CancellationToken ct = default)
        => ResubscribeAsync(tokens.Verify(token, TokenPurpose.Unsubscribe).SubscriberId, frequency, frequency is null ? "undo" : "weekly instead", ct);

    /// <summary>From the preferences link of an inactive subscription: subscribe again.</summary>
    /// <exception cref="InvalidTokenException">The token is damaged or for another purpose: nothing changes.</exception>
    public Task<ResubscribeResult> ResubscribeFromPreferencesLinkAsync(string? token, CancellationToken ct = default)
        => ResubscribeAsync(tokens.Verify(token, TokenPurpose.Preferences).SubscriberId, null, "preferences", ct);

    /// <summary>
    /// True when <paramref name="subscriber"/> may be made active again with one click: they unsubscribed themselves (or a mailbox's
    /// one-click did) less than <see cref="SelfServiceRecoveryOptions.ResubscribeGracePeriod"/> ago, from an active subscription.
    /// </summary>
    public async Task<bool> CanUndoUnsubscribeAsync(Subscriber subscriber, CancellationToken ct = default)
    {
        if (subscriber.Status != SubscriberStatus.Unsubscribed || subscriber.StatusChangedAt is not { } changedAt
            || time.GetUtcNow() - changedAt > recovery.Value.ResubscribeGracePeriod)
            return false;
        // The last status change in the history says from what: only an active subscription comes back without a new confirmation.
        var last = (await audit.ListAsync(subscriber.Id, ct))
            .Where(e => e.Changes.ContainsKey("status"))
            .MaxBy(e => e.At);
        return last is { Actor: Actor, Action: "unsubscribed" } && last.Changes["status"] == "active → unsubscribed";
    }

    /// <summary>
    /// Active → stays active, with <paramref name="frequency"/> when given; unsubscribed from an active subscription within the grace
    /// period → active again at once (consent as it was: this is an undo); pending, or unsubscribed longer ago → a new subscribe request
    /// with the record's preferences, confirmed by mail (double opt-in again); bounced, complained, suspended → nothing.
    /// </summary>
    private async Task<ResubscribeResult> ResubscribeAsync(string id, DigestFrequency? frequency, string via, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } subscriber)
            return new ResubscribeResult(ResubscribeOutcome.NotFound, null);
        switch (subscriber.Status)
        {
            case SubscriberStatus.Active:
                if (frequency is not { } f || f == subscriber.Frequency)
                    return new ResubscribeResult(ResubscribeOutcome.StillActive, subscriber);
                var changed = await ChangeAsync(id, s => s with { Frequency = f }, via, "updated", ct);
                return new ResubscribeResult(ResubscribeOutcome.StillActive, changed ?? subscriber);
            case SubscriberStatus.Unsubscribed when await CanUndoUnsubscribeAsync(subscriber, ct):
                var after = await ChangeAsync(id, s => s.Status == SubscriberStatus.Unsubscribed
                    ? s with { Status = SubscriberStatus.Active, Frequency = frequency ?? s.Frequency }
                    : s, via, "subscribed again", ct);
                logger.LogInformation("Subscriber {SubscriberId} undid their unsubscribe ({Via})", id, via);
                return new ResubscribeResult(ResubscribeOutcome.Reactivated, after ?? subscriber);
            case SubscriberStatus.Pending or SubscriberStatus.Unsubscribed:
                var now = time.GetUtcNow();
                var candidate = subscriber with
                {
                    Status = SubscriberStatus.Pending,
                    Frequency = frequency ?? subscriber.Frequency,
                    Consent = new Consent(ConsentSource, now, null),
                };
                var request = new SubscribeRequest(id, SubscribeRequestStore.NewRequestId(), candidate, now, now + tokenOptions.Value.ConfirmationLifetime);
                await requests.AddAsync(request, ct);
                await confirmations.EnqueueAsync(new SubscribeConfirmationMessage(id, request.RequestId), ct);
                logger.LogInformation("Subscriber {SubscriberId} ({Status}) asked to subscribe again: confirmation queued ({Via})", id, subscriber.Status, via);
                return new ResubscribeResult(ResubscribeOutcome.ConfirmationSent, subscriber);
            default:
                logger.LogInformation("Subscriber {SubscriberId}, who is {Status}, asked to subscribe again: not possible by a click", id, subscriber.Status);
                return new ResubscribeResult(ResubscribeOutcome.NotPossible, subscriber);
        }
    }

    private async Task<Subscriber?> ChangeAsync(string id, Func<Subscriber, Subscriber> change, string via, string action, CancellationToken ct)
    {
        if (await store.UpdateAsync(id, change, ct) is not { } r) return null;
        var changes = SubscriberAudit.Diff(r.Before, r.After);
        if (changes.Count > 0)
            await audit.RecordAsync(id, Actor, action, new Dictionary<string, string>(changes) { ["via"] = via }, ct);
        return r.After;
    }
}
