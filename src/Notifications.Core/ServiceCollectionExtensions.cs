using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Telemetry;
using Notifications.Templates;
using Notifications.Topics;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The whole pipeline, as both hosts (Functions and the <c>notify</c> CLI) use it, one folder at a time in layer order
    /// (docs/architecture.md); each folder binds its own options, validated when the host starts.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddPipelineTelemetry();
        services.AddStorage(configuration);
        services.AddTemplates();
        services.AddTopics(configuration);
        services.AddMail(configuration);

        services.AddArticles(configuration);
        services.AddSubscribers(configuration);
        services.AddDelivery(configuration);
        // Every store that may hold copies of a subscriber's address or name: erasure asks each to forget them.
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<DeliveryLedger>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<DeliveryEvents>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<SubscribeRequestStore>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<AddressChanges>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<RecipientTimeline>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<SubscriberSearchIndex>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<SubscriberSlotIndex>());
        services.AddSingleton<IPersonalDataStore>(sp => sp.GetRequiredService<ImportUploads>());

        services.AddDigests(configuration);
        services.AddPipeline();
        services.AddWeb(configuration);
        return services;
    }
}
