using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Subscribers;
using Notifications.Templates;

namespace Notifications.Digests;

public static class DigestsServiceCollectionExtensions
{
    /// <summary>
    /// Digests: the schedule, planning, watermarks, runs, rendering (with the admins' template overrides, refreshed in the background)
    /// and the archive, and the subscriber id migration (it moves watermarks too); <see cref="DigestOptions"/> and
    /// <see cref="ScheduleOptions"/> bound and validated on start.
    /// </summary>
    public static IServiceCollection AddDigests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DigestOptions>().Bind(configuration.GetSection(DigestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScheduleOptions>().Bind(configuration.GetSection(ScheduleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DigestRenderer>();
        services.AddSingleton<ArticleLinks>();
        services.AddSingleton<DigestTemplateOverrides>();
        services.AddSingleton<ITemplateSource>(sp => sp.GetRequiredService<DigestTemplateOverrides>());
        services.AddHostedService<DigestTemplateRefresher>();
        services.AddSingleton<TemplateHistory>();
        services.AddSingleton<TemplateWorkbench>();
        services.AddSingleton<DigestArchive>();
        services.AddSingleton<DigestRunStore>();
        services.AddSingleton<DigestPlanner>();
        services.AddSingleton<DigestWatermarks>();
        services.AddSingleton<DigestSchedule>();
        services.AddSingleton<DueSlots>();
        services.AddSingleton<DigestCandidates>();
        services.AddSingleton<IDeliveryDefaults, ScheduleDefaults>();
        services.AddSingleton<SubscriberIdMigration>();
        services.AddSingleton<SubscriberAddressMove>();
        return services;
    }
}
