namespace Notifications.Mail;

/// <summary>What the mail provider reported about a recipient that says mail should stop going to them.</summary>
public enum RecipientFact
{
    /// <summary>The address cannot receive mail: a hard bounce, or mail dropped because the address is known to bounce or is invalid.</summary>
    Bounced,
    /// <summary>They reported the mail as spam.</summary>
    Complained,
    /// <summary>They unsubscribed through the provider (its unsubscribe link, or a group unsubscribe).</summary>
    Unsubscribed,
}

/// <summary>
/// One fact about one recipient, as delivery read it from the provider's events (<see cref="IRecipientEventHandler"/> applies it).
/// It lives while the event is processed: nothing here is stored by the one who emits it.
/// </summary>
/// <param name="RecipientId">Whom it is about: the id the mail carried, else the id of the event's address (<see cref="IRecipientDirectory.IdOf"/>).</param>
/// <param name="Source">Who reported it (<c>sendgrid</c>): the actor of whatever it changes.</param>
/// <param name="Event">The provider's name of the event (bounce, dropped, spamreport, unsubscribe, group_unsubscribe).</param>
/// <param name="EventId">The provider's id of the event, for the logs.</param>
/// <param name="Email">The address the event named, if any: for a masked log line only.</param>
/// <param name="Reason">The provider's reason, if any (a bounce's SMTP answer "550 5.1.1 …", a drop's "Bounced Address").</param>
/// <param name="At">When the provider says it happened; null when it does not say.</param>
public sealed record RecipientEvent(string RecipientId, RecipientFact Fact, string Source, string Event, string EventId, string? Email,
    string? Reason = null, DateTimeOffset? At = null);

/// <summary>What applying a <see cref="RecipientEvent"/> did.</summary>
public enum RecipientEventOutcome
{
    /// <summary>Nothing to change: the recipient was there already, or further.</summary>
    NoChange,
    /// <summary>The recipient changed (and their history says so).</summary>
    Changed,
    /// <summary>No such recipient.</summary>
    UnknownRecipient,
}

/// <summary>
/// Applies what the provider reported about a recipient (the subscribers implement it): delivery emits the facts, without knowing
/// what they change.
/// </summary>
public interface IRecipientEventHandler
{
    Task<RecipientEventOutcome> HandleAsync(RecipientEvent e, CancellationToken ct);
}
