using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// <c>/api/unsubscribe</c>. GET: a page with one button that posts back (and, for a daily or instant subscription, "send me weekly
/// instead"). POST: unsubscribes at once, with no further step: this is also the RFC 8058 one-click address (body
/// <c>List-Unsubscribe=One-Click</c>, no cookie, no script), answered 200 with the unsubscribed page, which offers the way back
/// (<see cref="ResubscribePages"/>). Only a posted form whose field <c>action</c> is <c>undo</c> or <c>weekly</c> does something else:
/// it keeps or restores the subscription.
/// </summary>
internal sealed class UnsubscribePage(
    SubscriptionSelfService service, IOptions<RequestLimitOptions> requestLimits, PageRenderer renderer, MessagePages messages,
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
                var found = await service.FindForUnsubscribeAsync(token, ct);
                if (found is null) return messages.NotFound(fallback);
                var lang = PageLanguage.Of(request, found);
                var t = PageWords.For(lang);
                if (found.Status == SubscriberStatus.Unsubscribed)
                    return await resubscribe.UnsubscribedAsync(found, token, justNow: false, ct);
                return renderer.Page(200, lang, t["unsubscribe_title"], "page-unsubscribe.html.sbn", new ScriptObject
                {
                    // Their own link: their own address, in full.
                    ["email"] = found.Email,
                    ["token"] = token,
                    ["offer_weekly"] = found.Status == SubscriberStatus.Active && found.Frequency != DigestFrequency.Weekly,
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
                    switch (form["action"].ToString())
                    {
                        case "undo":
                            return resubscribe.Outcome(await service.KeepFromUnsubscribeLinkAsync(token, null, ct), fallback);
                        case "weekly":
                            return resubscribe.Outcome(await service.KeepFromUnsubscribeLinkAsync(token, DigestFrequency.Weekly, ct), fallback);
                    }
                }
                catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
                {
                    // An unreadable body does not stop an unsubscribe.
                }
            }
            var result = await service.UnsubscribeAsync(token, via, ct);
            if (result.Subscriber is { } unsubscribed)
                return await resubscribe.UnsubscribedAsync(unsubscribed, token, justNow: result.Changed, ct);
            var language = PageLanguage.Of(request);
            return renderer.Message(200, language, PageWords.For(language)["unsubscribed_title"], "notice", [PageWords.For(language)["unsubscribed_text"]]);
        }
        catch (InvalidTokenException e)
        {
            return messages.InvalidLink(fallback, e, TokenPurpose.Unsubscribe);
        }
    }
}
