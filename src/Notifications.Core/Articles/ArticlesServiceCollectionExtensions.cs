using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Notifications.Articles;

public static class ArticlesServiceCollectionExtensions
{
    /// <summary>Reading, classifying, indexing and publishing articles, with <see cref="ArticleOptions"/> validated on start.</summary>
    public static IServiceCollection AddArticles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ArticleOptions>().Bind(configuration.GetSection(ArticleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<HtmlArticleReader>();
        services.AddSingleton<TopicClassifier>();
        services.AddSingleton<ArticleParser>();
        services.AddSingleton<ArticleIndex>();
        services.AddSingleton<ArticleIngestor>();
        services.AddSingleton<ArticlePublisher>();
        services.AddSingleton<ArticleChecks>();
        services.AddSingleton<ArticleRejectionNotifier>();
        return services;
    }
}
