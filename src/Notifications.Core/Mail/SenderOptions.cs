using System.ComponentModel.DataAnnotations;

namespace Notifications.Mail;

/// <summary>Who sends the mail, as every message says it (section <c>Digest</c>, shared with the digests' own <c>DigestOptions</c>).</summary>
public sealed class SenderOptions : IValidatableObject
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

    /// <summary>Where a reader writes to the secretariat, shown in every digest's footer (e.g. "ptc@secretariat.example"); empty: not shown.</summary>
    public string? ContactAddress { get; set; }

    /// <summary>
    /// The secretariat's postal address, one line, shown in every digest's footer (e.g. "Rue du Marché 30, 1210 Brussels, Belgium");
    /// empty: not shown.
    /// </summary>
    public string PostalAddress { get; set; } = "";

    /// <summary>
    /// Sender, organisation, footer and addresses in other languages (<c>Digest:Languages:ru:Organization</c>, ...): a digest in Russian
    /// uses these where set, and the values above otherwise.
    /// </summary>
    public Dictionary<string, SenderTexts> Languages { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string SenderIn(string language) => Languages.GetValueOrDefault(language)?.Sender is { Length: > 0 } s ? s : Sender;
    public string OrganizationIn(string language) => Languages.GetValueOrDefault(language)?.Organization is { Length: > 0 } s ? s : Organization;
    public string FooterIn(string language) => Languages.GetValueOrDefault(language)?.Footer is { Length: > 0 } s ? s : Footer;
    public string ContactAddressIn(string language)
        => Languages.GetValueOrDefault(language)?.ContactAddress is { Length: > 0 } s ? s : ContactAddress ?? "";
    public string PostalAddressIn(string language)
        => Languages.GetValueOrDefault(language)?.PostalAddress is { Length: > 0 } s ? s : PostalAddress;

    /// <summary>A contact address that is set is an address, here and in each language.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var email = new EmailAddressAttribute();
        if (ContactAddress is { Length: > 0 } contact && !email.IsValid(contact))
            yield return new ValidationResult(
                "Digest:ContactAddress is not an email address: write the secretariat's address, e.g. 'ptc@secretariat.example', or leave it empty.",
                [nameof(ContactAddress)]);
        foreach (var (language, texts) in Languages)
            if (texts.ContactAddress is { Length: > 0 } address && !email.IsValid(address))
                yield return new ValidationResult(
                    $"Digest:Languages:{language}:ContactAddress is not an email address: write the address, or leave it empty.",
                    [nameof(Languages)]);
    }
}

/// <summary>What a message says about who sends it, in one language; anything unset falls back to <see cref="SenderOptions"/>.</summary>
public sealed class SenderTexts
{
    public string? Sender { get; set; }
    public string? Organization { get; set; }
    public string? Footer { get; set; }

    /// <summary>The contact address for readers of this language, where it differs (e.g. a Russian-speaking desk).</summary>
    public string? ContactAddress { get; set; }

    /// <summary>The postal address as written for readers of this language ("Рю дю Марше 30, 1210 Брюссель, Бельгия").</summary>
    public string? PostalAddress { get; set; }
}
