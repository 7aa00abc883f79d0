using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// <c>/api/subscribe</c>: GET the form; POST (form or JSON) a subscribe request, whose answer never tells whether the address was known.
/// A form with errors is answered with every error at once, the values kept, and counts against no limit; a valid one counts.
/// </summary>
internal sealed class SubscribePage(
    SubscriptionSelfService service, SubscribeRateLimits limits, IOptions<RequestLimitOptions> requestLimits,
    PageRenderer renderer, FormPages forms, MessagePages messages)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var lang = PageLanguage.Of(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            return forms.Subscribe(200, lang, SubscribeValues.Empty(lang) with { TimeZone = TimeChoices.DefaultZone(request, lang) }, []);
        if (!HttpMethods.IsPost(request.Method))
            return messages.MethodNotAllowed(lang, "GET, POST");

        // Before a byte of the body is read: the client's share of posts, then the declared size.
        var json = request.HasJsonContentType();
        if (!limits.TryAcquireClient(request, out var retryAt))
            return messages.RateLimited(lang, json, "ratelimit_text", retryAt);
        if (json)
            return await JsonAsync(request, ct);
        if (!request.HasFormContentType)
            return messages.Unreadable(415, lang);

        IFormCollection form;
        try
        {
            if (await BoundedBody.ReadFormAsync(request, PageMaxBytes, ct) is not { } bounded)
                return messages.TooLarge(lang, ($"subscribe?lang={lang}", PageWords.For(lang)["toolarge_back"]));
            form = bounded;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return messages.Unreadable(400, lang);
        }
        var values = PageRequests.Subscribe(form, lang);
        try
        {
            service.Check(values.Form);
        }
        catch (InvalidSubscribeFormException e)
        {
            // Checked before any limit: a form with mistakes costs the client nothing.
            limits.ReleaseClient(request);
            return forms.Subscribe(400, lang, values, e.Errors);
        }
        if (!limits.TryAcquireAddress(request, values.Email, out retryAt))
            return messages.RateLimited(lang, json: false, "ratelimit_address_text", retryAt);
        await service.SubscribeAsync(values.Form, ClientAddress.Of(request), ct);
        var t = PageWords.For(lang);
        return renderer.Message(200, lang, t["pending_title"], "notice", [t["pending_text1"], t["pending_text2"]]);
    }

    /// <summary>A JSON subscribe request: 202 <c>{"status":"pending-confirmation"}</c>, or an RFC 7807 problem naming the fields.</summary>
    private async Task<IResult> JsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (await BoundedBody.ReadAsync(request, PageMaxBytes, ct) is not { } bytes)
            return PageResults.WithSecurityHeaders(BoundedBody.TooLarge(PageMaxBytes));
        var (values, problem) = PageRequests.SubscribeJson(bytes, PageLanguage.Of(request));
        if (values is null)
        {
            limits.ReleaseClient(request);
            return PageResults.WithSecurityHeaders(problem!);
        }
        try
        {
            service.Check(values.Form);
        }
        catch (InvalidSubscribeFormException e)
        {
            limits.ReleaseClient(request);
            return PageResults.WithSecurityHeaders(Problems.BadRequest(e.Errors[0].Field, e.Message));
        }
        if (!limits.TryAcquireAddress(request, values.Email, out var retryAt))
            return messages.RateLimited(PageLanguage.Of(request), json: true, "ratelimit_address_text", retryAt);
        await service.SubscribeAsync(values.Form, ClientAddress.Of(request), ct);
        return PageResults.WithSecurityHeaders(Results.Json(new { status = "pending-confirmation" }, Problems.Json, statusCode: 202));
    }

    private int PageMaxBytes => requestLimits.Value.PageMaxBytes;
}
