using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;

namespace Notifications.Subscribers;

/// <summary>Email address rules: normalisation, validation, the stable subscriber id, and a form safe for logs.</summary>
public static class EmailAddress
{
    private static readonly IdnMapping Idn = new();

    /// <summary>Trims, lower-cases and converts an international domain to its ASCII form; throws when the address is not usable.</summary>
    public static string Normalize(string? email)
    {
        var value = (email ?? "").Trim();
        if (value.Length == 0)
            throw new InvalidSubscriberException("email", "email is empty: give the subscriber's address, e.g. name@customs.example.");
        if (value.Length > 254)
            throw new InvalidSubscriberException("email", $"email is {value.Length} characters long; an address has at most 254.");
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1 || value.Any(char.IsWhiteSpace) || value.Any(char.IsControl))
            throw new InvalidSubscriberException("email", $"email '{Mask(value)}' is not an address of the form name@domain.");
        string domain;
        try
        {
            domain = Idn.GetAscii(value[(at + 1)..]).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            throw new InvalidSubscriberException("email", $"email '{Mask(value)}' has an invalid domain.");
        }
        var normalized = value[..at].ToLowerInvariant() + "@" + domain;
        if (!domain.Contains('.') || !MailAddress.TryCreate(normalized, out var parsed) || parsed.Address != normalized)
            throw new InvalidSubscriberException("email", $"email '{Mask(value)}' is not an address of the form name@domain.");
        return normalized;
    }

    /// <summary>For logs and error messages: "j***@customs.example".</summary>
    public static string Mask(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? "***" : email[0] + "***" + email[at..];
    }
}
