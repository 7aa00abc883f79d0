using System.Globalization;
using Microsoft.AspNetCore.Http;
using Notifications.Localization;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>The forms' time-zone, delivery-hour and weekly-day lists, in the page's language.</summary>
public static class TimeChoices
{
    /// <summary>Member administrations' zones from Western Europe to Central Asia.</summary>
    public static readonly IReadOnlyList<string> MemberTimeZones =
    [
        "UTC", "Atlantic/Reykjavik", "Europe/Lisbon", "Europe/Dublin", "Europe/London", "Europe/Madrid", "Europe/Paris",
        "Europe/Brussels", "Europe/Amsterdam", "Europe/Luxembourg", "Europe/Berlin", "Europe/Zurich", "Europe/Vienna",
        "Europe/Rome", "Europe/Copenhagen", "Europe/Oslo", "Europe/Stockholm", "Europe/Prague", "Europe/Warsaw",
        "Europe/Budapest", "Europe/Belgrade", "Europe/Athens", "Europe/Bucharest", "Europe/Sofia", "Europe/Helsinki",
        "Europe/Tallinn", "Europe/Riga", "Europe/Vilnius", TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Kyiv", out _) ? "Europe/Kyiv" : "Europe/Kiev",
        "Europe/Chisinau", "Europe/Minsk", "Europe/Istanbul", "Europe/Moscow", "Europe/Samara", "Asia/Tbilisi", "Asia/Yerevan",
        "Asia/Baku", "Asia/Yekaterinburg", "Asia/Aqtau", "Asia/Aqtobe", "Asia/Tashkent", "Asia/Samarkand", "Asia/Dushanbe",
        "Asia/Ashgabat", "Asia/Bishkek", "Asia/Almaty", "Asia/Omsk",
    ];

    /// <summary>The regions of the IANA ids (their first part), each named in the page's language (<c>pages.zone_region_*</c>).</summary>
    public static readonly IReadOnlyList<string> Regions =
        ["Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"];

    /// <summary>A default zone for a page's language when the browser names no country: where most readers of it work.</summary>
    private static readonly IReadOnlyDictionary<string, string> LanguageZones
        = new Dictionary<string, string>(StringComparer.Ordinal) { ["ru"] = "Europe/Moscow", ["fr"] = "Europe/Paris", ["en"] = "UTC" };

    private static readonly Lazy<IReadOnlyList<string>> AllZones = new(() => TimeZoneInfo.GetSystemTimeZones()
        .Select(z => z.Id)
        .Where(id => id.IndexOf('/') is > 0 and var slash && Regions.Contains(id[..slash]))
        .ToList());

    /// <summary>
    /// The zone a form starts with before the browser's own is known (without script it stays): the zone of the country the browser's
    /// preferred language names (<c>ru-UZ</c> → Asia/Tashkent, a member administration's zone first where the country has several),
    /// else the page language's (<see cref="LanguageZones"/>).
    /// </summary>
    public static string DefaultZone(HttpRequest request, string lang)
    {
        foreach (var value in request.GetTypedHeaders().AcceptLanguage.OrderByDescending(v => v.Quality ?? 1))
        {
            var parts = (value.Value.Value ?? "").Split('-');
            if (parts.Length < 2 || parts[^1].Length != 2 || !parts[^1].All(char.IsAsciiLetter)) continue;
            var zones = IcuNames.ZonesOf(parts[^1]).Where(z => TimeZoneInfo.TryFindSystemTimeZoneById(z, out _)).ToList();
            if (zones.Count > 0)
                return zones.OrderBy(z => MemberTimeZones.Contains(z) ? MemberTimeZones.ToList().IndexOf(z) : int.MaxValue).First();
        }
        return LanguageZones.GetValueOrDefault(lang, "UTC");
    }

    /// <summary>
    /// Every IANA zone, grouped by region (groups and zones in the order of their names in <paramref name="lang"/>), each labelled in
    /// <paramref name="lang"/> from ICU ("Ташкент (Узбекистан) · UTC+05:00"), UTC first on its own; <paramref name="current"/> selected.
    /// </summary>
    internal static (ScriptObject Utc, List<ScriptObject> Groups) ZoneGroups(string lang, string current, DateTimeOffset now)
    {
        var t = PageWords.For(lang);
        var compare = StringComparer.Create(CultureInfo.GetCultureInfo(lang), ignoreCase: true);
        var ids = AllZones.Value.Contains(current) || current == "UTC" || !current.Contains('/') ? AllZones.Value : [.. AllZones.Value, current];
        var groups = ids
            .GroupBy(id => id[..id.IndexOf('/')])
            .Select(g => (Region: g.Key, Label: t.GetValueOrDefault("zone_region_" + g.Key.ToLowerInvariant(), g.Key), Zones: g))
            .OrderBy(g => g.Label, compare)
            .Select(g => new ScriptObject
            {
                ["label"] = g.Label,
                ["zones"] = g.Zones
                    .Select(id => (Id: id, Label: ZoneLabel(id, lang, now)))
                    .OrderBy(z => z.Label, compare)
                    .Select(z => new ScriptObject { ["value"] = z.Id, ["label"] = z.Label, ["selected"] = z.Id == current })
                    .ToList(),
            }).ToList();
        var utc = new ScriptObject { ["value"] = "UTC", ["label"] = t["zone_utc"], ["selected"] = current is "UTC" or "" };
        return (utc, groups);
    }

    /// <summary>A zone's name in <paramref name="lang"/>: ICU's exemplar city and the zone's country ("Ташкент (Узбекистан)"), then its
    /// offset at <paramref name="now"/>; the id with spaces when ICU has no name for it.</summary>
    public static string ZoneLabel(string id, string lang, DateTimeOffset now)
    {
        if (id == "UTC") return PageWords.For(lang)["zone_utc"];
        var offset = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone.GetUtcOffset(now) : TimeSpan.Zero;
        return $"{ZoneName(id, lang)} · {Offset(offset)}";
    }

    /// <summary>A zone's name in <paramref name="lang"/> without its offset: "Ташкент (Узбекистан)", "UTC".</summary>
    public static string ZoneName(string id, string lang) => IcuNames.ZoneName(id, lang);

    /// <summary><see cref="MemberTimeZones"/> and the subscriber's own if it is not among them, by their offset at <paramref name="now"/>,
    /// labelled in <paramref name="lang"/> (<see cref="ZoneLabel"/>).</summary>
    internal static List<ScriptObject> TimeZones(string current, DateTimeOffset now, string lang = "en")
    {
        var ids = MemberTimeZones.Append(current).Distinct(StringComparer.Ordinal);
        var zones = new List<(string Id, TimeSpan Offset)>();
        foreach (var id in ids)
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
                zones.Add((id, zone.GetUtcOffset(now)));
            else if (id == current)
                zones.Add((id, TimeSpan.Zero));
        }
        return zones.OrderBy(z => z.Offset).ThenBy(z => z.Id, StringComparer.Ordinal).Select(z => new ScriptObject
        {
            ["value"] = z.Id,
            ["label"] = $"{Offset(z.Offset)} · {ZoneName(z.Id, lang)}",
            ["selected"] = z.Id == current,
        }).ToList();
    }

    private static string Offset(TimeSpan offset) => $"UTC{(offset < TimeSpan.Zero ? "−" : "+")}{offset.Duration():hh\\:mm}";

    /// <summary>The weekly day choices, Monday first (ISO), named in <paramref name="lang"/> by .NET's culture data; the first is
    /// "Default (Monday)" with <paramref name="defaultDay"/> (Schedule:WeeklyDay).</summary>
    internal static List<ScriptObject> WeeklyDays(string lang, string? current, DayOfWeek defaultDay)
    {
        var names = CultureInfo.GetCultureInfo(lang).DateTimeFormat;
        var t = PageWords.For(lang);
        var choices = new List<ScriptObject>
        {
            new() { ["value"] = "", ["label"] = t["weekly_day_default"].Replace("{day}", Capital(names.GetDayName(defaultDay), lang), StringComparison.Ordinal),
                ["selected"] = string.IsNullOrEmpty(current) },
        };
        foreach (var day in Enumerable.Range(1, 7).Select(i => (DayOfWeek)(i % 7)))
            choices.Add(new ScriptObject
            {
                ["value"] = day.ToString().ToLowerInvariant(),
                ["label"] = Capital(names.GetDayName(day), lang),
                ["selected"] = string.Equals(current, day.ToString(), StringComparison.OrdinalIgnoreCase),
            });
        return choices;
    }

    private static string Capital(string text, string lang)
        => text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.GetCultureInfo(lang)) + text[1..];

    /// <summary>"Default (08:00)", with the configured <paramref name="defaultHour"/> (Schedule:DeliveryHour), then every hour of
    /// the day, 00:00 to 23:00.</summary>
    internal static List<ScriptObject> DeliveryHours(IReadOnlyDictionary<string, string> t, int? current, int defaultHour)
    {
        var choices = new List<ScriptObject>
        {
            new()
            {
                ["value"] = "", ["label"] = t["delivery_hour_default"].Replace("{time}", Clock(defaultHour), StringComparison.Ordinal),
                ["selected"] = current is null
            },
        };
        for (var hour = 0; hour < 24; hour++)
            choices.Add(new ScriptObject { ["value"] = hour.ToString(CultureInfo.InvariantCulture), ["label"] = Clock(hour), ["selected"] = current == hour });
        return choices;

        static string Clock(int hour) => hour.ToString("00", CultureInfo.InvariantCulture) + ":00";
    }
}
