using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Subscribers;

/// <summary>
/// The helpdesk case: a subscriber lost their digests and asks how to change their preferences. An admin (console profile,
/// <c>notify subscribers send-link</c>, <c>POST /api/manage/subscribers/{id}/manage-link</c>) sends them their manage links (preferences
/// and unsubscribe) by mail, in their language. The mail goes to the subscriber's own address only: the admin never sees the links
/// (they never expire and act as the subscriber). Audited ("manage link sent"). Refused for a subscriber whose mail cannot or must not
/// go (bounced: the address does not receive; complained: they reported our mail as spam).
/// </summary>
public sealed partial class ManageLinkMailer(
    SubscriberStore store,
    SubscriberAudit audit,
    SubscriptionLinks links,
    TemplateSet templates,
    IMailTransport transport,
    IOptions<SenderOptions> sender,
    TimeProvider time,
    ILogger<ManageLinkMailer> logger)
{
    /// <summary>The mail category (SendGrid category, outbox name).</summary>
    public const string Category = "manage-link";

    /// <summary>
    /// Sends the mail; null when there is no such subscriber. <paramref name="requestedOnline"/>: the subscriber asked for it
    /// themselves (the manage-link request page, or the subscribe form filled in again), so the mail says so instead of "you asked
    /// the Secretariat", and that whoever did not ask may ignore it.
    /// </summary>
    /// <exception cref="InvalidSubscriberException">The subscriber bounced or complained (field <c>status</c>).</exception>
    public async Task<Subscriber?> SendAsync(string subscriberId, string actor, CancellationToken ct = default, bool requestedOnline = false)
    {
        if (await store.GetAsync(subscriberId, ct) is not { } subscriber) return null;
        if (subscriber.Status is SubscriberStatus.Bounced or SubscriberStatus.Complained)
            throw new InvalidSubscriberException("status", subscriber.Status == SubscriberStatus.Bounced
                ? "This address bounced: a mail to it would not arrive. Change the subscriber's address instead (the new address confirms)."
                : "This subscriber reported our mail as spam: no mail goes to them. They can subscribe again themselves at /api/subscribe.");
        var model = new ScriptObject
        {
            ["lang"] = subscriber.Language,
            ["sender"] = sender.Value.Sender,
            ["organization"] = sender.Value.Organization,
            ["name"] = subscriber.Name,
            ["greeting_key"] = subscriber.Name.Trim().Length > 0 ? "admin_subscribers.manage_mail.greeting" : "self_service.manage_mail.greeting_no_name",
            ["online"] = requestedOnline,
            ["requested_key"] = requestedOnline ? "self_service.manage_mail.requested_online" : "admin_subscribers.manage_mail.requested",
            ["preferences"] = links.Preferences(subscriber.Id),
            ["unsubscribe"] = links.Unsubscribe(subscriber.Id),
        };
        var content = new MailContent(
            string.Join(' ', templates.RenderText("manage-link.subject.sbn", model).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim(),
            templates.RenderHtml("manage-link.html.sbn", model),
            templates.RenderText("manage-link.txt.sbn", model));
        var runId = $"{Category}-{subscriber.Id[..12]}-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
        await transport.SendAsync(new MailBatch(runId, "notice", Category, content, [new Recipient(subscriber.Id, subscriber.Email, subscriber.Name)]), ct);
        await audit.RecordAsync(subscriber.Id, actor, "manage link sent", new Dictionary<string, string>(), ct);
        LogSent(subscriber.Id);
        return subscriber;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Manage link mailed to subscriber {SubscriberId}")]
    private partial void LogSent(string subscriberId);
}
