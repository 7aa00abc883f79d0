using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>The two forms, subscribe and preferences, with their choices (languages, frequencies, topics, time zones, hours).</summary>
internal sealed class FormPages(PageRenderer renderer, TopicCatalog catalog, IOptions<ScheduleOptions> schedule, TimeProvider time)
{
    /// <summary>The subscribe form with <paramref name="values"/>, and the error beside <paramref name="errorField"/> when there is one.</summary>
    public IResult Subscribe(int status, string lang, SubscribeValues values, string? errorField, string? error)
    {
        var t = PageWords.For(lang);
        var frequency = string.IsNullOrWhiteSpace(values.Frequency) ? "daily" : values.Frequency.Trim().ToLowerInvariant();
        var language = SubscriberRules.Languages.Contains(values.Language.Trim().ToLowerInvariant()) ? values.Language.Trim().ToLowerInvariant() : lang;
        return renderer.Page(status, lang, t["subscribe_title"], "page-subscribe.html.sbn", new ScriptObject
        {
            ["error"] = error ?? "",
            ["error_field"] = errorField ?? "",
            ["email"] = values.Email,
            ["name"] = values.Name,
            ["organization"] = values.Organization,
            ["country"] = values.Country,
            ["languages"] = LanguageChoices(language),
            ["frequencies"] = FrequencyChoices(t, frequency),
            ["topics"] = TopicChoices(lang, (values.Topics ?? []).Select(v => catalog.Resolve(v) ?? v).ToHashSet()),
        });
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
            ["time_zones"] = TimeChoices.TimeZones(subscriber.TimeZone, time.GetUtcNow()),
            ["delivery_hours"] = TimeChoices.DeliveryHours(t, subscriber.DeliveryHour, schedule.Value.DeliveryHour),
        });
    }

    /// <summary>What is wrong with <paramref name="field"/>, in <paramref name="lang"/>; the general error when there are no words for it.</summary>
    public static string FieldError(string lang, string field)
        => PageWords.For(lang).TryGetValue("error_" + (field == "deliveryHour" ? "delivery_hour" : field), out var message)
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
