using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Telemetry;
using Notifications.Templates;
using Notifications.Topics;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications;

public static class ServiceCollectionExtensions
{
    /// <summary>The whole pipeline, as both hosts (Functions and the <c>notify</c> CLI) use it. Options are validated when the host starts.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Configure(o => o.UseConnectionSettings(configuration))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>();
        services.AddOptions<SendGridOptions>().Bind(configuration.GetSection(SendGridOptions.Section));
        services.AddOptions<ArticleOptions>().Bind(configuration.GetSection(ArticleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DigestOptions>().Bind(configuration.GetSection(DigestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddTopics();

        services.TryAddSingleton(TimeProvider.System);
        services.AddPipelineTelemetry();
        services.AddSingleton<StorageResources>();

        services.AddSingleton<HtmlArticleReader>();
        services.AddSingleton<TopicClassifier>();
        services.AddSingleton<ArticleParser>();
        services.AddSingleton<ArticleIndex>();
        services.AddSingleton<ArticleIngestor>();
        services.AddSingleton<ArticlePublisher>();
        services.AddSingleton<ArticleRejectionNotifier>();

        services.AddSingleton<SubscriberRules>();
        services.AddOptions<SubscriberIdOptions>().Bind(configuration.GetSection(SubscriberIdOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SubscriberIdOptions>, SubscriberIdOptionsValidator>();
        services.AddSingleton<SubscriberIds>();
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<SubscriberAudit>();
        services.AddSingleton<IRecipientHistory>(sp => sp.GetRequiredService<SubscriberAudit>());
        services.AddSingleton<IRecipientDirectory, SubscriberDirectory>();
        services.AddSingleton<IRecipientEventHandler, SubscriberEventHandler>();
        services.AddSingleton<Suppressions>();
        // Every store that may hold copies of a subscriber's address or name: erasure asks each to forget them.
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<DeliveryLedger>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<DeliveryEvents>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<SubscribeRequestStore>());
        services.AddSingleton<SubscriberEraser>();
        services.AddSingleton<SubscriberIdMigration>();
        services.AddSingleton<SubscriberAdmin>();
        services.AddSingleton<SubscriberCsv>();
        services.AddSingleton<CoverageReport>();
        services.AddOptions<MemberOptions>().Bind(configuration.GetSection(MemberOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemberOptions>, MemberOptionsValidator>();
        services.AddSingleton<SubscriberApi>();
        services.AddOptions<TokenOptions>().Bind(configuration.GetSection(TokenOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>();
        services.AddSingleton<SubscriptionTokens>();
        services.AddOptions<LinkOptions>().Bind(configuration.GetSection(LinkOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LinkOptions>, LinkOptionsValidator>();
        services.AddOptions<SelfServiceOptions>().Bind(configuration.GetSection(SelfServiceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SubscribeRateLimitOptions>().Bind(configuration.GetSection(SubscribeRateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SubscribeRateLimits>();
        services.AddOptions<RequestLimitOptions>().Bind(configuration.GetSection(RequestLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SubscriptionLinks>();
        services.AddSingleton<SubscriptionSelfService>();
        services.AddSingleton<SubscribeRequestStore>();
        services.AddSingleton<SubscribeConfirmationQueue>();
        services.AddSingleton<SubscribeConfirmationSender>();
        services.AddSingleton<PendingSubscriptionPurge>();
        services.AddSingleton<SubscriptionPages>();

        services.AddSingleton<TemplateSet>();
        services.AddHostedService<TemplateCheck>();

        services.AddSingleton<DigestRenderer>();
        services.AddSingleton<DigestTemplateOverrides>();
        services.AddSingleton<ITemplateSource>(sp => sp.GetRequiredService<DigestTemplateOverrides>());
        services.AddHostedService<DigestTemplateRefresher>();
        services.AddSingleton<DigestArchive>();
        services.AddSingleton<DigestRunStore>();
        services.AddSingleton<FailedBatchHealer>();
        services.AddSingleton<DigestRunner>();
        services.AddSingleton<DigestBatchSender>();
        services.AddSingleton<DigestPlanner>();
        services.AddSingleton<DigestWatermarks>();
        services.AddSingleton<InstantAlerts>();
        services.AddOptions<ScheduleOptions>().Bind(configuration.GetSection(ScheduleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DigestSchedule>();

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
        services.AddOptions<SendGridOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SendGridOptions>, SendGridWebhookKeyValidator>();
        services.AddSingleton<DeliveryEvents>();
        services.AddSingleton<SendGridEventProcessor>();
        services.AddSingleton<SendGridEventWebhook>();
        services.AddSingleton<DeliveryEvidence>();
        services.AddSingleton<EmailActivityLookup>();
        services.AddSingleton<UncertainBatchResolver>();

        return services;
    }
}
