namespace Notifications.Subscribers;

/// <summary>
/// What the public subscribe form (or its JSON twin) asks for, every value as typed. <paramref name="Member"/> is the key of a
/// configured member administration (<see cref="MemberOptions"/>) the person chose: its name and country fill the organisation and
/// country when they are left empty. Empty or <c>other</c>: the organisation and country as typed.
/// </summary>
public sealed record SubscribeForm(
    string? Email, string? Name, string? Organization, string? Country, string? Language, string? Frequency,
    IReadOnlyList<string>? Topics, string? TimeZone = null, string? DeliveryHour = null, string? WeeklyDay = null, string? Member = null)
{
    /// <summary>The <see cref="Member"/> value that means "my administration is not in the list".</summary>
    public const string OtherMember = "other";
}

/// <summary>Every field of a subscribe form that is wrong, at once (each error names its field, as <see cref="InvalidSubscriberException"/>).</summary>
public sealed class InvalidSubscribeFormException(IReadOnlyList<InvalidSubscriberException> errors)
    : Exception(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<InvalidSubscriberException> Errors { get; } = errors;
}

/// <summary>Checks a <see cref="SubscribeForm"/> field by field, collecting every error, and gives the pending subscriber it describes.</summary>
public sealed class SubscribeFormCheck(SubscriberStore store, SubscriberRules rules, MemberDirectory members)
{
    /// <summary>The pending subscriber the form describes (not stored).</summary>
    /// <exception cref="InvalidSubscribeFormException">One or more fields are wrong: all of them are named.</exception>
    public Subscriber Candidate(SubscribeForm form, string consentSource)
    {
        var errors = new List<InvalidSubscriberException>();
        T Try<T>(Func<T> check, T fallback)
        {
            try
            {
                return check();
            }
            catch (InvalidSubscriberException e)
            {
                errors.Add(e);
                return fallback;
            }
        }

        var email = Try(() => SubscriberEmail.Normalize(form.Email), "");
        var language = Try(() => SubscriberRules.Language(form.Language), "en");
        var member = form.Member?.Trim() is { Length: > 0 } key && key != SubscribeForm.OtherMember
            ? members.Find(key) ?? Try<MemberAdministration?>(
                () => throw new InvalidSubscriberException(
                    "member", $"member '{key}' is not one of the configured administrations; choose one or 'other'."), null)
            : null;
        var name = Try(() => rules.Name(form.Name), "");
        var organization = Try(() => rules.Organization(Blank(form.Organization) && member is not null ? member.NameIn(language) : form.Organization), "");
        var country = Try(() => SubscriberRules.Country(Blank(form.Country) && member is not null ? member.Country : form.Country), "");
        var frequency = Try(() => Blank(form.Frequency) ? DigestFrequency.Daily : SubscriberRules.Frequency(form.Frequency), DigestFrequency.Daily);
        var topics = Try(() => rules.Topics(form.Topics), []);
        var zone = Try(() => SubscriberRules.TimeZone(form.TimeZone), "UTC");
        var hour = Try(() => SubscriberRules.DeliveryHour(form.DeliveryHour), null);
        var weeklyDay = Try(() => SubscriberRules.WeeklyDay(form.WeeklyDay), null);
        if (errors.Count > 0)
            throw new InvalidSubscribeFormException(errors);

        var candidate = store.Create(
            new NewSubscriber(email, name, organization, language, frequency, SubscriberStatus.Pending, country, topics, zone, hour, weeklyDay),
            consentSource);
        // The time fields the form gave are the subscriber's own choice: confirming applies them (and an import keeps them); a
        // request without them (an older form, the JSON API) leaves a subscriber's stored ones as they are.
        var chosen = new List<string>();
        if (!Blank(form.TimeZone)) chosen.Add(SubscriberFields.TimeZone);
        if (form.DeliveryHour is not null) chosen.Add(SubscriberFields.DeliveryHour);
        if (form.WeeklyDay is not null) chosen.Add(SubscriberFields.WeeklyDay);
        return candidate with
        {
            Member = member?.EffectiveKey ?? members.Match(organization)?.EffectiveKey ?? "",
            ChosenBySubscriber = chosen.Count > 0 ? chosen : null,
        };
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}
