namespace Notifications.Mail;

/// <summary>
/// Who mail may still go to, asked when it is sent: the sender (Delivery) asks, the subscribers (Subscribers) answer. So delivery
/// never reads subscribers itself, and the subscribers never know how mail is sent.
/// </summary>
public interface IRecipientDirectory
{
    /// <summary>
    /// The recipients of mail planned at <paramref name="plannedAt"/>, as they are now, in the order given, each with the links only
    /// they may use: one unchanged since it was planned (<see cref="PlannedRecipient.Version"/>) as planned; one changed since as they
    /// are now while still active, left out once they are not (unsubscribed, bounced, complained, suspended, erased).
    /// </summary>
    Task<IReadOnlyList<Recipient>> StillActiveAsync(IReadOnlyList<PlannedRecipient> planned, DateTimeOffset plannedAt, CancellationToken ct);

    /// <summary>The id of whoever has this address (whether or not they exist); null when it is not a usable address.</summary>
    string? IdOf(string email);
}
