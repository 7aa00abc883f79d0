namespace Notifications.Telemetry;

/// <summary>An email address in the form safe for logs and error messages: the first character and the domain, <c>j***@customs.example</c>.</summary>
public static class AddressMask
{
    /// <summary>"j***@customs.example"; "***" when there is no local part before an @.</summary>
    public static string Mask(string email)
    {
        var at = email.LastIndexOf('@');
        // The first character only when it is a plain letter or digit (not half of a pair, not an invisible or quote character).
        return at <= 0 ? "***" : (char.IsLetterOrDigit(email[0]) ? email[0] : '*') + "***" + email[at..];
    }
}
