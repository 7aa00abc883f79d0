using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Notifications.Subscribers;

/// <summary>
/// The member administrations (customs services of member countries), section <c>Members</c>, so that the coverage report
/// lists those that have no subscriber yet, and so that the many spellings subscribers type ("HM Revenue and Customs",
/// "HMRC", "H.M. Revenue &amp; Customs") map to one administration. Checked by <see cref="MemberOptionsValidator"/>.
/// </summary>
/// <example>
/// Members__Administrations__0__Key=uz, Members__Administrations__0__Organization=Customs Committee of Uzbekistan,
/// Members__Administrations__0__Country=UZ, Members__Administrations__0__Names__ru=Таможенный комитет Узбекистана,
/// Members__Administrations__0__Aliases__0=State Customs Committee of Uzbekistan
/// </example>
public sealed class MemberOptions
{
    public const string Section = "Members";

    public List<MemberAdministration> Administrations { get; set; } = [];
}

/// <summary>One member administration: its key, its canonical name per language, the other spellings it goes by, and its country.</summary>
public sealed class MemberAdministration
{
    /// <summary>
    /// What a subscriber's <see cref="Subscriber.Member"/> holds: lowercase letters, digits and hyphens, e.g. "uz" or "gb-hmrc".
    /// Empty: the country code in lowercase (one administration per country).
    /// </summary>
    public string Key { get; set; } = "";

    /// <summary>The canonical name in English, e.g. "Customs Committee of Uzbekistan" (or give it as <c>Names:en</c>).</summary>
    public string Organization { get; set; } = "";

    /// <summary>The canonical name per language (en, ru, fr); a language without one shows the English name.</summary>
    public Dictionary<string, string> Names { get; set; } = [];

    /// <summary>Other spellings subscribers use (abbreviations, former names), e.g. "HMRC".</summary>
    public List<string> Aliases { get; set; } = [];

    /// <summary>ISO 3166-1 alpha-2 code, e.g. UZ.</summary>
    public string Country { get; set; } = "";

    /// <summary>The key in use: <see cref="Key"/>, or the country code in lowercase.</summary>
    public string EffectiveKey => Key.Trim().Length > 0 ? Key.Trim() : Country.Trim().ToLowerInvariant();

    /// <summary>The canonical name in the language, else the English one.</summary>
    public string NameIn(string language)
        => Names.TryGetValue(language, out var name) && !string.IsNullOrWhiteSpace(name) ? name.Trim() : EnglishName;

    /// <summary><see cref="Organization"/>, else <c>Names:en</c>.</summary>
    public string EnglishName
        => Organization.Trim().Length > 0 ? Organization.Trim() : Names.GetValueOrDefault("en")?.Trim() ?? "";

    /// <summary>Every spelling that maps to this administration: the names in every language and the aliases.</summary>
    public IEnumerable<string> Spellings() => new[] { Organization }.Concat(Names.Values).Concat(Aliases).Where(s => !string.IsNullOrWhiteSpace(s));
}

/// <summary>
/// Every administration needs an English name, a valid country code and a unique key; names only in en, ru, fr; no spelling may
/// map to two administrations. Messages name the setting.
/// </summary>
public sealed partial class MemberOptionsValidator : IValidateOptions<MemberOptions>
{
    public static readonly IReadOnlyList<string> Languages = ["en", "ru", "fr"];

    public ValidateOptionsResult Validate(string? name, MemberOptions options)
    {
        var errors = new List<string>();
        var administrations = options.Administrations ?? [];
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var spellings = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < administrations.Count; i++)
        {
            var setting = $"{MemberOptions.Section}:Administrations:{i}";
            var a = administrations[i];
            if (a is null)
            {
                errors.Add($"{setting} is empty: give its Organization and Country.");
                continue;
            }
            a.Names ??= [];
            a.Aliases ??= [];
            if (a.EnglishName.Length == 0)
                errors.Add($"{setting}:Organization is empty: give the administration's name in English, e.g. Customs Committee of Uzbekistan.");
            foreach (var language in a.Names.Keys.Where(l => !Languages.Contains(l)))
                errors.Add($"{setting}:Names:{language}: names are given in {string.Join(", ", Languages)}; remove it or use one of those.");
            if (string.IsNullOrWhiteSpace(a.Country))
            {
                errors.Add($"{setting}:Country is empty: give the ISO 3166-1 alpha-2 code of its country, e.g. UZ.");
                continue;
            }
            try
            {
                SubscriberRules.Country(a.Country);
            }
            catch (InvalidSubscriberException e)
            {
                errors.Add($"{setting}:Country: {e.Message}");
                continue;
            }
            var key = a.EffectiveKey;
            if (!KeyPattern().IsMatch(key))
                errors.Add($"{setting}:Key '{key}' must be lowercase letters, digits and hyphens (at most 40), e.g. uz or gb-hmrc.");
            else if (!keys.TryAdd(key, i))
                errors.Add($"{setting}:Key '{key}' is also the key of {MemberOptions.Section}:Administrations:{keys[key]}" +
                    (a.Key.Trim().Length == 0
                        ? " (a key defaults to the country code): give each administration of one country its own Key."
                        : ": keys are unique."));
            foreach (var spelling in a.Spellings().Select(MemberDirectory.Normalize).Where(s => s.Length > 0).Distinct())
                if (spellings.TryGetValue(spelling, out var other) && other != i)
                    errors.Add($"{setting}: the name or alias '{spelling}' is also one of {MemberOptions.Section}:Administrations:{other}; " +
                        "a spelling must map to one administration.");
                else
                    spellings[spelling] = i;
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")]
    private static partial Regex KeyPattern();
}
