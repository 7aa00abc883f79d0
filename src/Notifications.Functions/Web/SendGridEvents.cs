using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Delivery;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// SendGrid's Event Webhook. Anonymous to the Functions host: the Signed Event Webhook signature (checked against
/// SendGrid:WebhookPublicKey) is the authentication. In SendGrid, set the Post URL to https://&lt;app&gt;/api/sendgrid/events
/// and turn on signature verification.
/// </summary>
public sealed class SendGridEvents(SendGridEventWebhook webhook)
{
    [Function("SendGridEvents")]
    public Task<IResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sendgrid/events")] HttpRequest request, CancellationToken ct)
        => webhook.HandleAsync(request, ct);
}
