
namespace Notifications.Mail;

/// <summary>One addressee, with the links only they may use (signed for them).</summary>
public sealed record Recipient(string SubscriberId, string Email, string Name, string? UnsubscribeUrl = null, string? PreferencesUrl = null);

/// <summary>A recipient as the planner read them: what the sender needs, so that it need not read the subscriber again.</summary>
/// <param name="Version">The version of the subscriber row the planner read (the storage's time of its last change).</param>
public sealed record PlannedRecipient(string SubscriberId, string Email, string Name, DateTimeOffset Version);

/// <summary>
/// The keys a rendering writes where a recipient's own name and links go. Content is rendered once per variant with these keys;
/// SendGrid substitutes them per personalization, and the outbox does the same. SendGrid replaces a key anywhere in the content
/// (subject, HTML, text), so a key must be something no article can contain: each rendering draws its own random
/// <see cref="Nonce"/> (<c>%unsubscribe_url_3f9a…%</c>), and the content carries it (<see cref="MailContent.Placeholders"/>) to the
/// transports, which substitute exactly those keys. <see cref="Legacy"/> are the keys of digests archived before keys had a nonce.
/// <para>
/// A rendering in a <see cref="Language"/> also has a greeting key: "Dear Anna," for a recipient with a name, and a greeting that needs
/// none ("Hello,") for one without (never "Dear ,"); the words are the language's <c>digest.greeting_named</c> and <c>digest.greeting</c>.
/// </para>
/// </summary>
public sealed record MailPlaceholders(string Nonce, string? Language = null)
{
    /// <summary>The keys without a nonce (<c>%unsubscribe_url%</c>): only for digests archived before nonces, still being sent.</summary>
    public static MailPlaceholders Legacy { get; } = new("");

    /// <summary>Fresh keys: 128 random bits, hex.</summary>
    public static MailPlaceholders New() => new(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    public string NameHtml => Key("recipient_name_html");
    public string NameText => Key("recipient_name_text");
    public string UnsubscribeUrl => Key("unsubscribe_url");
    public string PreferencesUrl => Key("preferences_url");
    public string GreetingHtml => Key("recipient_greeting_html");
    public string GreetingText => Key("recipient_greeting_text");

    private string Key(string name) => Nonce.Length == 0 ? $"%{name}%" : $"%{name}_{Nonce}%";

    /// <summary>
    /// The per-recipient values of these keys. The name has an HTML-encoded form for the HTML part and a plain one for the text part,
    /// so neither needs escaping at send time.
    /// </summary>
    public IReadOnlyDictionary<string, string> ValuesFor(Recipient recipient)
    {
        var values = new Dictionary<string, string>
        {
            [NameHtml] = System.Net.WebUtility.HtmlEncode(recipient.Name),
            [NameText] = recipient.Name,
            [UnsubscribeUrl] = recipient.UnsubscribeUrl ?? "",
            [PreferencesUrl] = recipient.PreferencesUrl ?? "",
        };
        if (Language is { Length: > 0 } language)
        {
            var greeting = Greeting(language, recipient.Name);
            values[GreetingHtml] = System.Net.WebUtility.HtmlEncode(greeting);
            values[GreetingText] = greeting;
        }
        return values;
    }

    /// <summary>"Dear Anna," for a name; "Hello," without one (or one that is only spaces).</summary>
    public static string Greeting(string language, string? name)
    {
        var words = Notifications.Localization.Translations.For(language);
        return string.IsNullOrWhiteSpace(name)
            ? words["digest.greeting"]
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, words["digest.greeting_named"], name.Trim());
    }

    /// <summary>Each key replaced by its value in one pass (a value is never searched for keys again), as SendGrid does.</summary>
    public static string Apply(string content, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0 || content.Length == 0) return content;
        var pattern = string.Join('|', values.Keys.OrderByDescending(k => k.Length).Select(System.Text.RegularExpressions.Regex.Escape));
        return System.Text.RegularExpressions.Regex.Replace(
            content, pattern, m => values[m.Value], System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }

    /// <summary><paramref name="content"/> as <paramref name="recipient"/> gets it.</summary>
    public string Apply(string content, Recipient recipient) => Apply(content, ValuesFor(recipient));
}

/// <summary>
/// One request's worth of mail: the same content to up to 1000 recipients, each in a personalization of their own. <see cref="PlanId"/>:
/// the ledger plan the batch belongs to (a digest batch), so that SendGrid's events find its ledger row directly.
/// </summary>
public sealed record MailBatch(string RunId, string BatchId, string Category, MailContent Content, IReadOnlyList<Recipient> Recipients, string? PlanId = null);

/// <summary>Sends a batch; returns the provider's message id.</summary>
public interface IMailTransport
{
    Task<string> SendAsync(MailBatch batch, CancellationToken ct);
}

/// <summary>The mail provably did not leave (the provider answered with an error, or the connection was refused): safe to retry.</summary>
public sealed class MailNotSentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The request may have reached the provider (a timeout or a dropped connection after it was sent): do not resend automatically.</summary>
public sealed class MailOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A recipient the provider refused, and why in its words (never their address).</summary>
public sealed record RefusedRecipient(Recipient Recipient, string Reason);

/// <summary>
/// The provider refused the request because of some of its recipients (SendGrid's 400 naming their personalizations) and for no other
/// reason: nothing was sent, and the same content can go to the others without them.
/// </summary>
public sealed class MailRecipientsRefusedException(string message, IReadOnlyList<RefusedRecipient> refused) : Exception(message)
{
    public IReadOnlyList<RefusedRecipient> Refused { get; } = refused;
}
