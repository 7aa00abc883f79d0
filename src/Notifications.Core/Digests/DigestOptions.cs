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
}
