using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Articles;

namespace Notifications.Topics;

public static class TopicsServiceCollectionExtensions
{
    /// <summary>
    /// The topic table (<see cref="TopicCatalog"/>), from the keys of <c>Articles:Topics</c>, checked on start for names that
    /// would mean two topics. Articles and Subscribers both resolve topic names through it.
    /// </summary>
    public static IServiceCollection AddTopics(this IServiceCollection services)
    {
        services.AddOptions<ArticleOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ArticleOptions>, TopicCatalogValidator>();
        services.AddSingleton(sp => new TopicCatalog(sp.GetRequiredService<IOptions<ArticleOptions>>().Value.Topics));
        return services;
    }
}
