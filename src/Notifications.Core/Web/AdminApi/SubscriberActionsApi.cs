using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>POST <c>/api/manage/subscribers/{id}/address</c>: the subscriber's new address (it confirms by the link mailed to it).</summary>
public sealed record AddressChangeRequest(string? NewEmail);

/// <summary>The answer to <see cref="AddressChangeRequest"/>: who, the address waiting to confirm, and until when the link works.</summary>
public sealed record AddressChangeResponse(string Id, string NewEmail, DateTimeOffset ExpiresAt);

/// <summary>The answer to a manage-link request: who it went to.</summary>
public sealed record ManageLinkResponse(string Id, string Email, bool Sent);

/// <summary>The source-generated JSON of <see cref="SubscriberActionsApi"/> (web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AddressChangeRequest))]
[JsonSerializable(typeof(AddressChangeResponse))]
[JsonSerializable(typeof(ManageLinkResponse))]
public sealed partial class SubscriberActionsJson : JsonSerializerContext;

/// <summary>
/// The admin API's twins of the console's profile actions: send the manage link (<c>POST /api/manage/subscribers/{id}/manage-link</c>,
/// no body) and start an address change (<c>POST /api/manage/subscribers/{id}/address</c>, JSON <c>{"newEmail": "…"}</c>; 202: the new
/// address must confirm). <c>{id}</c> is the subscriber's id or address, URL-encoded. Refusals are problem details naming the field.
/// </summary>
public sealed class SubscriberActionsApi(SubscriberAdmin admin, ManageLinkMailer mailer, AddressChanges changes, IConfiguration configuration)
{
    private const int MaxBodyBytes = 4 * 1024;

    public async Task<IResult> SendManageLinkAsync(HttpRequest request, string id, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } subscriber) return NotFound();
        try
        {
            await mailer.SendAsync(subscriber.Id, SubscriberApi.ActorOf(request, PlatformAuthentication), ct);
            return TypedResults.Json(new ManageLinkResponse(subscriber.Id, subscriber.Email, true), SubscriberActionsJson.Default.ManageLinkResponse);
        }
        catch (InvalidSubscriberException e)
        {
            return Problems.Problem(StatusCodes.Status409Conflict, "The manage link was not sent.", e.ForAdmin, e.Field);
        }
    }

    public async Task<IResult> ChangeAddressAsync(HttpRequest request, string id, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } subscriber) return NotFound();
        AddressChangeRequest? body;
        try
        {
            var bytes = await BoundedBody.ReadAsync(request, MaxBodyBytes, ct);
            if (bytes is not { } read)
                return BoundedBody.TooLarge(MaxBodyBytes);
            body = JsonSerializer.Deserialize(read.AsSpan(), SubscriberActionsJson.Default.AddressChangeRequest);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest("body", $"The body is not valid JSON: {e.Message} Send {{\"newEmail\": \"name@example.org\"}}.");
        }
        if (body?.NewEmail is not { Length: > 0 } newEmail)
            return Problems.BadRequest("newEmail", "Give the new address: {\"newEmail\": \"name@example.org\"}.");
        try
        {
            var change = await changes.StartAsync(subscriber, newEmail, SubscriberApi.ActorOf(request, PlatformAuthentication), ct);
            return TypedResults.Json(new AddressChangeResponse(subscriber.Id, change!.NewEmail, change.ExpiresAt),
                SubscriberActionsJson.Default.AddressChangeResponse, statusCode: StatusCodes.Status202Accepted);
        }
        catch (InvalidSubscriberException e)
        {
            return e.IsConflict
                ? Problems.Problem(StatusCodes.Status409Conflict, "The address cannot be used.", e.ForAdmin, e.Field)
                : Problems.BadRequest(e.Field, e.ForAdmin);
        }
    }

    private bool PlatformAuthentication
        => string.Equals(configuration[SubscriberApi.PlatformAuthenticationSetting], "true", StringComparison.OrdinalIgnoreCase);

    private async Task<Subscriber?> FindAsync(string id, CancellationToken ct)
    {
        var key = Uri.UnescapeDataString(id ?? "").Trim();
        if (key.Length is 0 or > 320 || !(SubscriberIds.IsId(key) || key.Contains('@'))) return null;
        try
        {
            return await admin.FindAsync(SubscriberIds.IsId(key) ? key : EmailAddress.Normalize(key), ct);
        }
        catch (InvalidEmailAddressException)
        {
            return null;
        }
    }

    private static IResult NotFound() => Problems.NotFound("No such subscriber: give their id (32 hexadecimal characters) or their address, URL-encoded.");
}
