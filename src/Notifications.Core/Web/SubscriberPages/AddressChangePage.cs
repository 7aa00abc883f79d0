using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Templates;
using Notifications.Digests;
using Notifications.Localization;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// Where a subscriber's new address confirms an address change an admin started (<c>/api/address?token=…</c>, signed link in the
/// mail to the new address, <see cref="AddressChanges"/>): GET shows what will change and one button (nothing changes yet: mailbox
/// link scanners open every link); POST applies it (<see cref="SubscriberAddressMove"/>). An expired, used or replaced link says so.
/// </summary>
public sealed class AddressChangePage
{
    private readonly AddressChanges changes;
    private readonly SubscriberAddressMove move;
    private readonly SubscriberStore store;
    private readonly PageRenderer renderer;
    private readonly MessagePages messages;

    public AddressChangePage(AddressChanges changes, SubscriberAddressMove move, SubscriberStore store, TemplateSet templates,
        IOptions<SenderOptions> sender, IOptions<RequestLimitOptions> requestLimits, TimeProvider time, ILogger<AddressChangePage> logger)
    {
        (this.changes, this.move, this.store) = (changes, move, store);
        renderer = new PageRenderer(templates, sender);
        messages = new MessagePages(renderer, requestLimits, time, logger);
    }

    public async Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
    {
        var lang = PageLanguage.Of(request);
        var token = PageRequests.TokenOf(request);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsPost(request.Method))
            return messages.MethodNotAllowed(lang, "GET, POST");
        PendingAddressChange? change;
        try
        {
            change = await changes.ReadAsync(token, ct);
        }
        catch (InvalidTokenException e)
        {
            return messages.InvalidLink(lang, e, TokenPurpose.AddressChange);
        }
        var subscriber = change is null ? null : await store.GetAsync(change.SubscriberId, ct);
        if (subscriber is not null) lang = PageLanguage.Of(request, subscriber);
        var t = Translations.For(lang);
        if (change is null || subscriber is null)
            return renderer.Message(StatusCodes.Status410Gone, lang, t["admin_subscribers.address_page.gone_title"], "warning",
                [t["admin_subscribers.address_page.gone_text"]]);
        if (!HttpMethods.IsPost(request.Method))
            return renderer.Page(StatusCodes.Status200OK, lang, t["admin_subscribers.address_page.title"], "admin-subscribers-address.html.sbn",
                new ScriptObject { ["token"] = token, ["new_email"] = change.NewEmail, ["name"] = subscriber.Name });
        try
        {
            await move.ApplyAsync(change, ct);
        }
        catch (InvalidSubscriberException)
        {
            return renderer.Message(StatusCodes.Status409Conflict, lang, t["admin_subscribers.address_page.conflict_title"], "error",
                [t["admin_subscribers.address_page.conflict_text"]]);
        }
        return renderer.Message(StatusCodes.Status200OK, lang, t["admin_subscribers.address_page.done_title"], "notice",
            [t["admin_subscribers.address_page.done_text"]]);
    }
}
