using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Notifications.Delivery;

/// <summary>Sends a batch as one SendGrid v3 Mail Send request: one personalization per recipient, so nobody sees the others.</summary>
public sealed class SendGridTransport(
    IHttpClientFactory httpClients,
    IOptions<SendGridOptions> sendGrid,
    IOptions<DeliveryOptions> delivery,
    ILogger<SendGridTransport> logger) : IMailTransport
{
    public const string HttpClientName = "SendGrid";

    public async Task<string> SendAsync(MailBatch batch, CancellationToken ct)
    {
        var client = new SendGridClient(httpClients.CreateClient(HttpClientName), new SendGridClientOptions
        {
            ApiKey = sendGrid.Value.ApiKey,
            Host = sendGrid.Value.Host,
        });
        Response response;
        try
        {
            response = await client.SendEmailAsync(BuildMessage(batch), ct);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound })
        {
            throw new MailNotSentException($"SendGrid could not be reached at {sendGrid.Value.Host}: {e.Message}", e);
        }

        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Body.ReadAsStringAsync(ct);
            throw new MailNotSentException($"SendGrid answered {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
        var messageId = response.Headers.TryGetValues("X-Message-Id", out var values) ? values.FirstOrDefault() ?? "" : "";
        logger.LogInformation("SendGrid accepted batch {BatchId} of run {RunId}: {RecipientCount} recipients, message id {MessageId}",
            batch.BatchId, batch.RunId, batch.Recipients.Count, messageId);
        return messageId;
    }

    /// <summary>The request body: text/plain before text/html, as SendGrid requires; run and batch ids as custom_args.</summary>
    public SendGridMessage BuildMessage(MailBatch batch)
    {
        var d = delivery.Value;
        var message = new SendGridMessage
        {
            From = new EmailAddress(d.FromEmail, string.IsNullOrWhiteSpace(d.FromName) ? null : d.FromName),
            Subject = batch.Content.Subject,
            PlainTextContent = batch.Content.Text,
            HtmlContent = batch.Content.Html,
            Personalizations = batch.Recipients
                .Select(r => new Personalization { Tos = [new EmailAddress(r.Email, r.Name)] })
                .ToList(),
            Categories = ["digest", batch.Category],
            CustomArgs = new Dictionary<string, string> { ["run_id"] = batch.RunId, ["batch_id"] = batch.BatchId },
        };
        return message;
    }
}
