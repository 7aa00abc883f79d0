using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Delivery;

namespace Notifications.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>
    /// The HTTP adapters: the subscriber pages with their rate limits, the admin API, the digest web view, and SendGrid's event
    /// webhook; <see cref="SubscribeRateLimitOptions"/> and <see cref="RequestLimitOptions"/> bound and validated on start.
    /// </summary>
    public static IServiceCollection AddWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SubscribeRateLimitOptions>().Bind(configuration.GetSection(SubscribeRateLimitOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RequestLimitOptions>().Bind(configuration.GetSection(RequestLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SubscribeRateLimits>();
        services.AddSingleton<SubscriptionPages>();
        services.AddSingleton<SubscriberApi>();
        // TypedResults serialize with the host's HTTP JSON options: the admin API's types come from their generated context.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, SubscriberApiJson.Default));
        services.AddSingleton<DigestWebView>();
        services.AddSingleton<SendGridEventWebhook>();
        // The secretariat console: its door (sign-in, roles, anti-forgery) and pages, and the public article pages.
        services.AddSingleton<ConsoleAntiForgery>();
        services.AddSingleton<ConsoleRenderer>();
        services.AddSingleton<ConsoleGate>();
        services.AddSingleton<ConsolePages>();
        services.AddSingleton<MaintenancePage>();
        services.AddSingleton<DeskPages>();
        services.AddSingleton<ArticlePages>();
        // The console for admins (issue 16): one folder per screen.
        services.AddSingleton<DashboardPage>();
        services.AddSingleton<SubscriberSearchPage>();
        services.AddSingleton<SubscriberProfilePage>();
        services.AddSingleton<AddressChangePage>();
        services.AddSingleton<SubscriberActionsApi>();
        services.AddSingleton<ImportPage>();
        services.AddSingleton<MembersPage>();
        services.AddSingleton<RunsPage>();
        services.AddSingleton<TemplatesPage>();
        return services;
    }
}
