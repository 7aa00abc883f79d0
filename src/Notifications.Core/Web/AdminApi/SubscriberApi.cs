using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// The admin HTTP API over subscribers (<c>/api/manage/subscribers</c>): JSON in, JSON out, every error an RFC 7807 problem
/// that names the field. The functions and <c>notify serve</c> call these methods; the logic behind them is <see cref="SubscriberAdmin"/>.
/// <para>
/// Every field is a string (topics an array of strings) except <c>deliveryHour</c>, the subscriber's own local hour for digests:
/// a whole number from 0 to 23 (a string such as <c>"8"</c> or <c>"08:00"</c> is taken too). <c>null</c> or <c>""</c> means the
/// default (<c>Schedule:DeliveryHour</c>): on POST, as when the field is left out; on PATCH, it clears the subscriber's own hour,
/// while leaving the field out leaves the hour as it is. The representation has <c>deliveryHour</c> as a number, or null for the default.
/// </para>
/// <para>
/// A body is checked field by field first (each problem names its field), then read as <see cref="NewSubscriberRequest"/> or
/// <see cref="SubscriberChangesRequest"/>; answers are typed results of <see cref="SubscriberJson"/>, <see cref="SubscriberListPage"/>,
/// <see cref="ImportResponse"/> and <see cref="CoverageJson"/>. All of them go through <see cref="SubscriberApiJson"/>.
/// </para>
/// </summary>
public sealed class SubscriberApi(SubscriberAdmin admin, SubscriberStore store, SubscriberSearchIndex index, SubscriberCsv csv, CoverageReport coverage,
    IConfiguration configuration)
{
    /// <summary>Set by App Service to <c>True</c> when its authentication (Easy Auth) is on: only then is the principal header the platform's.</summary>
    public const string PlatformAuthenticationSetting = "WEBSITE_AUTH_ENABLED";

    /// <summary>The claim the Functions host puts on a request authorised by a function key, naming the key.</summary>
    public const string KeyIdClaim = "http://schemas.microsoft.com/2017/07/functions/claims/keyid";

    /// <summary>The longest <c>{id}</c> read: an address has at most 254 characters, after URL decoding.</summary>
    private const int MaxIdLength = 254;

    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;
    private static readonly string[] PatchFields = ["name", "organization", "country", "language", "frequency", "topics", "timeZone", "status", "deliveryHour"];
    private static readonly string[] CreateFields = ["email", .. PatchFields];

    /// <summary>
    /// GET: one page of subscribers, filtered by status, frequency, language, organization, country, topic; with <c>q</c> (a substring of
    /// address, name or organisation), <c>organization</c> (a substring), <c>member</c>, <c>sort</c> or <c>order</c>, a search through the
    /// index (<see cref="SubscriberApiSearch"/>) answered as a <see cref="SubscriberSearchApiPage"/> with the total.
    /// </summary>
    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var q = request.Query;
            var filter = FilterOf(q);
            var pageSize = DefaultPageSize;
            if (NullIfEmpty(q["pageSize"]) is { } size && (!int.TryParse(size, out pageSize) || pageSize is < 1 or > MaxPageSize))
                return Problems.BadRequest("pageSize", $"pageSize '{size}' must be a whole number from 1 to {MaxPageSize}.");
            if (SubscriberApiSearch.Asks(q))
                return TypedResults.Ok(await SubscriberApiSearch.SearchAsync(q, filter, pageSize, index, store, ct));
            var (items, continuation) = await store.QueryAsync(filter, NullIfEmpty(q["continuation"]), pageSize, ct);
            return TypedResults.Ok(new SubscriberListPage(items.Select(SubscriberJson.From).ToList(), continuation));
        }
        catch (InvalidSubscriberException e)
        {
            return Problems.BadRequest(e.Field, e.Message);
        }
    }

    /// <summary>POST: creates an active subscriber (the admin vouches for consent). 201 with its location; 409 when the address exists.</summary>
    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken ct)
    {
        if (NotJson(request) is { } unsupported) return unsupported;
        var (body, problem) = await ReadObjectAsync(request, CreateFields, ct);
        if (problem is not null) return problem;
        var fields = body.Deserialize(SubscriberApiJson.Default.NewSubscriberRequest)!;
        try
        {
            var input = new NewSubscriber(
                fields.Email ?? "",
                fields.Name ?? "",
                fields.Organization ?? "",
                fields.Language ?? "en",
                fields.Frequency is { } f ? SubscriberRules.Frequency(f) : DigestFrequency.Daily,
                fields.Status is { } s ? SubscriberRules.Status(s) : SubscriberStatus.Active,
                fields.Country,
                fields.Topics,
                fields.TimeZone,
                SubscriberRules.DeliveryHour(fields.DeliveryHourText));
            var created = await admin.CreateAsync(input, ActorOf(request), ct, NullIfEmpty(request.Query["overrideSuppression"]));
            return TypedResults.Created($"/api/manage/subscribers/{created.Id}", SubscriberJson.From(created));
        }
        catch (InvalidSubscriberException e)
        {
            return e.IsConflict
                ? Problems.Conflict(e.Field, e.Message + (e.Field == "overrideSuppression" ? "" : " Change it with PATCH."))
                : Problems.BadRequest(e.Field, e.Message);
        }
    }

    /// <summary>GET: one subscriber, by id or address.</summary>
    public async Task<IResult> GetAsync(HttpRequest request, string id, CancellationToken ct)
        => IdProblem(id, out var key) ?? (await admin.FindAsync(key, ct) is { } s ? TypedResults.Ok(SubscriberJson.From(s)) : NotFound(key));

    /// <summary>PATCH: changes the fields given; the address cannot change.</summary>
    public async Task<IResult> UpdateAsync(HttpRequest request, string id, CancellationToken ct)
    {
        if ((IdProblem(id, out var key) ?? NotJson(request)) is { } refused) return refused;
        var (body, problem) = await ReadObjectAsync(request, PatchFields, ct);
        if (problem is not null) return problem;
        try
        {
            var fields = body.Deserialize(SubscriberApiJson.Default.SubscriberChangesRequest)!;
            var patch = new SubscriberPatch(fields.Name, fields.Organization, fields.Country, fields.Language,
                fields.Frequency, fields.Topics, fields.TimeZone, fields.Status, fields.DeliveryHourText);
            return await admin.UpdateAsync(key, patch, ActorOf(request), ct) is { } updated
                ? TypedResults.Ok(SubscriberJson.From(updated))
                : NotFound(key);
        }
        catch (InvalidSubscriberException e)
        {
            return Problems.BadRequest(e.Field, e.Message);
        }
    }

    /// <summary>DELETE: erasure. 204; the ledger and the audit keep only the hashed id.</summary>
    public async Task<IResult> EraseAsync(HttpRequest request, string id, CancellationToken ct)
        => IdProblem(id, out var key) ?? (await admin.EraseAsync(key, ActorOf(request), ct) is not null ? TypedResults.NoContent() : NotFound(key));

    /// <summary>
    /// POST text/csv: upsert by email, up to 10,000 rows in one call; <c>?dryRun=true</c> validates every row and writes nothing.
    /// 200 with the report (row-level errors included) when every row is valid, 422 with the same report when some are not.
    /// </summary>
    public async Task<IResult> ImportAsync(HttpRequest request, CancellationToken ct)
    {
        var dryRunText = NullIfEmpty(request.Query["dryRun"]);
        if (dryRunText is not null && !bool.TryParse(dryRunText, out _))
            return Problems.BadRequest("dryRun", $"dryRun '{dryRunText}' must be true or false.");
        var dryRun = dryRunText is not null && bool.Parse(dryRunText);
        if (!IsMediaType(request, "text/csv"))
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.",
                "The import takes CSV: send the file with Content-Type: text/csv.", "Content-Type");
        try
        {
            var report = await csv.ImportAsync(request.Body, dryRun, ActorOf(request), ct, NullIfEmpty(request.Query["overrideSuppression"]));
            var json = ImportResponse.From(report);
            return report.Errors.Count == 0 ? (IResult)TypedResults.Ok(json) : TypedResults.UnprocessableEntity(json);
        }
        catch (InvalidSubscriberException e)
        {
            return Problems.BadRequest(e.Field, e.Message);
        }
    }

    /// <summary>GET: every subscriber matching the list filters as CSV (UTF-8, formula injection neutralised).</summary>
    public async Task<IResult> ExportAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var filter = FilterOf(request.Query);
            var buffer = new MemoryStream();
            await csv.ExportAsync(buffer, filter, ct);
            return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", "subscribers.csv");
        }
        catch (InvalidSubscriberException e)
        {
            return Problems.BadRequest(e.Field, e.Message);
        }
    }

    /// <summary>GET: every member administration with its subscriber counts, those with none included.</summary>
    public async Task<IResult> CoverageAsync(HttpRequest request, CancellationToken ct)
        => TypedResults.Ok<IReadOnlyList<CoverageJson>>((await coverage.BuildAsync(ct)).Select(CoverageJson.From).ToList());

    /// <summary>
    /// Who made a change, for the audit: the signed-in principal that App Service authentication (Entra ID) passes on, but
    /// only when that authentication is on (<see cref="PlatformAuthenticationSetting"/>): without it, anyone can send the header.
    /// Else the function key's name when the host puts it on the request (<see cref="KeyIdClaim"/>; the isolated worker's
    /// ASP.NET Core integration does not pass the host's key identity on, <c>notify serve</c> does), else "unknown".
    /// </summary>
    public static string ActorOf(HttpRequest request, bool platformAuthentication)
        => platformAuthentication && request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"].ToString() is { Length: > 0 } principal ? "user:" + principal
            : request.HttpContext.User.FindFirst(KeyIdClaim)?.Value is { Length: > 0 } key ? "key:" + key
            : "unknown";

    private string ActorOf(HttpRequest request)
        => ActorOf(request, string.Equals(configuration[PlatformAuthenticationSetting], "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The <c>{id}</c> of a route, URL-decoded, as a subscriber id (32 hex characters, either case: <see cref="SubscriberAdmin"/>
    /// lower-cases it) or a normalised address; a 400 problem naming <c>id</c> and what to give when it is neither. Never echoes
    /// the value (it may be anything).
    /// </summary>
    private static IResult? IdProblem(string id, out string key)
    {
        key = "";
        const string Expected =
            "give the subscriber's id (32 hexadecimal characters, the `id` of a listing) or their address, URL-encoded (name%40customs.example).";
        var value = id.Length > MaxIdLength * 3 ? id : Uri.UnescapeDataString(id);
        if (value.Length > MaxIdLength)
            return Problems.BadRequest("id", $"id is {value.Length} characters long; {Expected}");
        if (SubscriberIds.IsId(value))
        {
            key = value;
            return null;
        }
        if (value.Contains('@'))
        {
            try
            {
                key = EmailAddress.Normalize(value);
                return null;
            }
            catch (InvalidEmailAddressException e)
            {
                return Problems.BadRequest("id", $"id is not a usable address ({e.Message}); {Expected}");
            }
        }
        return Problems.BadRequest("id", $"id is neither a subscriber id nor an address; {Expected}");
    }

    /// <summary>415 unless the body is declared JSON (<c>application/json</c> or <c>*/*+json</c>): a browser form cannot send that cross-site.</summary>
    private static IResult? NotJson(HttpRequest request)
        => IsMediaType(request, "application/json") || IsMediaType(request, "+json") ? null
            : Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.",
                "The body must be JSON: send it with Content-Type: application/json.", "Content-Type");

    /// <summary>The request's media type is <paramref name="expected"/> (parameters such as charset aside); "+json" matches a suffix.</summary>
    private static bool IsMediaType(HttpRequest request, string expected)
        => Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Value is { } media
           && (expected.StartsWith('+')
               ? media.EndsWith(expected, StringComparison.OrdinalIgnoreCase)
               : string.Equals(media, expected, StringComparison.OrdinalIgnoreCase));

    private static IResult NotFound(string id)
        => Problems.NotFound($"No subscriber '{(id.Contains('@') ? EmailAddress.Mask(id) : id)}'.");

    /// <summary>The body as a JSON object with only known fields; a problem naming what is wrong otherwise.</summary>
    private static async Task<(JsonElement Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, string[] allowed, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (default, Problems.BadRequest("body", $"The body is not valid JSON: {e.Message}"));
        }
        if (body.ValueKind != JsonValueKind.Object)
            return (default, Problems.BadRequest("body", "The body must be a JSON object."));
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name == "email" && !allowed.Contains("email"))
                return (default, Problems.BadRequest("email",
                    "The address cannot change (it is the subscriber's identity): erase the subscriber and create a new one."));
            if (!allowed.Contains(property.Name))
                return (default, Problems.BadRequest(property.Name, $"'{property.Name}' is not a field; use {string.Join(", ", allowed)}."));
            if (property.Name == "deliveryHour")
            {
                if (property.Value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null))
                    return (default, Problems.BadRequest("deliveryHour", SubscriberRules.DeliveryHourRule + "; give a number such as 8, or null."));
                continue;
            }
            var ok = property.Name == "topics"
                ? property.Value.ValueKind is JsonValueKind.Array && property.Value.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String)
                : property.Value.ValueKind == JsonValueKind.String;
            if (!ok)
                return (default, Problems.BadRequest(property.Name,
                    property.Name == "topics" ? "topics must be an array of strings." : $"{property.Name} must be a string."));
        }
        return (body, null);
    }

    /// <summary>The list filters (status, frequency, language, organization, country, topic) from the query string; each optional.</summary>
    private static SubscriberFilter FilterOf(IQueryCollection q) => new(
        Optional(q["status"], v => (SubscriberStatus?)SubscriberRules.Status(v)),
        Optional(q["frequency"], v => (DigestFrequency?)SubscriberRules.Frequency(v)),
        Optional(q["language"], SubscriberRules.Language),
        NullIfEmpty(q["organization"]),
        Optional(q["country"], SubscriberRules.Country),
        NullIfEmpty(q["topic"]));

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Parses a query value that may be absent; T must be nullable (a value type's default would become a filter).</summary>
    private static T? Optional<T>(string? value, Func<string, T?> parse) where T : class? => NullIfEmpty(value) is { } v ? parse(v) : null;

    private static T? Optional<T>(string? value, Func<string, T?> parse) where T : struct => NullIfEmpty(value) is { } v ? parse(v) : null;
}
