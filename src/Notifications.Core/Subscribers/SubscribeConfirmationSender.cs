using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Templates;
using Scriban.Runtime;
using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>What the confirmation sender did with one subscribe request.</summary>
public enum ConfirmationSendOutcome
{
    /// <summary>The confirmation email went out.</summary>
    Sent,
    /// <summary>The address needs none (active, or bounced, complained, suspended: the link would not reactivate it).</summary>
    NotNeeded,
    /// <summary>A confirmation went to this address less than <see cref="SelfServiceOptions.ConfirmationResendInterval"/> ago.</summary>
    SentRecently,
    /// <summary>The request is gone (confirmed, superseded, purged), expired, or was handled already (a repeated message).</summary>
    Gone,
}

/// <summary>
/// Sends the confirmation email of one subscribe request, off the request path (the SubscribeConfirmation queue function,
/// <c>notify subscribers send-confirmations</c>): here, not in the form's answer, the address is looked up. A new address, an
/// unsubscribed one and a pending one get the email, at most one per <see cref="SelfServiceOptions.ConfirmationResendInterval"/>;
/// an active one gets its manage link instead (<see cref="ManageLinkMailer"/>, within the same limit); any other gets nothing. A
/// manage-link request (<see cref="SubscribeConfirmationMessage.ManageLinkRequest"/>) mails the manage link the same way.
/// The email repeats what was chosen from lists (frequency, day and hour, time zone, topics, language: see
/// <see cref="SubscribeChoices"/>) and echoes nothing the requester typed, and its To has no display name: the name is applied only
/// when the link is confirmed. Idempotent: the request's ETag claim lets one handler send.
/// </summary>
public sealed class SubscribeConfirmationSender(
    SubscribeRequestStore requests,
    SubscriberStore store,
    SubscriptionLinks links,
    TemplateSet templates,
    IMailTransport transport,
    ManageLinkMailer manageLinks,
    IOptions<SenderOptions> sender,
    IOptions<TokenOptions> tokenOptions,
    IOptions<SelfServiceOptions> options,
    TimeProvider time,
    ILogger<SubscribeConfirmationSender> logger,
    IDeliveryDefaults? defaults = null)
{
    public const string Category = SubscriptionSelfService.ConfirmationCategory;

    /// <exception cref="MailNotSentException">The email could not be sent: the claims are given back, and the message is tried again.</exception>
    public async Task<ConfirmationSendOutcome> SendAsync(SubscribeConfirmationMessage message, CancellationToken ct = default)
    {
        if (message.IsManageLinkRequest)
            return await SendManageLinkAsync(message.SubscriberId, "a manage-link request", ct);
        if (await requests.GetAsync(message.SubscriberId, message.RequestId, ct) is not { Handled: false } request || request.ExpiresAt <= time.GetUtcNow())
            return ConfirmationSendOutcome.Gone;
        var masked = EmailAddress.Mask(request.Candidate.Email);

        var existing = await store.GetAsync(request.SubscriberId, ct);
        if (existing is { Status: SubscriberStatus.Active })
        {
            // Already subscribed: a confirmation would change nothing they could not change themselves, so they get their manage link.
            var outcome = await SendManageLinkAsync(request.SubscriberId, "a subscribe request of an active subscriber", ct);
            await requests.MarkHandledAsync(request, ct);
            return outcome;
        }
        if (existing is { Status: not (SubscriberStatus.Pending or SubscriberStatus.Unsubscribed) })
        {
            logger.LogInformation("Subscribe request for {Email}, which is {Status}: nothing sent", masked, existing.Status);
            await requests.MarkHandledAsync(request, ct);
            return ConfirmationSendOutcome.NotNeeded;
        }

        var (slot, previous) = await requests.TryClaimResendSlotAsync(request.SubscriberId, options.Value.ConfirmationResendInterval, ct);
        if (!slot)
        {
            logger.LogInformation("Subscribe request for {Email}: a confirmation went out less than {Interval} ago, nothing sent",
                masked, options.Value.ConfirmationResendInterval);
            await requests.MarkHandledAsync(request, ct);
            return ConfirmationSendOutcome.SentRecently;
        }
        var slotAt = time.GetUtcNow();
        var lifetime = tokenOptions.Value.ConfirmationLifetime;
        if (await requests.TryClaimSendAsync(request, slotAt + lifetime, ct) is not { } claimed)
        {
            await requests.ReleaseResendSlotAsync(request.SubscriberId, slotAt, previous, CancellationToken.None);
            return ConfirmationSendOutcome.Gone;
        }

        try
        {
            await transport.SendAsync(Render(claimed, lifetime), ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or MailOutcomeUnknownException))
        {
            logger.LogError(e, "Could not send the confirmation email to {Email}; the message will be tried again", masked);
            await requests.ReleaseSendAsync(claimed, request, CancellationToken.None);
            await requests.ReleaseResendSlotAsync(request.SubscriberId, slotAt, previous, CancellationToken.None);
            throw;
        }
        catch (MailOutcomeUnknownException e)
        {
            // It may have gone: sending again could mail twice, and the requester can ask again after the resend interval.
            logger.LogError(e, "The confirmation email to {Email} may or may not have gone; not tried again", masked);
            return ConfirmationSendOutcome.Sent;
        }
        logger.LogInformation("Sent the confirmation email to {Email}", masked);
        return ConfirmationSendOutcome.Sent;
    }

    /// <summary>
    /// The manage link (preferences and unsubscribe) to a subscriber's own address, at most one mail per
    /// <see cref="SelfServiceOptions.ConfirmationResendInterval"/> (the same slot as confirmations); nothing for an unknown address, a
    /// bounced one (it would not arrive) or one that complained (no mail goes to them).
    /// </summary>
    private async Task<ConfirmationSendOutcome> SendManageLinkAsync(string subscriberId, string what, CancellationToken ct)
    {
        if (await store.GetAsync(subscriberId, ct) is not { Status: not (SubscriberStatus.Bounced or SubscriberStatus.Complained) } subscriber)
        {
            logger.LogInformation("Nothing sent for {What}: no subscriber that may be mailed", what);
            return ConfirmationSendOutcome.NotNeeded;
        }
        var (slot, previous) = await requests.TryClaimResendSlotAsync(subscriberId, options.Value.ConfirmationResendInterval, ct);
        if (!slot)
        {
            logger.LogInformation("Nothing sent for {What} of subscriber {SubscriberId}: a mail went out less than {Interval} ago",
                what, subscriberId, options.Value.ConfirmationResendInterval);
            return ConfirmationSendOutcome.SentRecently;
        }
        var slotAt = time.GetUtcNow();
        try
        {
            await manageLinks.SendAsync(subscriber.Id, SubscriptionSelfService.Actor, ct, requestedOnline: true);
        }
        catch (Exception e) when (e is not (OperationCanceledException or MailOutcomeUnknownException))
        {
            logger.LogError(e, "Could not mail subscriber {SubscriberId} their manage link; the message will be tried again", subscriberId);
            await requests.ReleaseResendSlotAsync(subscriberId, slotAt, previous, CancellationToken.None);
            throw;
        }
        catch (MailOutcomeUnknownException e)
        {
            logger.LogError(e, "The manage link mail to subscriber {SubscriberId} may or may not have gone; not tried again", subscriberId);
        }
        return ConfirmationSendOutcome.Sent;
    }

    private MailBatch Render(SubscribeRequest request, TimeSpan lifetime)
    {
        var model = new ScriptObject
        {
            ["lang"] = request.Candidate.Language,
            ["sender"] = sender.Value.Sender,
            ["organization"] = sender.Value.Organization,
            ["link"] = links.Confirm(request.SubscriberId, request.RequestId),
            ["days"] = Math.Max(1, (int)Math.Round(lifetime.TotalDays)),
            // What was chosen, repeated so the person can check it before confirming (nothing typed: no name, no organisation).
            ["chosen"] = SubscribeChoices.Lines(request.Candidate, defaults),
            ["colon"] = request.Candidate.Language == "fr" ? "\u00a0: " : ": ",
        };
        var content = new MailContent(
            string.Join(' ', templates.RenderText("subscribe-confirm.subject.sbn", model).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim(),
            templates.RenderHtml("subscribe-confirm.html.sbn", model),
            templates.RenderText("subscribe-confirm.txt.sbn", model));
        var runId = $"{Category}-{request.SubscriberId[..12]}-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
        // No display name: the name typed on the form is not confirmed yet, and must not reach anyone's inbox through us.
        return new MailBatch(runId, "notice", Category, content, [new Recipient(request.SubscriberId, request.Candidate.Email, "")]);
    }
}
