using System.ComponentModel.DataAnnotations;

namespace Notifications.Mail;

/// <summary>Who sends the mail, as every message says it (section <c>Digest</c>, shared with the digests' own <c>DigestOptions</c>).</summary>
public sealed class SenderOptions
{
    public const string Section = "Digest";

    /// <summary>Shown in subjects and headers, e.g. "PTC Secretariat".</summary>
    [Required(ErrorMessage = "Digest:Sender is empty: name who sends the digests, e.g. 'PTC Secretariat'.")]
    public string Sender { get; set; } = "Notifications";

    /// <summary>The organisation whose reports these are, shown in the footer.</summary>
    [Required(ErrorMessage = "Digest:Organization is empty: name the organisation whose reports these are.")]
    public string Organization { get; set; } = "the secretariat's session reports";

    /// <summary>An extra last line for every digest (the preference and unsubscribe links are always there).</summary>
    public string Footer { get; set; } = "";

    /// <summary>
    /// Sender, organisation and footer in other languages (<c>Digest:Languages:ru:Organization</c>, ...): a digest in Russian
    /// uses these where set, and the values above otherwise.
    /// </summary>
    public Dictionary<string, SenderTexts> Languages { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string SenderIn(string language) => Languages.GetValueOrDefault(language)?.Sender is { Length: > 0 } s ? s : Sender;
    public string OrganizationIn(string language) => Languages.GetValueOrDefault(language)?.Organization is { Length: > 0 } s ? s : Organization;
    public string FooterIn(string language) => Languages.GetValueOrDefault(language)?.Footer is { Length: > 0 } s ? s : Footer;
}

/// <summary>What a message says about who sends it, in one language; anything unset falls back to <see cref="SenderOptions"/>.</summary>
public sealed class SenderTexts
{
    public string? Sender { get; set; }
    public string? Organization { get; set; }
    public string? Footer { get; set; }
}
