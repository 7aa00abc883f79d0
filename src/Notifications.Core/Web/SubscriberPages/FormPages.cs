using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Localization;
using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>The two forms, subscribe and preferences, with their choices (languages, frequencies, topics, time zones, hours, days,
/// member administrations, countries), named in the page's language.</summary>
internal sealed class FormPages(
    PageRenderer renderer, TopicCatalog catalog, MemberDirectory members, IOptions<ScheduleOptions> schedule, TimeProvider time)
{
    /// <summary>The subscribe form with <paramref name="values"/>, every error beside its field and listed above the form.</summary>
    public IResult Subscribe(int status, string lang, SubscribeValues values, IReadOnlyList<InvalidSubscriberException> errors)
    {
        var t = PageWords.For(lang);
        var frequency = string.IsNullOrWhiteSpace(values.Frequency) ? "daily" : values.Frequency.Trim().ToLowerInvariant();
        var language = SubscriberRules.Languages.Contains(values.Language.Trim().ToLowerInvariant()) ? values.Language.Trim().ToLowerInvariant() : lang;
        var fieldErrors = new ScriptObject();
        foreach (var field in FormOrder)
            fieldErrors[FieldId(field)] = "";
        var summary = new List<ScriptObject>();
        foreach (var e in errors.DistinctBy(e => e.Field).OrderBy(e => Array.IndexOf(FormOrder, e.Field) is var i and >= 0 ? i : FormOrder.Length))
        {
            var id = FieldId(e.Field);
            var text = FieldError(lang, e.Field);
            fieldErrors[id] = text;
            summary.Add(new ScriptObject { ["id"] = id, ["text"] = text });
        }
        var member = values.Member?.Trim() ?? "";
        var zone = string.IsNullOrWhiteSpace(values.TimeZone) ? "UTC" : values.TimeZone.Trim();
        var (utc, zoneGroups) = TimeChoices.ZoneGroups(lang, zone, time.GetUtcNow());
        return renderer.Page(status, lang, errors.Count > 0 ? t["error_summary_title"] + " · " + t["subscribe_title"] : t["subscribe_title"],
            "page-subscribe.html.sbn", new ScriptObject
            {
                ["page_footer"] = t["footer_subscribe"],
                ["errors"] = summary,
                ["field_errors"] = fieldErrors,
                ["email"] = values.Email,
                ["name"] = values.Name,
                ["organization"] = values.Organization,
                ["country"] = (values.Country ?? "").Trim().ToUpperInvariant(),
                ["members"] = MemberChoices(lang, member),
                ["member_other"] = member.Length == 0 || member == SubscribeForm.OtherMember || members.Find(member) is null,
                ["countries"] = CountryChoices(lang, (values.Country ?? "").Trim().ToUpperInvariant()),
                ["languages"] = LanguageChoices(language),
                ["frequencies"] = FrequencyChoices(t, frequency),
                ["topics"] = TopicChoices(lang, (values.Topics ?? []).Select(v => catalog.Resolve(v) ?? v).ToHashSet()),
                ["zone_utc"] = utc,
                ["zone_groups"] = zoneGroups,
                ["zone_chosen"] = !string.IsNullOrWhiteSpace(values.TimeZone) && status != 200,
                ["delivery_hours"] = TimeChoices.DeliveryHours(t, int.TryParse(values.DeliveryHour, out var hour) ? hour : null, schedule.Value.DeliveryHour),
                ["weekly_days"] = TimeChoices.WeeklyDays(lang, values.WeeklyDay, schedule.Value.WeeklyDay),
            }, SubscribeHeaders);
    }

    /// <summary>The subscribe form's policy: the pages' own, plus this site's scripts (the one that preselects the browser's time zone).</summary>
    public const string SubscribeContentSecurityPolicy
        = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

    private static void SubscribeHeaders(IHeaderDictionary headers)
    {
        PageResults.ApplySecurityHeaders(headers);
        headers.ContentSecurityPolicy = SubscribeContentSecurityPolicy;
    }

    /// <summary>The fields in the order the form shows them, so the error list reads top to bottom.</summary>
    private static readonly string[] FormOrder =
        ["email", "name", "member", "organization", "country", "language", "frequency", "time_zone", "deliveryHour", "weeklyDay", "topics"];

    /// <summary>The form's id of a field an error names.</summary>
    private static string FieldId(string field) => field switch
    {
        "deliveryHour" => "delivery_hour",
        "weeklyDay" => "weekly_day",
        "topics" => "topic-0",
        "frequency" => "frequency-daily",
        _ => field,
    };

    private List<ScriptObject> MemberChoices(string lang, string selected)
        => members.All
            .Select(a => (Key: a.EffectiveKey, Label: a.NameIn(lang), Country: IcuNames.Country(a.Country, lang) ?? a.Country))
            .OrderBy(a => a.Country, StringComparer.Create(CultureInfo.GetCultureInfo(lang), ignoreCase: true))
            .ThenBy(a => a.Label, StringComparer.Create(CultureInfo.GetCultureInfo(lang), ignoreCase: true))
            .Select(a => new ScriptObject { ["value"] = a.Key, ["label"] = $"{a.Label} ({a.Country})", ["selected"] = a.Key == selected })
            .ToList();

    private static List<ScriptObject> CountryChoices(string lang, string selected)
        => IcuNames.Countries
            .Select(c => (Code: c, Name: IcuNames.Country(c, lang)))
            .Where(c => c.Name is not null && IsRegion(c.Code))
            .OrderBy(c => c.Name, StringComparer.Create(CultureInfo.GetCultureInfo(lang), ignoreCase: true))
            .Select(c => new ScriptObject { ["value"] = c.Code, ["label"] = c.Name, ["selected"] = c.Code == selected })
            .ToList();

    private static bool IsRegion(string code)
    {
        try
        {
            return SubscriberRules.Country(code) == code;
        }
        catch (InvalidSubscriberException)
        {
            return false;
        }
    }

    /// <summary>The preferences form of <paramref name="subscriber"/>, in their language, with a saved note or an error when given.</summary>
    public IResult Preferences(int status, Subscriber subscriber, string token, string? saved, string? error)
    {
        var lang = subscriber.Language;
        var t = PageWords.For(lang);
        var note = subscriber.Status switch
        {
            SubscriberStatus.Active => "",
            SubscriberStatus.Pending => t["status_pending"],
            SubscriberStatus.Unsubscribed when saved is not null => "",
            _ => t["status_inactive"],
        };
        return renderer.Page(status, lang, t["preferences_title"], "page-preferences.html.sbn", new ScriptObject
        {
            // Their own link: their own address, in full.
            ["email"] = subscriber.Email,
            ["token"] = token,
            ["saved"] = saved ?? "",
            ["error"] = error ?? "",
            ["status_note"] = note,
            ["can_unsubscribe"] = subscriber.Status != SubscriberStatus.Unsubscribed,
            ["frequencies"] = FrequencyChoices(t, subscriber.Frequency.ToString().ToLowerInvariant()),
            ["topics"] = TopicChoices(lang, subscriber.TopicList.ToHashSet()),
            ["languages"] = LanguageChoices(subscriber.Language),
            ["time_zones"] = TimeChoices.TimeZones(subscriber.TimeZone, time.GetUtcNow(), lang),
            ["delivery_hours"] = TimeChoices.DeliveryHours(t, subscriber.DeliveryHour, schedule.Value.DeliveryHour),
        });
    }

    /// <summary>What is wrong with <paramref name="field"/>, in <paramref name="lang"/>; the general error when there are no words for it.</summary>
    public static string FieldError(string lang, string field)
        => PageWords.For(lang).TryGetValue(
            "error_" + field switch { "deliveryHour" => "delivery_hour", "weeklyDay" => "weekly_day", _ => field }, out var message)
            ? message
            : PageWords.For(lang)["error_body"];

    private static List<ScriptObject> LanguageChoices(string selected)
        => SubscriberRules.Languages.Select(l => new ScriptObject
        {
            ["value"] = l,
            ["label"] = PageWords.LanguageNames[l],
            ["selected"] = l == selected,
        }).ToList();

    private static List<ScriptObject> FrequencyChoices(IReadOnlyDictionary<string, string> t, string selected)
        => new[] { "instant", "daily", "weekly" }.Select(f => new ScriptObject
        {
            ["value"] = f,
            ["label"] = t["frequency_" + f],
            ["selected"] = f == selected,
        }).ToList();

    private List<ScriptObject> TopicChoices(string lang, IReadOnlySet<string> selected)
        => catalog.Keys
            .Select(k => (Key: k, Label: PageWords.TopicLabel(lang, k)))
            .OrderBy(k => k.Label, StringComparer.Create(CultureInfo.GetCultureInfo(lang), ignoreCase: true))
            .Select((k, i) => new ScriptObject
            {
                ["id"] = $"topic-{i}",
                ["value"] = k.Key,
                ["label"] = k.Label,
                ["selected"] = selected.Contains(k.Key),
            }).ToList();
}
