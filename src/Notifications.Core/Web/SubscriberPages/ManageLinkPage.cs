using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// <c>/api/manage-link</c>: "Email me a link to manage my subscription". GET: one address field. POST (with the form's anti-forgery
/// token, <see cref="PageFormToken"/>): the request is queued (<see cref="SubscriptionSelfService.RequestManageLinkAsync"/>) and the
/// page says "check your inbox" whether the address is a subscriber's or not; the link goes only to that address. Limits, both
/// in memory per instance: per client address before the body is read, and per address (any client) once it is parsed; an address
/// that is not valid is answered by the form and counts only toward the first.
/// </summary>
internal sealed class ManageLinkPage(
    SubscriptionSelfService service, IOptions<RequestLimitOptions> requestLimits, IOptions<SelfServiceRecoveryOptions> options,
    PageRenderer renderer, MessagePages messages, PageFormToken formTokens, TimeProvider time, ILogger logger)
{
    private const string FormName = "manage-link";

    private readonly ClientRateLimiter _clients = new(options.Value.ManageLinkRequestsPerHour, SubscribeRateLimits.Window, time);
    private readonly ClientRateLimiter _addresses = new(options.Value.ManageLinkRequestsPerAddressPerHour, SubscribeRateLimits.Window, time);

    /// <summary>The page's address relative to the other pages (they are all under <c>/api/</c>), in <paramref name="lang"/>.</summary>
    public static string Href(string lang) => $"manage-link?lang={lang}";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var lang = PageLanguage.Of(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            return Form(200, lang, "", null);
        if (!HttpMethods.IsPost(request.Method))
            return messages.MethodNotAllowed(lang, "GET, POST");
        if (!_clients.TryAcquire(ClientAddress.Of(request) ?? "unknown", out var retryAt))
        {
            logger.LogWarning("Manage-link requests from one client exceed {Limit} an hour: answered 429", _clients.Limit);
            return messages.RateLimited(lang, json: false, "ratelimit_text", retryAt);
        }
        if (!request.HasFormContentType)
            return messages.Unreadable(415, lang);
        IFormCollection form;
        try
        {
            if (await BoundedBody.ReadFormAsync(request, requestLimits.Value.PageMaxBytes, ct) is not { } bounded)
                return messages.TooLarge(lang, (Href(lang), PageWords.For(lang)["toolarge_back"]));
            form = bounded;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return messages.Unreadable(400, lang);
        }
        var t = PageWords.For(lang);
        var email = form["email"].ToString().Trim();
        if (!formTokens.IsValid(FormName, form[PageFormToken.Field].ToString()))
            return Form(400, lang, email, t["manage_link_form_expired"]);
        string normalized;
        try
        {
            normalized = SubscriberEmail.Normalize(email);
        }
        catch (InvalidSubscriberException)
        {
            return Form(400, lang, email, t["error_email"]);
        }
        if (!_addresses.TryAcquire(normalized, out retryAt))
        {
            logger.LogWarning("Manage-link requests for {Email} exceed {Limit} an hour: answered 429", EmailAddress.Mask(normalized), _addresses.Limit);
            return messages.RateLimited(lang, json: false, "ratelimit_address_text", retryAt);
        }
        await service.RequestManageLinkAsync(normalized, ct);
        return renderer.Message(200, lang, t["manage_link_sent_title"], "notice", [t["manage_link_sent_text1"], t["manage_link_sent_text2"]],
            ($"subscribe?lang={lang}", t["manage_link_subscribe"]));
    }

    private IResult Form(int status, string lang, string email, string? error)
        => renderer.Page(status, lang, PageWords.For(lang)["manage_link_title"], "page-manage-link.html.sbn", new ScriptObject
        {
            ["email"] = email,
            ["error"] = error ?? "",
            ["form_token_field"] = PageFormToken.Field,
            ["form_token"] = formTokens.Issue(FormName),
        });
}
