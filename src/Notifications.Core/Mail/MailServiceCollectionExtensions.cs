using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Notifications.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Who the mail is from (<see cref="SenderOptions"/>, section <c>Digest</c>), bound and validated on start. The transports that
    /// send it (SendGrid, the outbox) are Delivery's: <c>AddDelivery</c> chooses one.
    /// </summary>
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SenderOptions>().Bind(configuration.GetSection(SenderOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
