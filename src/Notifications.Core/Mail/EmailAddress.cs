using System.Globalization;
using System.Net.Mail;
using Notifications.Telemetry;

namespace Notifications.Mail;

/// <summary>Email address rules: normalisation, validation, the stable subscriber id, and a form safe for logs.</summary>
public static class EmailAddress
{
    private static readonly IdnMapping Idn = new();

    /// <summary>
    /// Trims, lower-cases and converts an international domain to its ASCII form; throws, naming what is wrong and what to do, when
    /// the address is not one SendGrid accepts or could be mistaken for another:
    /// <list type="bullet">
    /// <item>invisible characters anywhere (zero-width, bidi controls, soft hyphen, BOM): they hide what an address really is;</item>
    /// <item>the local part (before @) is plain ASCII dot-atoms: no quoted local parts, no international (SMTPUTF8) local parts, no
    /// leading, trailing or double dots, at most 64 characters. SMTPUTF8 is not supported: SendGrid's v3 API does not take it for
    /// every recipient domain, and an ASCII-only local part is what makes <c>аlice@</c> (Cyrillic а) and <c>alice@</c> impossible to
    /// add side by side;</item>
    /// <item>the domain is a name with a dot: no IP literals (<c>[1.2.3.4]</c>), no <c>localhost</c> or single label, no trailing dot;
    /// an international domain is stored in its ASCII (xn--) form, and refused when one label mixes scripts (<c>pаypal</c> with a
    /// Cyrillic а) or is written wholly in Cyrillic or Greek letters that look Latin (<c>аррӏе</c>): a look-alike of another domain.</item>
    /// </list>
    /// </summary>
    public static string Normalize(string? email)
    {
        var value = (email ?? "").Trim();
        if (value.Length == 0)
            throw Invalid("email is empty: give the subscriber's address, e.g. name@customs.example.");
        if (value.Length > 254)
            throw Invalid($"email is {value.Length} characters long; an address has at most 254.");
        if (value.FirstOrDefault(IsInvisible) is var hidden and not '\0')
            throw Invalid($"email '{Mask(new string(value.Where(c => !IsInvisible(c)).ToArray()))}' contains an invisible character " +
                $"(U+{(int)hidden:X4}): type the address again rather than pasting it.");
        var at = value.LastIndexOf('@');
        if (value.StartsWith('"') || (at > 0 && value[..at].Contains('@')))
            throw Invalid($"email '{Mask(value)}' has a quoted part before the @: such addresses are not accepted; give the address without quotes.");
        if (at <= 0 || at == value.Length - 1 || value.Any(char.IsWhiteSpace) || value.Any(char.IsControl))
            throw Invalid($"email '{Mask(value)}' is not an address of the form name@domain.");
        var local = value[..at];
        var rawDomain = value[(at + 1)..];
        if (local.FirstOrDefault(c => c > 0x7F) is var foreign and not '\0')
            throw Invalid(
                $"email '{Mask(value)}' has a non-ASCII character before the @ ('{foreign}', U+{(int)foreign:X4}): international local parts are not " +
                "accepted (and may be a look-alike of a Latin letter); give the address in ASCII letters.");
        if (local.Length > 64)
            throw Invalid($"email '{Mask(value)}' has {local.Length} characters before the @; at most 64 are allowed.");
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains(".."))
            throw Invalid($"email '{Mask(value)}' has a dot at the start or end of the part before the @, or two dots in a row: remove the extra dot.");
        if (local.FirstOrDefault(c => !IsAtext(c) && c != '.') is var special and not '\0')
            throw Invalid($"email '{Mask(value)}' has the character '{special}' before the @, which addresses cannot contain: correct the address.");
        if (rawDomain.StartsWith('['))
            throw Invalid($"email '{Mask(value)}' has an IP address as its domain: give an address at a domain name, e.g. name@customs.example.");
        if (rawDomain.EndsWith('.'))
            throw Invalid($"email '{Mask(value)}' ends with a dot: remove it.");
        string domain;
        string unicodeDomain;
        try
        {
            domain = Idn.GetAscii(rawDomain).ToLowerInvariant();
            unicodeDomain = Idn.GetUnicode(domain);
        }
        catch (ArgumentException)
        {
            throw Invalid($"email '{Mask(value)}' has an invalid domain: check the part after the @.");
        }
        if (!domain.Contains('.') || domain == "localhost" || domain.EndsWith(".localhost", StringComparison.Ordinal))
            throw Invalid($"email '{Mask(value)}' has no domain with a dot (like customs.example): give the full address.");
        if (unicodeDomain.Split('.').FirstOrDefault(IsLookAlike) is { } label)
            throw Invalid($"email '{Mask(value)}' has a domain label ('{label}') that mixes scripts or imitates Latin letters: give the address as the " +
                          "subscriber's organisation writes it, in Latin letters if that is its form.");
        var normalized = local.ToLowerInvariant() + "@" + domain;
        if (!MailAddress.TryCreate(normalized, out var parsed) || parsed.Address != normalized)
            throw Invalid($"email '{Mask(value)}' is not an address of the form name@domain.");
        return normalized;
    }

    private static InvalidEmailAddressException Invalid(string message) => new(message);

    /// <summary>RFC 5322 atext: what an unquoted local part may hold besides dots.</summary>
    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~-".Contains(c);

    /// <summary>Characters that show nothing (or reorder what is shown): never part of an address a person typed.</summary>
    private static bool IsInvisible(char c) => c is '\u00AD' or '\u034F' or '\u061C' or '\u115F' or '\u1160' or '\u17B4' or '\u17B5' or '\u180E'
        or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u206F') or '\u3164' or '\uFEFF' or '\uFFA0'
        or (>= '\uFE00' and <= '\uFE0F') || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    /// <summary>Cyrillic and Greek letters that look like Latin ones (lower case: the domain is lower-cased).</summary>
    private const string LatinLookAlikes = "аеорсухіјѕԁӏһԛԝѵ" + "αορνικυχϲϳ";

    /// <summary>
    /// A label that mixes Latin, Cyrillic and Greek letters, or is written wholly in Cyrillic or Greek letters that look Latin
    /// (<c>аррӏе</c>): what a look-alike of another domain is made of. Labels in one script that do not imitate Latin (<c>пример</c>) pass.
    /// </summary>
    private static bool IsLookAlike(string label)
    {
        if (label.All(char.IsAscii)) return false;
        var letters = label.Where(char.IsLetter).ToList();
        var scripts = letters.Select(ScriptOf).Where(s => s != Script.Other).Distinct().Count();
        if (scripts > 1) return true;
        return letters.Count > 0 && letters.All(c => LatinLookAlikes.Contains(c));
    }

    private enum Script { Latin, Cyrillic, Greek, Other }

    private static Script ScriptOf(char c) => c switch
    {
        _ when char.IsAsciiLetter(c) || c is >= '\u00C0' and <= '\u024F' => Script.Latin,
        >= '\u0400' and <= '\u052F' => Script.Cyrillic,
        >= '\u0370' and <= '\u03FF' => Script.Greek,
        _ => Script.Other,
    };

    /// <summary>For logs and error messages: "j***@customs.example" (<see cref="AddressMask"/>).</summary>
    public static string Mask(string email) => AddressMask.Mask(email);
}
