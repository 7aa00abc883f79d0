namespace Notifications.Mail;

/// <summary>
/// The id a recipient's address goes under in <see cref="Recipient.SubscriberId"/> (and so in SendGrid's events): the subscriber id
/// of that address, so that mail to someone who is not sent as a subscriber (an editor's rejection report) is still known by the same id.
/// Owned here so that a sender outside Subscribers need not know how ids are made; Subscribers' <c>SubscriberIds</c> implements it.
/// </summary>
public interface IRecipientIds
{
    /// <summary>The id of an address already normalised (<see cref="EmailAddress.Normalize"/>).</summary>
    string Of(string normalizedEmail);
}
