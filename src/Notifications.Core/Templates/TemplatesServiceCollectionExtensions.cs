using Microsoft.Extensions.DependencyInjection;

namespace Notifications.Templates;

public static class TemplatesServiceCollectionExtensions
{
    /// <summary>The templates (<see cref="TemplateSet"/>: built in, and any <see cref="ITemplateSource"/>), each checked on start.</summary>
    public static IServiceCollection AddTemplates(this IServiceCollection services)
    {
        services.AddSingleton<TemplateSet>();
        services.AddHostedService<TemplateCheck>();
        return services;
    }
}
