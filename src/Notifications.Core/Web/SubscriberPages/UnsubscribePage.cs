using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// <c>/api/unsubscribe</c>. GET: a page with one button that posts back. POST: unsubscribes at once, with no further step: this
/// is also the RFC 8058 one-click address (body <c>List-Unsubscribe=One-Click</c>, no cookie, no script), answered 200.
/// </summary>
internal sealed class UnsubscribePage(
    SubscriptionSelfService service, IOptions<RequestLimitOptions> requestLimits, PageRenderer renderer, MessagePages messages)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var fallback = PageLanguage.Of(request);
        var token = PageRequests.TokenOf(request);
        try
        {
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                var found = await service.FindForUnsubscribeAsync(token, ct);
                if (found is null) return messages.NotFound(fallback);
                var lang = PageLanguage.Of(request, found);
                var t = PageWords.For(lang);
                if (found.Status == SubscriberStatus.Unsubscribed)
                    return renderer.Message(200, lang, t["unsubscribed_title"], "notice", [t["already_unsubscribed_text"]]);
                return renderer.Page(200, lang, t["unsubscribe_title"], "page-unsubscribe.html.sbn", new ScriptObject
                {
                    ["email"] = EmailAddress.Mask(found.Email),
                    ["token"] = token,
                });
            }
            if (!HttpMethods.IsPost(request.Method))
                return messages.MethodNotAllowed(fallback, "GET, POST");

            // The token is the authority; the body (List-Unsubscribe=One-Click from a mailbox provider, or our own button) only says how.
            var maxBytes = requestLimits.Value.PageMaxBytes;
            if (BoundedBody.DeclaredTooLarge(request, maxBytes))
                return messages.TooLarge(fallback);
            var via = "one-click";
            if (request.HasFormContentType)
            {
                try
                {
                    if (await BoundedBody.ReadFormAsync(request, maxBytes, ct) is not { } form)
                        return messages.TooLarge(fallback);
                    if (form["via"].ToString() == "page") via = "page";
                }
                catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
                {
                    // An unreadable body does not stop an unsubscribe.
                }
            }
            var result = await service.UnsubscribeAsync(token, via, ct);
            var language = PageLanguage.Of(request, result.Subscriber);
            var text = PageWords.For(language);
            return renderer.Message(200, language, text["unsubscribed_title"], "notice",
                [result.Changed || result.Subscriber is null ? text["unsubscribed_text"] : text["already_unsubscribed_text"]]);
        }
        catch (InvalidTokenException e)
        {
            return messages.InvalidLink(fallback, e, TokenPurpose.Unsubscribe);
        }
    }
}
