using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Notifications.Topics;

public static class TopicsServiceCollectionExtensions
{
    /// <summary>
    /// The topic table (<see cref="TopicCatalog"/>), from the keys of <c>Articles:Topics</c>, checked on start for names that
    /// would mean two topics. Articles and Subscribers both resolve topic names through it.
    /// </summary>
    public static IServiceCollection AddTopics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TopicOptions>().Bind(configuration.GetSection(TopicOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TopicOptions>, TopicCatalogValidator>();
        services.AddSingleton(sp => new TopicCatalog(sp.GetRequiredService<IOptions<TopicOptions>>().Value.Topics));
        return services;
    }
}
