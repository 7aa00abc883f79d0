using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary><c>/api/preferences</c>. GET: the preferences form. POST: saves it and shows it again, saved, with a message.</summary>
internal sealed class PreferencesPage(
    SubscriptionSelfService service, IOptions<RequestLimitOptions> requestLimits, FormPages forms, MessagePages messages)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var fallback = PageLanguage.Of(request);
        var token = PageRequests.TokenOf(request);
        try
        {
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                var found = await service.GetPreferencesAsync(token, ct);
                return found is null ? messages.NotFound(fallback) : forms.Preferences(200, found, token, null, null);
            }
            if (!HttpMethods.IsPost(request.Method))
                return messages.MethodNotAllowed(fallback, "GET, POST");
            var maxBytes = requestLimits.Value.PageMaxBytes;
            if (BoundedBody.DeclaredTooLarge(request, maxBytes))
                return messages.TooLarge(fallback);

            var current = await service.GetPreferencesAsync(token, ct);
            if (current is null) return messages.NotFound(fallback);
            if (!request.HasFormContentType)
                return forms.Preferences(415, current, token, null, PageWords.For(current.Language)["error_body"]);
            IFormCollection form;
            try
            {
                if (await BoundedBody.ReadFormAsync(request, maxBytes, ct) is not { } bounded)
                    return messages.TooLarge(current.Language);
                form = bounded;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return forms.Preferences(400, current, token, null, PageWords.For(current.Language)["error_body"]);
            }
            var change = PageRequests.Preferences(form);
            try
            {
                var result = await service.UpdatePreferencesAsync(token, change, ct);
                if (result is null) return messages.NotFound(fallback);
                var t = PageWords.For(result.After.Language);
                var unsubscribedNow = result.Before.Status != SubscriberStatus.Unsubscribed && result.After.Status == SubscriberStatus.Unsubscribed;
                return forms.Preferences(200, result.After, token, unsubscribedNow ? t["saved_unsubscribed"] : t["saved_text"], null);
            }
            catch (InvalidSubscriberException e)
            {
                return forms.Preferences(400, current, token, null, FormPages.FieldError(current.Language, e.Field));
            }
        }
        catch (InvalidTokenException e)
        {
            return messages.InvalidLink(fallback, e, TokenPurpose.Preferences);
        }
    }
}
