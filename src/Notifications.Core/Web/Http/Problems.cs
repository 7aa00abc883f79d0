using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>RFC 7807 problem details for every API error, with the offending field named in <c>field</c>.</summary>
public static class Problems
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static IResult BadRequest(string field, string detail) => Problem(400, "The request is not valid.", detail, field);

    public static IResult NotFound(string detail) => Problem(404, "Not found.", detail, null);

    public static IResult Conflict(string field, string detail) => Problem(409, "Conflict.", detail, field);

    public static IResult Problem(int status, string title, string detail, string? field)
        => Results.Problem(detail: detail, statusCode: status, title: title,
            type: $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}",
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });
}
