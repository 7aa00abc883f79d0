using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>What a subscribe request carries, from the form or from JSON (where a field left out is null).</summary>
internal sealed record SubscribeValues(
    string? Email, string? Name, string? Organization, string? Country, string Language, string? Frequency, IReadOnlyList<string>? Topics,
    string? TimeZone = null, string? DeliveryHour = null, string? WeeklyDay = null, string? Member = null)
{
    public static SubscribeValues Empty(string lang) => new("", "", "", "", lang, "daily", []);

    /// <summary>The values as the form Core checks.</summary>
    public SubscribeForm Form => new(Email, Name, Organization, Country, Language, Frequency, Topics, TimeZone, DeliveryHour, WeeklyDay, Member);
}

/// <summary>What the pages read from a request: the link's token, the subscribe form or JSON body, the preferences form.</summary>
internal static class PageRequests
{
    /// <summary>The fields a JSON subscribe request may have.</summary>
    public static readonly string[] SubscribeFields =
        ["email", "name", "organization", "country", "language", "frequency", "topics", "timeZone", "deliveryHour", "weeklyDay", "member"];

    /// <summary>The signed token of a link (<c>?token=</c>); empty when there is none.</summary>
    public static string TokenOf(HttpRequest request) => request.Query["token"].ToString();

    /// <summary>The frequency chosen; daily when none is.</summary>
    public static DigestFrequency Frequency(string? value)
        => string.IsNullOrWhiteSpace(value) ? DigestFrequency.Daily : SubscriberRules.Frequency(value);

    /// <summary>The subscribe form's values; the language is the page's (<paramref name="lang"/>) when the form has none.</summary>
    public static SubscribeValues Subscribe(IFormCollection form, string lang) => new(
        form["email"].ToString(), form["name"].ToString(), form["organization"].ToString(), form["country"].ToString(),
        form["language"].ToString() is { Length: > 0 } l ? l : lang, form["frequency"].ToString(),
        form["topics"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList(),
        form["time_zone"].ToString(), form["delivery_hour"].ToString(), form["weekly_day"].ToString(), form["member"].ToString());

    /// <summary>
    /// A JSON subscribe body's values (the language is <paramref name="lang"/> when it has none), or the RFC 7807 problem that names
    /// the field that is wrong: not an object, a field that is not one of <see cref="SubscribeFields"/>, a value that is not a string
    /// (topics: not an array of strings).
    /// </summary>
    public static (SubscribeValues? Values, IResult? Problem) SubscribeJson(ArraySegment<byte> bytes, string lang)
    {
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest("body", $"The body is not valid JSON: {e.Message}"));
        }
        if (body.ValueKind != JsonValueKind.Object)
            return (null, Problems.BadRequest("body", "The body must be a JSON object."));
        foreach (var property in body.EnumerateObject())
        {
            if (!SubscribeFields.Contains(property.Name))
                return (null, Problems.BadRequest(property.Name, $"'{property.Name}' is not a field; use {string.Join(", ", SubscribeFields)}."));
            var ok = property.Name == "topics"
                ? property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String)
                : property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null;
            if (!ok)
                return (null, Problems.BadRequest(
                    property.Name,
                    property.Name == "topics" ? "topics must be an array of strings." : $"{property.Name} must be a string."));
        }
        string? Field(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return (new SubscribeValues(Field("email"), Field("name"), Field("organization"), Field("country"), Field("language") ?? lang, Field("frequency"),
            body.TryGetProperty("topics", out var topics) ? topics.EnumerateArray().Select(t => t.GetString()!).ToList() : null,
            Field("timeZone"), Field("deliveryHour"), Field("weeklyDay"), Field("member")), null);
    }

    /// <summary>The preferences form as a change: an empty field leaves its value as it is.</summary>
    public static PreferencesChange Preferences(IFormCollection form) => new(
        NullIfEmpty(form["frequency"]),
        form["topics"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList(),
        NullIfEmpty(form["language"]),
        NullIfEmpty(form["time_zone"]),
        form["unsubscribe"].ToString() == "all",
        // Present and empty is "Default"; a form without the field (an older page) leaves the hour as it is.
        form.ContainsKey("delivery_hour") ? form["delivery_hour"].ToString() : null);

    private static string? NullIfEmpty(StringValues value)
        => string.IsNullOrWhiteSpace(value.ToString()) ? null : value.ToString();
}
