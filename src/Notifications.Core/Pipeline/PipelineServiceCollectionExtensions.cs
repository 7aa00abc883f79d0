using Microsoft.Extensions.DependencyInjection;

namespace Notifications.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// What the triggers and their CLI twins call: one entry per trigger (<see cref="ArticlePublished"/>, <see cref="HourPassed"/>,
    /// <see cref="BatchDue"/>, <see cref="AlertDue"/>, <see cref="ConfirmationRequested"/>, <see cref="DayPassed"/>), over <see cref="DigestRunner"/>,
    /// <see cref="DigestBatchSender"/> and <see cref="FailedBatchHealer"/>.
    /// </summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddSingleton<FailedBatchHealer>();
        services.AddSingleton<DigestRunner>();
        services.AddSingleton<DigestBatchSender>();
        services.AddSingleton<TranslationAlerts>();
        services.AddSingleton<AlertDueQueue>();
        services.AddSingleton<AlertDue>();
        services.AddSingleton<ArticlePublished>();
        services.AddSingleton<ArticleDesk>();
        services.AddSingleton<HourPassed>();
        services.AddSingleton<BatchDue>();
        services.AddSingleton<ConfirmationRequested>();
        services.AddSingleton<DayPassed>();
        services.AddSingleton<RunArchive>();
        services.AddSingleton<AttentionReport>();
        services.AddSingleton<DueForecast>();
        services.AddSingleton<Dashboard>();
        services.AddSingleton<RunCancellation>();
        services.AddSingleton<RunDetails>();
        services.AddSingleton<RunTimeGuard>();
        return services;
    }
}
