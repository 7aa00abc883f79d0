using System.Buffers.Text;
using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Notifications.Telemetry;

/// <summary>
/// Finds what looks like an email address or a secret in free text and masks it: the last line of defence behind the classified
/// <c>[LoggerMessage]</c> parameters, for whatever reaches a log without being classified (an exception message, an answer from SendGrid,
/// a request URL, an object's <c>ToString</c>).
/// <list type="bullet">
/// <item>email addresses, also percent-encoded (<c>%40</c>), without a dot in the domain (a typo is still an address), with a quoted local
/// part, <c>&amp;</c>, <c>=</c>, <c>+</c> or <c>'</c> in it, or an IP literal as domain: <c>j***@customs.example</c> (the whole local part masked);</item>
/// <item>signed link tokens (<see cref="Subscribers.SubscriptionTokens"/>: base64url whose bytes have the token's layout), and any other
/// base64url run of 40+ characters that mixes upper case, lower case and digits like random bytes do: <c>***</c>;</item>
/// <item>values of <c>token=</c>, <c>sig=</c>, <c>code=</c>, <c>key=</c> ... in URLs, <c>AccountKey=</c>/<c>SharedAccessSignature=</c>/<c>Password=</c> in
/// connection strings, <c>Bearer</c> credentials, SendGrid API keys (<c>SG.x.y</c>) and JWTs: <c>***</c>.</item>
/// </list>
/// Ids the pipeline logs on purpose (subscriber ids: 32 hex characters; content hashes: hex) are left alone.
/// </summary>
public static partial class LogScrubber
{
    public const string Mask = SecretRedactor.Replacement;

    /// <summary><paramref name="text"/> with addresses and secrets masked; the same instance when there was nothing to mask.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var result = text;
        if (result.Contains('@') || result.Contains("%40", StringComparison.OrdinalIgnoreCase))
            result = Email().Replace(result, static m =>
            {
                // A URL's path and a parameter's name before the address (/api/subscribers/…, ?email=…) stay, so the entry still says
                // what it was; everything of the address but its first character is masked.
                var local = m.Groups["local"].Value;
                var key = local[0] == '"' ? "" : KeptPrefix().Match(local).Value;
                var masked = key.Length < local.Length ? local[key.Length] + "***" : "***";
                return key + masked + m.Groups["at"].Value + m.Groups["domain"].Value;
            });
        if (result.Contains('='))
        {
            result = SecretParameter().Replace(result, static m => m.Groups["key"].Value + Mask);
        }
        if (result.Contains("Bearer", StringComparison.OrdinalIgnoreCase))
            result = Bearer().Replace(result, static m => m.Groups["key"].Value + Mask);
        if (result.Contains("SG.", StringComparison.Ordinal))
            result = SendGridKey().Replace(result, "SG." + Mask);
        if (result.Contains("eyJ", StringComparison.Ordinal))
            result = Jwt().Replace(result, Mask);
        if (result.Length >= MinSecretLength)
            result = LongRun().Replace(result, static m => LooksLikeSecret(m.ValueSpan) ? Mask : m.Value);
        return string.Equals(result, text, StringComparison.Ordinal) ? text : result;
    }

    /// <summary>
    /// A structured log value with addresses and secrets masked: strings scrubbed, other objects by their string form (a record's
    /// <c>ToString</c> prints its properties), sequences element by element. The same instance when there was nothing to mask.
    /// </summary>
    public static object? ScrubValue(object? value)
    {
        switch (value)
        {
            case null:
            case bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
            case Enum or DateTime or DateTimeOffset or TimeSpan or Guid or DateOnly or TimeOnly:
                return value;
            case string s:
                return Scrub(s);
            case IEnumerable sequence and not IDictionary:
            {
                var items = new List<string?>();
                var changed = false;
                foreach (var item in sequence)
                {
                    var text = Convert.ToString(item, CultureInfo.InvariantCulture);
                    var scrubbed = Scrub(text);
                    changed |= !ReferenceEquals(text, scrubbed);
                    items.Add(scrubbed);
                }
                return changed ? items.ToArray() : value;
            }
            default:
            {
                var text = Convert.ToString(value, CultureInfo.InvariantCulture);
                var scrubbed = Scrub(text);
                return ReferenceEquals(text, scrubbed) ? value : scrubbed;
            }
        }
    }

    /// <summary>
    /// The exception itself when nothing in it (messages, inner exceptions, stack) needs masking; otherwise a <see cref="RedactedException"/>
    /// standing in for it, with the same text masked.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(exception))]
    public static Exception? Scrub(Exception? exception)
    {
        if (exception is null or RedactedException) return exception;
        string text;
        try
        {
            text = exception.ToString();
        }
        catch (Exception)
        {
            return new RedactedException(exception);
        }
        return ReferenceEquals(Scrub(text), text) ? exception : new RedactedException(exception);
    }

    private const int MinSecretLength = 40;

    /// <summary>A signed link token, or a run of base64url characters with the mix of classes that random bytes have.</summary>
    public static bool LooksLikeSecret(ReadOnlySpan<char> run)
    {
        if (IsSubscriptionToken(run)) return true;
        int upper = 0, lower = 0, digits = 0;
        foreach (var c in run)
        {
            if (char.IsAsciiLetterUpper(c)) upper++;
            else if (char.IsAsciiLetterLower(c)) lower++;
            else if (char.IsAsciiDigit(c)) digits++;
        }
        return upper >= 6 && lower >= 6 && digits >= 3;
    }

    /// <summary>
    /// The layout of <see cref="Subscribers.SubscriptionTokens"/>: version 1, key id length 1-16, and 43 bytes more than the key id;
    /// or version 2 (a confirmation link with a request id), 59 bytes more.
    /// </summary>
    public static bool IsSubscriptionToken(ReadOnlySpan<char> run)
    {
        if (run.Length is < 58 or > 100 || run.Length % 4 == 1) return false;
        Span<byte> bytes = stackalloc byte[Base64Url.GetMaxDecodedLength(run.Length)];
        if (Base64Url.DecodeFromChars(run, bytes, out _, out var written) != System.Buffers.OperationStatus.Done) return false;
        return written >= 45 && bytes[1] is >= 1 and <= 16 && (bytes[0] == 1 && written == 43 + bytes[1] || bytes[0] == 2 && written == 59 + bytes[1]);
    }

    // Local part: a quoted string ("john doe"@), or a run of the characters an unquoted one may hold (with & = / ?). Domain: an IP
    // literal ([192.0.2.1], [IPv6:…], also percent-encoded), a bare IPv4 address, or a name (international too, also percent-encoded: %D0%BF…) whose last
    // label starts with a letter (so that "azurite@3.30.0" is left alone).
    private const string DomainUnit = @"(?:[\p{L}\p{N}]|%[0-9A-F]{2})";
    private const string DomainLabel = DomainUnit + @"(?:(?:[\p{L}\p{N}-]|%[0-9A-F]{2})*" + DomainUnit + ")?";
    private const string LastLabel = @"(?:\p{L}|%[C-F][0-9A-F](?:%[89AB][0-9A-F]){1,3})(?:(?:[\p{L}\p{N}-]|%[0-9A-F]{2})*" + DomainUnit + ")?";

    [GeneratedRegex(@"(?<local>""(?:[^""\\\r\n]|\\.){1,64}""|[\p{L}\p{N}._%+'*!#$^`{|}~&=/?-]+)(?<at>@|%40)(?<domain>(?:\[|%5B)(?:IPv6(?::|%3A))?[0" +
        @"-9A-F:.%]{2,90}?(?:\]|%5D)|[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?![0-9])|(?:"
        + DomainLabel + @"\.)*" + LastLabel + ")",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Email();

    /// <summary>
    /// What precedes an address in the same run of characters without being part of it: a URL's path and query start
    /// (<c>//host/api/subscribers/</c>, <c>…/unsubscribe?</c>) and a form or query parameter's name (<c>email=</c>).
    /// </summary>
    [GeneratedRegex(@"^(?:/[^?]*/(?:[^/?]*\?)?)?(?:[A-Za-z_][A-Za-z0-9_.-]{0,30}=(?=[^=]))?", RegexOptions.CultureInvariant)]
    private static partial Regex KeptPrefix();

    // URL parameters (after ? & #: a function key is ?code=) and connection string parts (AccountKey=, ...).
    [GeneratedRegex(@"(?<key>(?:(?<=[?&#])(?:token|access_token|id_token|sig|signature|code|key|api_key|apikey|secret|password)|(?<![\p{L}\p{N}_])(" +
        @"?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|pwd|client_secret))=)(?<value>[^&;,\s""'<>()\[\]{}]+)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();

    [GeneratedRegex(@"(?<key>\bBearer\s+)(?<value>[A-Za-z0-9._~+/=-]{8,})", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"SG\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex SendGridKey();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])", RegexOptions.CultureInvariant)]
    private static partial Regex LongRun();
}

/// <summary>
/// Stands in for an exception whose text had to be masked before a log provider sees it: the masked message, the original's type name,
/// its stack trace, and <see cref="ToString"/> as the original's, masked. Inner exceptions stand in the same way.
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string _text;
    private readonly string? _stackTrace;

    public RedactedException(Exception original)
        : base(LogScrubber.Scrub(SafeMessage(original)), original.InnerException is { } inner ? new RedactedException(inner) : null)
    {
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        HResult = original.HResult;
        Source = original.Source;
        _stackTrace = LogScrubber.Scrub(original.StackTrace);
        string text;
        try
        {
            text = original.ToString();
        }
        catch (Exception)
        {
            text = OriginalType + ": " + SafeMessage(original);
        }
        _text = LogScrubber.Scrub(text);
    }

    /// <summary>The full name of the exception's type, e.g. <c>System.InvalidOperationException</c>.</summary>
    public string OriginalType { get; }

    public override string? StackTrace => _stackTrace;

    public override string ToString() => _text;

    private static string SafeMessage(Exception e)
    {
        try
        {
            return e.Message;
        }
        catch (Exception)
        {
            return e.GetType().Name;
        }
    }
}
