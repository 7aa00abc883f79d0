using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Notifications.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The pipeline's meter and activity source (<see cref="PipelineTelemetry"/>), and log redaction for every host: classified
    /// <c>[LoggerMessage]</c> parameters go through their redactor (<c>EnableRedaction</c>: addresses masked, secrets <c>***</c>), and every
    /// logger is wrapped by <see cref="ScrubbingLoggerFactory"/>, which masks whatever still looks like an address or a token. Exporting
    /// (Application Insights) is the host's business: the Functions app adds it when it has a connection string.
    /// </summary>
    /// <remarks>Call it after the host's own logging setup (as <c>AddNotifications</c> is): it wraps the logger factory registered last.</remarks>
    public static IServiceCollection AddPipelineTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<PipelineTelemetry>();

        services.AddRedaction(redaction => redaction
            .SetRedactor<EmailAddressRedactor>(PersonalData.EmailAddress)
            .SetRedactor<SecretRedactor>(PersonalData.Secret)
            .SetFallbackRedactor<SecretRedactor>());
        // No discriminator: it appends ":<parameter name>" to the value before redaction (for keyed hashes), which a mask would show.
        services.AddLogging(logging => logging.EnableRedaction(o => o.ApplyDiscriminator = false));
        AddLogScrubbing(services);
        return services;
    }

    /// <summary>Wraps the logger factory registered last in a <see cref="ScrubbingLoggerFactory"/> (once).</summary>
    public static IServiceCollection AddLogScrubbing(this IServiceCollection services)
    {
        var last = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService);
        if (last is null)
        {
            services.AddLogging();
            last = services.Last(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService);
        }
        if (last.ImplementationFactory?.Target is ScrubbingRegistration)
            return services;
        services.Remove(last);
        services.Add(ServiceDescriptor.Singleton<ILoggerFactory>(new ScrubbingRegistration(last).Create));
        return services;
    }

    /// <summary>Builds the wrapped factory as the container would have built the original registration.</summary>
    private sealed class ScrubbingRegistration(ServiceDescriptor original)
    {
        public ILoggerFactory Create(IServiceProvider services)
        {
            if (original.ImplementationInstance is ILoggerFactory instance)
                return new ScrubbingLoggerFactory(instance, ownsInner: false);
            var inner = original.ImplementationFactory is { } factory
                ? (ILoggerFactory)factory(services)
                : (ILoggerFactory)ActivatorUtilities.CreateInstance(services, original.ImplementationType!);
            return new ScrubbingLoggerFactory(inner, ownsInner: true);
        }
    }
}
