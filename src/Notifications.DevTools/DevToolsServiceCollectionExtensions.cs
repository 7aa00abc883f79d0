using Microsoft.Extensions.DependencyInjection;
using Notifications.Benchmarks;
using Notifications.Local;

namespace Notifications;

public static class DevToolsServiceCollectionExtensions
{
    /// <summary>The developer tools (Azurite launcher, demo, benchmarks) on top of <c>AddNotifications</c>: the CLI and tests only.</summary>
    public static IServiceCollection AddNotificationsDevTools(this IServiceCollection services)
    {
        services.AddSingleton<AzuriteLauncher>();
        services.AddSingleton<DemoScenario>();
        services.AddSingleton<IngestBenchmark>();
        services.AddSingleton<FanoutBenchmark>();
        services.AddSingleton<SearchBenchmark>();
        return services;
    }
}
