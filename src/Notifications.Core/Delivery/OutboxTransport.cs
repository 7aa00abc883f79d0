using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Notifications.Mail;

namespace Notifications.Delivery;

/// <summary>
/// Local delivery: each recipient's message is written as <c>&lt;outbox&gt;/&lt;run&gt;/&lt;subscriber id&gt;.eml</c>
/// (a complete MIME message any mail client opens) plus the same HTML as <c>.html</c> for a browser.
/// </summary>
public sealed class OutboxTransport(
    IOptions<DeliveryOptions> options,
    SendGridMessageBuilder builder,
    TimeProvider time,
    ILogger<OutboxTransport> logger) : IMailTransport
{
    public string OutboxPath => Path.GetFullPath(options.Value.OutboxPath);

    public async Task<string> SendAsync(MailBatch batch, CancellationToken ct)
    {
        var folder = Path.Combine(OutboxPath, batch.RunId);
        Directory.CreateDirectory(folder);
        foreach (var recipient in batch.Recipients)
        {
            // What SendGrid does per personalization: each recipient's own name and links in place of the content's keys (those only).
            var content = batch.Content.Placeholders is not { } keys
                ? batch.Content
                : batch.Content with
                {
                    Subject = keys.Apply(batch.Content.Subject, recipient),
                    Html = keys.Apply(batch.Content.Html, recipient),
                    Text = keys.Apply(batch.Content.Text, recipient)
                };
            await WriteAtomicallyAsync(Path.Combine(folder, recipient.SubscriberId + ".eml"), ToEml(batch, content, recipient), ct);
            await WriteAtomicallyAsync(Path.Combine(folder, recipient.SubscriberId + ".html"), content.Html, ct);
        }
        logger.LogInformation("Wrote batch {BatchId} of run {RunId} to the outbox: {RecipientCount} messages",
            batch.BatchId, batch.RunId, batch.Recipients.Count);
        return $"outbox:{batch.RunId}/{batch.BatchId}";
    }

    /// <summary>
    /// The message as MimeKit writes it: headers folded, anything beyond ASCII in RFC 2047 encoded words, display names quoted where
    /// they need it; a multipart/alternative of the text then the HTML (UTF-8, base64); CRLF line ends.
    /// </summary>
    private MimeMessage ToEml(MailBatch batch, MailContent content, Recipient to)
    {
        var o = options.Value;
        var message = new MimeMessage { Date = time.GetUtcNow(), MessageId = $"{batch.RunId}.{to.SubscriberId}@outbox.local" };
        Set(message, HeaderId.From, new InternetAddressList([new MailboxAddress(o.FromName, o.FromEmail)]).ToString(Folding, encode: true));
        Set(message, HeaderId.To, new InternetAddressList([new MailboxAddress(to.Name, to.Email)]).ToString(Folding, encode: true));
        Set(message, HeaderId.Subject, content.Subject);
        message.Headers.Add("X-Digest-Run", batch.RunId);
        if (to.UnsubscribeUrl is { } unsubscribe)
        {
            message.Headers.Add(HeaderId.ListUnsubscribe, builder.ListUnsubscribe(unsubscribe));
            message.Headers.Add(HeaderId.ListUnsubscribePost, "List-Unsubscribe=One-Click");
        }
        var body = new MultipartAlternative { Part("plain", content.Text), Part("html", content.Html) };
        body.Boundary = "=_" + batch.RunId + "_" + batch.BatchId;
        message.Body = body;
        return message;
    }

    /// <summary>A header encoded and folded with <see cref="Folding"/> (MimeKit's own setters encode with its defaults).</summary>
    private static void Set(MimeMessage message, HeaderId id, string value)
    {
        var header = new Header(id, "");
        header.SetValue(Folding, Encoding.UTF8, value);
        message.Headers.Replace(header);
    }

    private static TextPart Part(string subtype, string body)
    {
        var part = new TextPart(subtype) { ContentTransferEncoding = ContentEncoding.Base64 };
        part.SetText(Encoding.UTF8, body);
        return part;
    }

    /// <summary>
    /// CRLF line ends, as mail is on the wire, and headers encoded for a line of 72: MimeKit fits encoded words to its line length by
    /// an estimate that runs a few characters over, and 72 keeps every line within RFC 5322's 78 and every encoded word within RFC
    /// 2047's 75 (at MimeKit's default of 78, long Cyrillic subjects and names come out at 80 to 90).
    /// </summary>
    private static readonly FormatOptions Folding = FoldingOptions();

    private static FormatOptions FoldingOptions()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.MaxLineLength = 72;
        return format;
    }

    private static async Task WriteAtomicallyAsync(string path, MimeMessage message, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await using (var file = File.Create(temp))
            await message.WriteToAsync(Folding, file, ct);
        File.Move(temp, path, overwrite: true);
    }

    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, content, new UTF8Encoding(false), ct);
        File.Move(temp, path, overwrite: true);
    }
}
