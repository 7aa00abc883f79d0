using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Mail;

namespace Notifications.Delivery;

/// <summary>
/// Local delivery: each recipient's message is written as <c>&lt;outbox&gt;/&lt;run&gt;/&lt;subscriber id&gt;.eml</c>
/// (a complete MIME message any mail client opens) plus the same HTML as <c>.html</c> for a browser.
/// </summary>
public sealed class OutboxTransport(IOptions<DeliveryOptions> options, SendGridMessageBuilder builder, TimeProvider time, ILogger<OutboxTransport> logger) : IMailTransport
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
                : batch.Content with { Subject = keys.Apply(batch.Content.Subject, recipient), Html = keys.Apply(batch.Content.Html, recipient), Text = keys.Apply(batch.Content.Text, recipient) };
            await WriteAtomicallyAsync(Path.Combine(folder, recipient.SubscriberId + ".eml"), ToEml(batch, content, recipient), ct);
            await WriteAtomicallyAsync(Path.Combine(folder, recipient.SubscriberId + ".html"), content.Html, ct);
        }
        logger.LogInformation("Wrote batch {BatchId} of run {RunId} to the outbox: {RecipientCount} messages", batch.BatchId, batch.RunId, batch.Recipients.Count);
        return $"outbox:{batch.RunId}/{batch.BatchId}";
    }

    private string ToEml(MailBatch batch, MailContent content, Recipient to)
    {
        var o = options.Value;
        var boundary = "=_" + batch.RunId + "_" + batch.BatchId;
        var sb = new StringBuilder();
        sb.Append("From: ").Append(Mailbox(o.FromName, o.FromEmail)).Append("\r\n");
        sb.Append("To: ").Append(Mailbox(to.Name, to.Email)).Append("\r\n");
        sb.Append("Subject: ").Append(EncodeHeader(content.Subject)).Append("\r\n");
        sb.Append("Date: ").Append(time.GetUtcNow().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("Message-ID: <").Append(batch.RunId).Append('.').Append(to.SubscriberId).Append("@outbox.local>\r\n");
        sb.Append("X-Digest-Run: ").Append(batch.RunId).Append("\r\n");
        if (to.UnsubscribeUrl is { } unsubscribe)
        {
            sb.Append("List-Unsubscribe: ").Append(builder.ListUnsubscribe(unsubscribe)).Append("\r\n");
            sb.Append("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
        }
        sb.Append("MIME-Version: 1.0\r\n");
        sb.Append("Content-Type: multipart/alternative; boundary=\"").Append(boundary).Append("\"\r\n\r\n");
        AppendPart(sb, boundary, "text/plain", content.Text);
        AppendPart(sb, boundary, "text/html", content.Html);
        sb.Append("--").Append(boundary).Append("--\r\n");
        return sb.ToString();
    }

    private static void AppendPart(StringBuilder sb, string boundary, string type, string body)
    {
        sb.Append("--").Append(boundary).Append("\r\n");
        sb.Append("Content-Type: ").Append(type).Append("; charset=utf-8\r\n");
        sb.Append("Content-Transfer-Encoding: base64\r\n\r\n");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(body));
        for (var i = 0; i < encoded.Length; i += 76)
            sb.Append(encoded, i, Math.Min(76, encoded.Length - i)).Append("\r\n");
    }

    private static string Mailbox(string name, string email)
        => string.IsNullOrWhiteSpace(name) ? $"<{email}>" : $"{EncodeHeader(name, phrase: true)} <{email}>";

    /// <summary>RFC 2047 encoded-word for anything beyond printable ASCII; a quoted string for a display name with specials.</summary>
    private static string EncodeHeader(string value, bool phrase = false)
    {
        if (value.Any(c => c > 126 || c < 32))
            return "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";
        if (phrase && value.IndexOfAny(['(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '.', '"']) >= 0)
            return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return value;
    }

    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, content, new UTF8Encoding(false), ct);
        File.Move(temp, path, overwrite: true);
    }
}
