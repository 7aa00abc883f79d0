using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SendGrid.Helpers.Mail;
using Notifications.Mail;
using EmailAddress = SendGrid.Helpers.Mail.EmailAddress;

namespace Notifications.Delivery;

/// <summary>
/// Builds the SendGrid v3 Mail Send request for a batch: one content, one personalization per recipient (their address,
/// their substitutions, their List-Unsubscribe header, their subscriber id), and checks it against SendGrid's documented
/// limits before anything is sent.
/// </summary>
public sealed class SendGridMessageBuilder(IOptions<DeliveryOptions> delivery)
{
    public const int MaxPersonalizations = 1000;
    public const int MaxRecipients = 1000;
    public const int MaxCustomArgsBytes = 10_000;

    /// <summary>Headers SendGrid sets itself and refuses in a request.</summary>
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-sg-id", "x-sg-eid", "received", "dkim-signature", "content-type", "content-transfer-encoding", "to", "from", "subject", "reply-to", "cc", "bcc",
    };

    /// <summary>The request body: text/plain before text/html, as SendGrid requires.</summary>
    public SendGridMessage Build(MailBatch batch)
    {
        var d = delivery.Value;
        var message = new SendGridMessage
        {
            From = new EmailAddress(d.FromEmail, string.IsNullOrWhiteSpace(d.FromName) ? null : d.FromName),
            Subject = batch.Content.Subject,
            PlainTextContent = batch.Content.Text,
            HtmlContent = batch.Content.Html,
            Personalizations = batch.Recipients.Select(r => new Personalization
            {
                Tos = [new EmailAddress(r.Email, r.Name)],
                Substitutions = batch.Content.Placeholders?.ValuesFor(r).ToDictionary(),
                Headers = r.UnsubscribeUrl is null ? null : new Dictionary<string, string> { ["List-Unsubscribe"] = ListUnsubscribe(r.UnsubscribeUrl) },
                CustomArgs = new Dictionary<string, string> { ["subscriber_id"] = r.SubscriberId },
            }).ToList(),
            Categories = ["digest", batch.Category],
            CustomArgs = new Dictionary<string, string> { ["run_id"] = batch.RunId, ["batch_id"] = batch.BatchId },
            TrackingSettings = Tracking(d.TrackOpensAndClicks),
        };
        if (batch.PlanId is { Length: > 0 } planId)
            message.CustomArgs["plan_id"] = planId;
        if (batch.Recipients.Any(r => r.UnsubscribeUrl is not null))
            message.Headers = new Dictionary<string, string> { ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" };
        CheckLimits(message);
        return message;
    }

    /// <summary>
    /// Open and click tracking as <c>Delivery:TrackOpensAndClicks</c> says, set on every request either way, so that the SendGrid
    /// account's own default never decides it. Clicks are tracked in the HTML only (the plain text keeps its links readable).
    /// </summary>
    public static TrackingSettings Tracking(bool on) => new()
    {
        OpenTracking = new OpenTracking { Enable = on },
        ClickTracking = new ClickTracking { Enable = on, EnableText = false },
    };

    /// <summary>"&lt;https://…/api/unsubscribe?token=…&gt;", plus "&lt;mailto:…&gt;" when Delivery:UnsubscribeMailto is set.</summary>
    public string ListUnsubscribe(string unsubscribeUrl)
        => delivery.Value.UnsubscribeMailto is { Length: > 0 } mailto
            ? $"<{unsubscribeUrl}>, <mailto:{mailto}?subject=unsubscribe>"
            : $"<{unsubscribeUrl}>";

    /// <summary>SendGrid's documented limits, checked before sending: a request that breaks one is refused here, not by SendGrid.</summary>
    public static void CheckLimits(SendGridMessage message)
    {
        var personalizations = message.Personalizations ?? [];
        if (personalizations.Count is 0 or > MaxPersonalizations)
            throw new MailNotSentException($"A request needs 1 to {MaxPersonalizations} personalizations; this one has {personalizations.Count}.");
        var addresses = personalizations.SelectMany(p => (p.Tos ?? []).Concat(p.Ccs ?? []).Concat(p.Bccs ?? [])).ToList();
        if (addresses.Count > MaxRecipients)
            throw new MailNotSentException($"A request may have at most {MaxRecipients} recipients; this one has {addresses.Count}.");
        var duplicate = addresses.GroupBy(a => a.Email, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new MailNotSentException("An address appears twice in one request; SendGrid refuses that.");
        if (HasLineBreak(message.Subject) || addresses.Any(a => HasLineBreak(a.Name)))
            throw new MailNotSentException("The subject or a recipient's name contains a line break.");
        foreach (var p in personalizations)
        {
            var customArgs = JsonSerializer.Serialize((message.CustomArgs ?? []).Concat(p.CustomArgs ?? []).ToDictionary());
            if (Encoding.UTF8.GetByteCount(customArgs) > MaxCustomArgsBytes)
                throw new MailNotSentException($"custom_args exceed {MaxCustomArgsBytes} bytes for one recipient.");
        }
        var headers = (message.Headers ?? []).Concat(personalizations.SelectMany(p => p.Headers ?? [])).ToList();
        if (headers.FirstOrDefault(h => ReservedHeaders.Contains(h.Key)) is { Key: { } reserved })
            throw new MailNotSentException($"The header '{reserved}' is reserved by SendGrid.");
        if (headers.Any(h => HasLineBreak(h.Key) || HasLineBreak(h.Value)))
            throw new MailNotSentException("A header contains a line break.");
    }

    private static bool HasLineBreak(string? value) => value is not null && value.IndexOfAny(['\r', '\n']) >= 0;
}
