using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Mail;

namespace Notifications.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Delivery: the ledger and the send-batches queue, the batch sender, the mail transport (<see cref="SendGridTransport"/>, or
    /// <see cref="OutboxTransport"/> when <c>Delivery:Mode</c> is Outbox) with SendGrid's resilient HTTP client, and SendGrid's events and
    /// evidence; <see cref="DeliveryOptions"/> and <see cref="SendGridOptions"/> bound once and validated on start.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>();
        services.AddOptions<SendGridOptions>().Bind(configuration.GetSection(SendGridOptions.Section)).ValidateOnStart();

        services.AddSendGridHttpClient();
        services.AddSingleton<SendGridMessageBuilder>();
        services.AddSingleton<SendGridTransport>();
        services.AddSingleton<OutboxTransport>();
        services.AddSingleton<IMailTransport>(sp => sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.Mode switch
        {
            DeliveryMode.Outbox => sp.GetRequiredService<OutboxTransport>(),
            _ => sp.GetRequiredService<SendGridTransport>(),
        });
        services.AddSingleton<DeliveryLedger>();
        services.AddSingleton<BatchSender>();
        services.AddSingleton<SendBatchQueue>();
        services.AddSingleton<DeliveryEvents>();
        services.AddSingleton<SendGridEventProcessor>();
        services.AddSingleton<RecipientTimeline>();
        services.AddSingleton<IValidateOptions<SendGridOptions>, SendGridWebhookKeyValidator>();
        services.AddSingleton<DeliveryEvidence>();
        services.AddSingleton<EmailActivityLookup>();
        services.AddSingleton<UncertainBatchResolver>();
        return services;
    }
}
