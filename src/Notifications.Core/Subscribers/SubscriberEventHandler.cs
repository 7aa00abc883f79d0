using Microsoft.Extensions.Logging;
using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>
/// What the mail provider reports about a recipient, applied to the subscriber (<see cref="IRecipientEventHandler"/>; delivery
/// emits the facts from SendGrid's events):
/// <list type="bullet">
/// <item><see cref="RecipientFact.Bounced"/> → Bounced;</item>
/// <item><see cref="RecipientFact.Complained"/> → Complained;</item>
/// <item><see cref="RecipientFact.Unsubscribed"/> → Unsubscribed.</item>
/// </list>
/// A subscriber only ever moves "down": Pending, Active and Suspended may become Bounced; anything but Unsubscribed and Complained
/// may become Unsubscribed or Complained; Unsubscribed and Complained stay as they are. Every change is audited, the actor being who
/// reported it (<c>sendgrid</c>), with the event's name. The subscriber keeps why and when (<see cref="Subscriber.StatusReason"/>: the
/// provider's reason, e.g. the bounce's "550 5.1.1 …", else the event's name; <see cref="Subscriber.StatusChangedAt"/>: the event's time),
/// so that the admin's profile page can say why they no longer receive digests.
/// </summary>
public sealed class SubscriberEventHandler(SubscriberStore subscribers, SubscriberAudit audit, ILogger<SubscriberEventHandler> logger) : IRecipientEventHandler
{
    public async Task<RecipientEventOutcome> HandleAsync(RecipientEvent e, CancellationToken ct)
    {
        var (status, action) = TargetOf(e.Fact);
        var reason = ReasonOf(e);
        var result = await subscribers.UpdateAsync(e.RecipientId,
            s => Rank(status) > Rank(s.Status) ? s with { Status = status, StatusReason = reason, StatusChangedAt = e.At ?? s.StatusChangedAt } : s, ct);
        if (result is not { } r)
        {
            logger.LogInformation("SendGrid {Event} event {EventId} for {Email}: no such subscriber", e.Event, e.EventId, EmailAddress.Mask(e.Email ?? ""));
            return RecipientEventOutcome.UnknownRecipient;
        }
        if (r.Before.Status == r.After.Status)
            return RecipientEventOutcome.NoChange;
        var changes = new Dictionary<string, string>(SubscriberAudit.Diff(r.Before, r.After)) { ["event"] = e.Event, ["reason"] = reason };
        await audit.RecordAsync(r.After.Id, e.Source, action, changes, ct);
        logger.LogInformation("Subscriber {SubscriberId} ({Email}) {Action} after a SendGrid {Event} event",
            r.After.Id, EmailAddress.Mask(r.After.Email), action, e.Event);
        return RecipientEventOutcome.Changed;
    }

    /// <summary>The longest reason kept (a provider's SMTP answer can be long).</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Why, in the provider's words: its reason (one line, at most <see cref="MaxReasonLength"/> characters), else the event's name.</summary>
    public static string ReasonOf(RecipientEvent e)
    {
        var reason = string.Join(' ', (e.Reason ?? "").Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (reason.Length == 0) reason = e.Event;
        return reason.Length > MaxReasonLength ? reason[..MaxReasonLength] + "…" : reason;
    }

    /// <summary>What a fact makes of the subscriber, and the audit's name for it.</summary>
    public static (SubscriberStatus Status, string Action) TargetOf(RecipientFact fact) => fact switch
    {
        RecipientFact.Bounced => (SubscriberStatus.Bounced, "bounced"),
        RecipientFact.Complained => (SubscriberStatus.Complained, "complained"),
        RecipientFact.Unsubscribed => (SubscriberStatus.Unsubscribed, "unsubscribed"),
        _ => throw new ArgumentOutOfRangeException(nameof(fact), fact, "not a fact about a recipient"),
    };

    /// <summary>How far "down" a status is: a reported fact only ever moves a subscriber to a higher rank.</summary>
    private static int Rank(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Bounced => 1,
        SubscriberStatus.Unsubscribed or SubscriberStatus.Complained => 2,
        _ => 0,
    };
}
