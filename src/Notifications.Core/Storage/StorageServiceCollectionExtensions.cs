using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Notifications.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The storage account's clients (<see cref="StorageResources"/>), with <see cref="StorageOptions"/> from the <c>Storage</c> section
    /// and the Functions host's connection setting <c>AzureWebJobsStorage</c>, validated on start.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Configure(o => o.UseConnectionSettings(configuration))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StorageResources>();
        return services;
    }
}
