using System.Globalization;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>The preferences form's time-zone and delivery-hour lists.</summary>
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

    /// <summary><see cref="MemberTimeZones"/> and the subscriber's own if it is not among them, by their offset at <paramref name="now"/>.</summary>
    internal static List<ScriptObject> TimeZones(string current, DateTimeOffset now)
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
            ["label"] = $"UTC{(z.Offset < TimeSpan.Zero ? "−" : "+")}{z.Offset.Duration():hh\\:mm} · {z.Id.Replace('_', ' ')}",
            ["selected"] = z.Id == current,
        }).ToList();
    }

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
