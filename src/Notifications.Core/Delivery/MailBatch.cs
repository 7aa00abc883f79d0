using Notifications.Digests;

namespace Notifications.Delivery;

/// <summary>One addressee, with the links only they may use (signed for them).</summary>
public sealed record Recipient(string SubscriberId, string Email, string Name, string? UnsubscribeUrl = null, string? PreferencesUrl = null)
{
    /// <summary>
    /// The per-recipient values the content's placeholders stand for. Content is rendered once per batch with placeholders;
    /// SendGrid substitutes them per personalization, and the outbox does the same. The name has an HTML-encoded form for the
    /// HTML part and a plain one for the text part, so neither needs escaping at send time.
    /// </summary>
    public IReadOnlyDictionary<string, string> Substitutions => new Dictionary<string, string>
    {
        [MailPlaceholders.NameHtml] = System.Net.WebUtility.HtmlEncode(Name),
        [MailPlaceholders.NameText] = Name,
        [MailPlaceholders.UnsubscribeUrl] = UnsubscribeUrl ?? "",
        [MailPlaceholders.PreferencesUrl] = PreferencesUrl ?? "",
    };
}

/// <summary>Placeholders that templates write where a recipient's own value goes.</summary>
public static class MailPlaceholders
{
    public const string NameHtml = "%recipient_name_html%";
    public const string NameText = "%recipient_name_text%";
    public const string UnsubscribeUrl = "%unsubscribe_url%";
    public const string PreferencesUrl = "%preferences_url%";

    public static string Apply(string content, IReadOnlyDictionary<string, string> values)
        => values.Aggregate(content, (text, pair) => text.Replace(pair.Key, pair.Value, StringComparison.Ordinal));
}

/// <summary>One request's worth of mail: the same content to up to 1000 recipients, each in a personalization of their own.</summary>
public sealed record MailBatch(string RunId, string BatchId, string Category, MailContent Content, IReadOnlyList<Recipient> Recipients);

/// <summary>Sends a batch; returns the provider's message id.</summary>
public interface IMailTransport
{
    Task<string> SendAsync(MailBatch batch, CancellationToken ct);
}

/// <summary>The mail provably did not leave (the provider answered with an error, or the connection was refused): safe to retry.</summary>
public sealed class MailNotSentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The request may have reached the provider (a timeout or a dropped connection after it was sent): do not resend automatically.</summary>
public sealed class MailOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner);
