using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Digests;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// <c>/api/confirm</c>. GET: the link from the confirmation email shows a page with one button; nothing changes yet, because
/// mailbox link scanners open every link in a message and would otherwise confirm on the subscriber's behalf.
/// POST (the button): pending → active; active → "already confirmed"; anything else stays as it is.
/// </summary>
internal sealed class ConfirmPage(
    SubscriptionSelfService service, SubscriptionTokens tokens, IOptions<SenderOptions> sender, PageRenderer renderer, MessagePages messages)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var fallback = PageLanguage.Of(request);
        var token = PageRequests.TokenOf(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            try
            {
                tokens.Verify(token, TokenPurpose.Confirm);
            }
            catch (InvalidTokenException e)
            {
                return messages.InvalidLink(fallback, e, TokenPurpose.Confirm);
            }
            var t0 = PageWords.For(fallback);
            return renderer.Page(200, fallback, t0["confirm_title"], "page-confirm.html.sbn", new ScriptObject { ["token"] = token });
        }
        if (!HttpMethods.IsPost(request.Method))
            return messages.MethodNotAllowed(fallback, "GET, POST");
        ConfirmResult result;
        try
        {
            result = await service.ConfirmAsync(token, ct);
        }
        catch (InvalidTokenException e)
        {
            return messages.InvalidLink(fallback, e, TokenPurpose.Confirm);
        }
        var subscriber = result.Subscriber;
        var lang = PageLanguage.Of(request, subscriber);
        var t = PageWords.For(lang);
        return result.Outcome switch
        {
            // No preferences link here: a confirmation link may be in other hands (forwarded, or a scanner's), and a manage link
            // never expires. Manage links go only by mail to the address itself, in every digest.
            ConfirmOutcome.Confirmed => renderer.Message(200, lang, t["confirmed_title"], "notice", [t["confirmed_text"], t["confirmed_manage"]]),
            ConfirmOutcome.AlreadyConfirmed => renderer.Message(200, lang, t["already_title"], "notice", [t["already_text"], t["confirmed_manage"]]),
            ConfirmOutcome.NotReactivated => renderer.Message(200, lang, t["not_reactivated_title"], "warning",
                [t["not_reactivated_text"], t["not_reactivated_help"] + " " + sender.Value.Sender + "."]),
            _ => messages.NotFound(lang),
        };
    }
}
