using System.Globalization;
using Notifications.Localization;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Subscribers;

/// <summary>
/// What a subscribe request chose, as the lines the confirmation email repeats in the request's language: how often, when (day and
/// hour, in the chosen time zone), the time zone (named by ICU: "Ташкент (Узбекистан)"), the topics, the language.
/// </summary>
public static class SubscribeChoices
{
    /// <summary>The lines, each <c>label</c> and <c>value</c>, for <paramref name="candidate"/> in its own language.</summary>
    public static List<ScriptObject> Lines(Subscriber candidate, IDeliveryDefaults? defaults)
    {
        var lang = candidate.Language;
        var t = Translations.For(lang);
        var culture = CultureInfo.GetCultureInfo(lang);
        var hour = (candidate.DeliveryHour ?? defaults?.DeliveryHour ?? 8).ToString("00", CultureInfo.InvariantCulture) + ":00";
        var day = culture.DateTimeFormat.GetDayName(candidate.WeeklyDay ?? defaults?.WeeklyDay ?? DayOfWeek.Monday);
        var when = candidate.Frequency switch
        {
            DigestFrequency.Instant => t["confirmation_mail.time_instant"],
            DigestFrequency.Weekly => t["confirmation_mail.time_weekly"]
                .Replace("{day}", day, StringComparison.Ordinal).Replace("{time}", hour, StringComparison.Ordinal),
            _ => t["confirmation_mail.time_daily"].Replace("{time}", hour, StringComparison.Ordinal),
        };
        var topics = candidate.TopicList.Count == 0
            ? t["confirmation_mail.all_topics"]
            : string.Join(", ", candidate.TopicList.Select(k => TopicNames.Label(k, lang)));
        var lines = new List<(string Label, string Value)>
        {
            (t["confirmation_mail.chosen_frequency"], t["pages.frequency_" + candidate.Frequency.ToString().ToLowerInvariant()]),
            (t["confirmation_mail.chosen_time"], when),
        };
        if (candidate.Frequency != DigestFrequency.Instant)
            lines.Add((t["confirmation_mail.chosen_zone"], IcuNames.ZoneName(candidate.TimeZone, lang)));
        lines.Add((t["confirmation_mail.chosen_topics"], topics));
        lines.Add((t["confirmation_mail.chosen_language"], t["language.name"]));
        return lines.Select(l => new ScriptObject { ["label"] = l.Label, ["value"] = l.Value }).ToList();
    }
}
