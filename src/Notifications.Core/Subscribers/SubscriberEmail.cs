using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>A subscriber's address as Subscribers takes it: <see cref="EmailAddress.Normalize"/>, its refusal an
/// <see cref="InvalidSubscriberException"/> of the field <c>email</c>.</summary>
public static class SubscriberEmail
{
    /// <summary>The normalised address; invalid input throws <see cref="InvalidSubscriberException"/> with Mail's message, as every other field does.</summary>
    public static string Normalize(string? email)
    {
        try
        {
            return EmailAddress.Normalize(email);
        }
        catch (InvalidEmailAddressException e)
        {
            throw new InvalidSubscriberException(e.Field, e.Message);
        }
    }
}
