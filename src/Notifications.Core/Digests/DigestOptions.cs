using System.ComponentModel.DataAnnotations;

namespace Notifications.Digests;

/// <summary>What digests say about who sends them (section <c>Digest</c>).</summary>
public sealed class DigestOptions
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
    public Dictionary<string, DigestTexts> Languages { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How often template overrides (the <c>templates</c> container) are checked again after the start (default 5 minutes;
    /// 00:00:00 checks only at the start and when asked, e.g. by <c>notify digest preview</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Digest:TemplateRefresh must be between 00:00:00 (only at start) and 1.00:00:00 (a day).")]
    public TimeSpan TemplateRefresh { get; set; } = TimeSpan.FromMinutes(5);

    public string SenderIn(string language) => Languages.GetValueOrDefault(language)?.Sender is { Length: > 0 } s ? s : Sender;
    public string OrganizationIn(string language) => Languages.GetValueOrDefault(language)?.Organization is { Length: > 0 } s ? s : Organization;
    public string FooterIn(string language) => Languages.GetValueOrDefault(language)?.Footer is { Length: > 0 } s ? s : Footer;
}

/// <summary>What a digest says about who sends it, in one language; anything unset falls back to <see cref="DigestOptions"/>.</summary>
public sealed class DigestTexts
{
    public string? Sender { get; set; }
    public string? Organization { get; set; }
    public string? Footer { get; set; }
}
