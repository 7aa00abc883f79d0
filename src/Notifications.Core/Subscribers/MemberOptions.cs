using Microsoft.Extensions.Options;

namespace Notifications.Subscribers;

/// <summary>
/// The member administrations (customs services of member countries), section <c>Members</c>, so that the coverage report
/// lists those that have no subscriber yet. Checked by <see cref="MemberOptionsValidator"/>.
/// </summary>
/// <example>Members__Administrations__0__Organization=Customs Committee of Uzbekistan, Members__Administrations__0__Country=UZ</example>
public sealed class MemberOptions
{
    public const string Section = "Members";

    public List<MemberAdministration> Administrations { get; set; } = [];
}

/// <summary>One member administration: its name, as subscribers' organization gives it, and its country.</summary>
public sealed class MemberAdministration
{
    /// <summary>E.g. "Customs Committee of Uzbekistan". Matched with subscribers' organization ignoring case and surrounding spaces.</summary>
    public string Organization { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2 code, e.g. UZ.</summary>
    public string Country { get; set; } = "";
}

/// <summary>Every administration needs a name and a valid country code; messages name the setting.</summary>
public sealed class MemberOptionsValidator : IValidateOptions<MemberOptions>
{
    public ValidateOptionsResult Validate(string? name, MemberOptions options)
    {
        var errors = new List<string>();
        var administrations = options.Administrations ?? [];
        for (var i = 0; i < administrations.Count; i++)
        {
            var setting = $"{MemberOptions.Section}:Administrations:{i}";
            var a = administrations[i];
            if (a is null)
            {
                errors.Add($"{setting} is empty: give its Organization and Country.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(a.Organization))
                errors.Add($"{setting}:Organization is empty: give the administration's name, e.g. Customs Committee of Uzbekistan.");
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
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
