namespace Notifications.Mail;

/// <summary>
/// A recipient's history (the subscribers' audit): where delivery writes what happened to one of them, such as a batch that went to
/// them again, or the provider refusing them.
/// </summary>
public interface IRecipientHistory
{
    /// <param name="actor">Who did it: <c>pipeline</c>, <c>admin</c>, <c>sendgrid</c>.</param>
    /// <param name="action">What happened: <c>resent</c>, <c>refused</c>.</param>
    /// <param name="changes">Its details: run, batch, reason…</param>
    Task RecordAsync(string subscriberId, string actor, string action, IReadOnlyDictionary<string, string> changes, CancellationToken ct = default);
}
