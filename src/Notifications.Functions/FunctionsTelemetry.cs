using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Notifications.Functions;

public static class FunctionsTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// Exports the worker's traces, metrics and logs to Application Insights through OpenTelemetry, when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (nothing is exported, and no OpenTelemetry is set up, without it): the
    /// Functions worker's own instrumentation (<c>UseFunctionsWorkerDefaults</c>: invocation spans, the host's trace context, the
    /// function app as the cloud role), the pipeline's <see cref="PipelineTelemetry"/> activity source and meter, and every log entry
    /// after redaction (<c>AddNotifications</c> sets that up for every host). With <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
    /// = <c>Authorization=AAD</c> (optionally <c>ClientId=...</c> of a user-assigned identity) the exporter authenticates with the app's
    /// managed identity (Entra ID), as the Functions host does; the Application Insights resource can then refuse local
    /// (instrumentation key) authentication.
    /// </summary>
    public static IServiceCollection AddNotificationsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[ConnectionStringSetting] is not { Length: > 0 } connectionString)
            return services;
        var credential = CredentialFrom(configuration[AuthenticationStringSetting]);
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(PipelineTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(PipelineTelemetry.Name))
            .UseAzureMonitorExporter(exporter =>
            {
                exporter.ConnectionString = connectionString;
                if (credential is not null)
                    exporter.Credential = credential;
            });
        return services;
    }

    /// <summary>
    /// The managed identity that <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names (<c>Authorization=AAD</c>, with <c>ClientId=</c> for a
    /// user-assigned identity); null when it is not set. Anything else is a configuration error and stops the start.
    /// </summary>
    public static TokenCredential? CredentialFrom(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString)) return null;
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
                throw new InvalidOperationException(
                    $"{AuthenticationStringSetting} has a part without a value ('{part}'): expected Authorization=AAD;ClientId=<client id>.");
            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"{AuthenticationStringSetting} must say Authorization=AAD (Entra ID with the app's managed identity), optionally with ClientId=<client id>.");
        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
