using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notifications.Web;

/// <summary>POST <c>/api/manage/subscribers</c>: a new subscriber. Only <c>email</c> is required to be there (the rules say what else must be).</summary>
public sealed record NewSubscriberRequest(
    string? Email, string? Name, string? Organization, string? Country, string? Language, string? Frequency,
    IReadOnlyList<string>? Topics, string? TimeZone, string? Status, JsonElement DeliveryHour)
{
    /// <inheritdoc cref="SubscriberChangesRequest.DeliveryHourText"/>
    [JsonIgnore]
    public string? DeliveryHourText => SubscriberChangesRequest.HourText(DeliveryHour);
}

/// <summary>PATCH <c>/api/manage/subscribers/{id}</c>: the fields to change; a field left out stays as it is.</summary>
public sealed record SubscriberChangesRequest(
    string? Name, string? Organization, string? Country, string? Language, string? Frequency,
    IReadOnlyList<string>? Topics, string? TimeZone, string? Status, JsonElement DeliveryHour)
{
    /// <summary>
    /// The delivery hour as the text <see cref="Subscribers.SubscriberRules.DeliveryHour(string?)"/> reads: null when the field is
    /// absent (leave it), "" for JSON null (the default), the number's digits (or its JSON text, which the rule refuses, for 8.5 or
    /// 1e1) or the string.
    /// </summary>
    [JsonIgnore]
    public string? DeliveryHourText => HourText(DeliveryHour);

    internal static string? HourText(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Undefined => null,
        JsonValueKind.Null => "",
        JsonValueKind.Number => v.TryGetInt32(out var hour) ? hour.ToString(CultureInfo.InvariantCulture) : v.GetRawText(),
        _ => v.GetString(),
    };
}
