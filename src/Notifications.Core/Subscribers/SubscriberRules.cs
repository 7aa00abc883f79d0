using System.Globalization;
using Notifications.Localization;
using Notifications.Topics;

namespace Notifications.Subscribers;

/// <summary>What makes subscriber fields valid; every message names the field and what to do.</summary>
public sealed class SubscriberRules(TopicCatalog catalog)
{
    public static readonly string[] Languages = [.. Translations.Languages];

    public string Name(string? value) => SingleLine(value, "name", 200);

    public string Organization(string? value) => SingleLine(value, "organization", 200);

    public static string Language(string? value)
    {
        var language = (value ?? "").Trim().ToLowerInvariant();
        return Languages.Contains(language)
            ? language
            : throw new InvalidSubscriberException("language", $"language '{value}' is not supported; use one of {string.Join(", ", Languages)}.");
    }

    public static DigestFrequency Frequency(string? value)
    {
        try
        {
            return DigestFrequencies.Parse(value ?? "");
        }
        catch (ArgumentException e)
        {
            throw new InvalidSubscriberException("frequency", e.Message);
        }
    }

    public static SubscriberStatus Status(string? value)
        => Enum.TryParse<SubscriberStatus>(value, ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(value, out _)
            ? status
            : throw new InvalidSubscriberException(
                "status",
                $"status '{value}' is not one of {string.Join(", ", Enum.GetNames<SubscriberStatus>().Select(n => n.ToLowerInvariant()))}.");

    /// <summary>ISO 3166-1 alpha-2 ("UZ"), upper-cased; empty when not given.</summary>
    public static string Country(string? value)
    {
        var code = (value ?? "").Trim().ToUpperInvariant();
        if (code.Length == 0) return "";
        try
        {
            if (code.Length == 2 && code.All(char.IsAsciiLetterUpper) && new RegionInfo(code).TwoLetterISORegionName == code)
                return code;
        }
        catch (ArgumentException)
        {
        }
        throw new InvalidSubscriberException("country", $"country '{value}' is not an ISO 3166-1 alpha-2 code; use two letters such as UZ, AZ or BE.");
    }

    /// <summary>An IANA time zone id ("Asia/Tashkent"); UTC when not given.</summary>
    public static string TimeZone(string? value)
    {
        var id = (value ?? "").Trim();
        if (id.Length == 0) return "UTC";
        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out _) && (id.Contains('/') || id == "UTC"))
            return id;
        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana))
            return iana;
        throw new InvalidSubscriberException(
            "time_zone",
            $"time zone '{value}' is not an IANA time zone id; use one such as Europe/Brussels or Asia/Tashkent.");
    }

    /// <summary>The day of a weekly digest from text: an English day name ("monday", "Mon" is not enough) or ISO 1–7 (Monday = 1);
    /// null (the default, <c>Schedule:WeeklyDay</c>) when empty.</summary>
    public static DayOfWeek? WeeklyDay(string? value)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0) return null;
        if (text.Length == 1 && text[0] is >= '1' and <= '7')
            return (DayOfWeek)((text[0] - '0') % 7);
        if (!text.All(char.IsAsciiDigit) && Enum.TryParse<DayOfWeek>(text, ignoreCase: true, out var day) && Enum.IsDefined(day))
            return day;
        throw new InvalidSubscriberException("weeklyDay", $"weeklyDay '{value}' is not a day of the week; use monday … sunday, or empty for the default.");
    }

    /// <summary>A stored weekly day (its English name); null when absent or unreadable.</summary>
    public static DayOfWeek? StoredWeeklyDay(string? stored)
        => Enum.TryParse<DayOfWeek>(stored, out var day) && Enum.IsDefined(day) ? day : null;

    /// <summary>What a delivery hour must be; the error of every surface (API, CSV, CLI, preferences) says it.</summary>
    public const string DeliveryHourRule =
        "deliveryHour must be a whole hour from 0 to 23 (the local hour digests go out in the subscriber's time zone), or empty for the default";

    /// <summary>
    /// The subscriber's own local delivery hour from text: a whole hour from 0 to 23, written <c>8</c>, <c>08</c> or <c>08:00</c>;
    /// null (the default, <c>Schedule:DeliveryHour</c>) when empty.
    /// </summary>
    public static int? DeliveryHour(string? value)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0) return null;
        var digits = text.EndsWith(":00", StringComparison.Ordinal) ? text[..^3] : text;
        if (digits.Length is 1 or 2 && digits.All(char.IsAsciiDigit) && int.Parse(digits, CultureInfo.InvariantCulture) is var hour and <= 23)
            return hour;
        throw InvalidDeliveryHour(value);
    }

    /// <summary>A delivery hour given as a number: 0 to 23, or null for the default.</summary>
    public static int? DeliveryHour(int? value)
        => value is null or (>= 0 and <= 23) ? value : throw InvalidDeliveryHour(value.Value.ToString(CultureInfo.InvariantCulture));

    public static InvalidSubscriberException InvalidDeliveryHour(string? value)
        => new("deliveryHour", $"{DeliveryHourRule}; '{value}' is not.");

    /// <summary>
    /// Known topics, each as its key in the topic table (<see cref="TopicCatalog.Resolve"/>: "Data-Model" and "Модель данных"
    /// are "data model"), distinct; empty means all. An unknown topic is an error naming the known ones.
    /// </summary>
    public IReadOnlyList<string> Topics(IEnumerable<string>? values)
    {
        var given = (values ?? []).Select(t => (t ?? "").Trim()).Where(t => t.Length > 0).ToList();
        var unknown = given.FirstOrDefault(t => catalog.Resolve(t) is null);
        return unknown is null
            ? given.Select(t => catalog.Resolve(t)!).Distinct().ToList()
            : throw new InvalidSubscriberException("topics", $"topic '{unknown}' is not known; use any of: {catalog.Names()}.");
    }

    private static string SingleLine(string? value, string field, int max)
    {
        var v = (value ?? "").Trim();
        if (v.Length == 0)
            throw new InvalidSubscriberException(field, $"{field} is empty: give the subscriber's {field}.");
        if (v.Length > max)
            throw new InvalidSubscriberException(field, $"{field} is {v.Length} characters long; at most {max} are allowed.");
        if (v.Any(char.IsControl) || v.IndexOfAny(['\u2028', '\u2029']) >= 0)
            throw new InvalidSubscriberException(field, $"{field} contains a line break or control character; write it on one line.");
        return v;
    }
}
