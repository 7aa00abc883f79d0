using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// <c>/api/preferences</c>. GET: the preferences form; for a subscription that is not active, why, and the way back instead of a form
/// that would save nothing (<see cref="ResubscribePages"/>). POST: saves the form and shows it again, saved, with a message; a post whose
/// field <c>action</c> is <c>resubscribe</c> subscribes again (at once within the grace period after unsubscribing, else double opt-in).
/// </summary>
internal sealed class PreferencesPage(
    SubscriptionSelfService service, IOptions<RequestLimitOptions> requestLimits, FormPages forms, MessagePages messages,
    ResubscribePages resubscribe)
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
                if (found is null) return messages.NotFound(fallback);
                return found.Status == SubscriberStatus.Active
                    ? forms.Preferences(200, found, token, null, null)
                    : await resubscribe.InactiveAsync(found, token, null, ct);
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
            if (form["action"].ToString() is "undo" or "resubscribe")
            {
                var outcome = await service.ResubscribeFromPreferencesLinkAsync(token, ct);
                return outcome is { Outcome: ResubscribeOutcome.Reactivated, Subscriber: { } back }
                    ? forms.Preferences(200, back, token, PageWords.For(back.Language)["resubscribed_text"], null)
                    : resubscribe.Outcome(outcome, fallback);
            }
            var change = PageRequests.Preferences(form);
            try
            {
                var result = await service.UpdatePreferencesAsync(token, change, ct);
                if (result is null) return messages.NotFound(fallback);
                var t = PageWords.For(result.After.Language);
                var unsubscribedNow = result.Before.Status != SubscriberStatus.Unsubscribed && result.After.Status == SubscriberStatus.Unsubscribed;
                if (result.After.Status != SubscriberStatus.Active)
                    return await resubscribe.InactiveAsync(result.After, token, unsubscribedNow ? t["saved_unsubscribed"] : t["saved_text"], ct);
                return forms.Preferences(200, result.After, token, t["saved_text"], null);
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
