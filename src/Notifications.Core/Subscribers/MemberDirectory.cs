using System.Text;
using Microsoft.Extensions.Options;

namespace Notifications.Subscribers;

/// <summary>
/// The configured member administrations (<see cref="MemberOptions"/>), looked up by key or by any spelling of their name:
/// an organization matches an administration when, ignoring case, accents, spaces and punctuation ("&amp;" reads "and"), it
/// equals one of its names (any language) or aliases.
/// </summary>
public sealed class MemberDirectory
{
    private readonly IReadOnlyList<MemberAdministration> administrations;
    private readonly Dictionary<string, MemberAdministration> byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemberAdministration> bySpelling = new(StringComparer.Ordinal);

    public MemberDirectory(IOptions<MemberOptions> options)
    {
        administrations = options.Value.Administrations ?? [];
        foreach (var a in administrations)
        {
            byKey.TryAdd(a.EffectiveKey, a);
            foreach (var spelling in a.Spellings().Select(Normalize).Where(s => s.Length > 0))
                bySpelling.TryAdd(spelling, a);
        }
    }

    public IReadOnlyList<MemberAdministration> All => administrations;

    /// <summary>The administration with this key; null when none is configured with it.</summary>
    public MemberAdministration? Find(string? key) => key is { Length: > 0 } ? byKey.GetValueOrDefault(key.Trim()) : null;

    /// <summary>The administration whose name or alias the organization is (any spelling); null when none.</summary>
    public MemberAdministration? Match(string? organization)
        => Normalize(organization) is { Length: > 0 } normal ? bySpelling.GetValueOrDefault(normal) : null;

    /// <summary>The subscriber's administration: the one they are linked to, else the one their organization names; null when neither.</summary>
    public MemberAdministration? Of(Subscriber subscriber) => Find(subscriber.Member) ?? Match(subscriber.Organization);

    /// <summary>Letters and digits only, lowercase, without accents; "&amp;" as "and". "H.M. Revenue &amp; Customs" → "hmrevenueandcustoms".</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var decomposed = text.Replace("&", "and", StringComparison.Ordinal).Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (char.IsLetterOrDigit(c))
                builder.Append(char.ToLowerInvariant(c));
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
