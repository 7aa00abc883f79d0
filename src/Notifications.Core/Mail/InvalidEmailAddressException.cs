namespace Notifications.Mail;

/// <summary>An address <see cref="EmailAddress.Normalize"/> refuses; the message says what is wrong and what to do, with the address masked.</summary>
public sealed class InvalidEmailAddressException(string message) : Exception(message)
{
    /// <summary>The input field it came from, as callers report it: always <c>email</c>.</summary>
    public string Field => "email";
}
