using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Mail;

namespace Notifications.Subscribers;

public static class SubscribersServiceCollectionExtensions
{
    /// <summary>
    /// Subscribers: the store and its rules, ids, audit and suppressions, erasure, import/export, signed links and self-service with its
    /// confirmation queue; each options class (<see cref="SubscriberIdOptions"/>, <see cref="MemberOptions"/>, <see cref="TokenOptions"/>,
    /// <see cref="LinkOptions"/>, <see cref="SelfServiceOptions"/>) bound and validated on start.
    /// </summary>
    public static IServiceCollection AddSubscribers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SubscriberRules>();
        services.AddOptions<SubscriberIdOptions>().Bind(configuration.GetSection(SubscriberIdOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SubscriberIdOptions>, SubscriberIdOptionsValidator>();
        services.AddSingleton<SubscriberIds>();
        services.AddSingleton<IRecipientIds>(sp => sp.GetRequiredService<SubscriberIds>());
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<SubscriberSearchIndex>();
        services.AddSingleton<SubscriberSlotIndex>();
        // Schedule:SlotIndexSweepDays, validated with the rest of the Schedule section by Digests' ScheduleOptions.
        services.AddOptions<SlotIndexOptions>().Bind(configuration.GetSection("Schedule"));
        services.AddSingleton<SubscriberAudit>();
        // What Delivery asks of subscribers, through Mail's interfaces (Delivery never names Subscribers).
        services.AddSingleton<IRecipientHistory>(sp => sp.GetRequiredService<SubscriberAudit>());
        services.AddSingleton<IRecipientDirectory, SubscriberDirectory>();
        services.AddSingleton<IRecipientEventHandler, SubscriberEventHandler>();
        services.AddSingleton<Suppressions>();
        services.AddSingleton<SubscriberEraser>();
        services.AddSingleton<SubscriberAdmin>();
        services.AddSingleton<SubscriberCsv>();
        services.AddSingleton<CoverageReport>();
        services.AddSingleton<MemberDirectory>();
        services.AddSingleton<MemberLinks>();
        services.AddSingleton<ImportUploads>();
        services.AddOptions<MemberOptions>().Bind(configuration.GetSection(MemberOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemberOptions>, MemberOptionsValidator>();
        services.AddOptions<TokenOptions>().Bind(configuration.GetSection(TokenOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>();
        services.AddSingleton<SubscriptionTokens>();
        services.AddOptions<LinkOptions>().Bind(configuration.GetSection(LinkOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LinkOptions>, LinkOptionsValidator>();
        services.AddOptions<SelfServiceOptions>().Bind(configuration.GetSection(SelfServiceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SelfServiceRecoveryOptions>().Bind(configuration.GetSection(SelfServiceRecoveryOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SubscriptionLinks>();
        services.AddSingleton<SubscribeFormCheck>();
        services.AddSingleton<SubscriptionSelfService>();
        services.AddSingleton<SubscribeRequestStore>();
        services.AddSingleton<SubscribeConfirmationQueue>();
        services.AddSingleton<SubscribeConfirmationSender>();
        services.AddSingleton<ManageLinkMailer>();
        services.AddSingleton<AddressChanges>();
        return services;
    }
}
