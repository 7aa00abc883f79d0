using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Notifications.Articles;
using Notifications.Functions;
using Notifications.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Notifications.Functions.Tests;

/// <summary>
/// <see cref="FunctionsTelemetry.AddNotificationsTelemetry"/>, the export wiring Program.cs calls: nothing without a connection string;
/// with one, the pipeline's activity source and meter reach the OpenTelemetry pipeline that the Azure Monitor exporter is on.
/// The connection string points at a closed port on 127.0.0.1, and the exporter's own statistics, live metrics and offline
/// storage are off: nothing leaves the machine.
/// </summary>
public sealed class TelemetryTests
{
    private const string LoopbackConnectionString =
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/";

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    [Fact]
    public void WithoutAConnectionStringNothingIsSetUp()
    {
        var services = new ServiceCollection();
        services.AddNotificationsTelemetry(Configuration());

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(TracerProvider) || d.ServiceType == typeof(MeterProvider));
        Assert.Empty(services);
    }

    [Fact]
    public async Task WithAConnectionStringThePipelinesActivitiesAndMetricsReachTheExportPipeline()
    {
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL", "true");
        var spans = new List<Activity>();
        var metrics = new List<string>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddPipelineTelemetry();
        builder.Services.AddNotificationsTelemetry(Configuration((FunctionsTelemetry.ConnectionStringSetting, LoopbackConnectionString)));
        builder.Services.Configure<AzureMonitorExporterOptions>(o =>
        {
            o.EnableLiveMetrics = false;
            o.DisableOfflineStorage = true;
            // The default is rate-limited sampling, which may drop the first trace of a process; this test wants every one.
            o.TracesPerSecond = null;
            o.SamplingRatio = 1.0F;
        });
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SimpleActivityExportProcessor(new ActivityList(spans))));
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddReader(new BaseExportingMetricReader(new MetricNames(metrics))));

        using (var host = builder.Build())
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            var telemetry = host.Services.GetRequiredService<PipelineTelemetry>();
            var blob = "exported-" + Guid.NewGuid().ToString("N")[..8] + ".md";
            await telemetry.TraceIngestAsync(
                blob, () => Task.FromResult(new IngestResult(blob, IngestOutcome.Missing, null)), r => new IngestTags(r.Outcome.ToString()));

            // The Azure Monitor exporter's part of the flush fails (nothing listens on the port); the test's readers get everything.
            host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
            host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000);
            lock (spans)
                Assert.Contains(spans, a => a.OperationName == PipelineTelemetry.IngestActivity && (string?)a.GetTagItem("notifications.article") == blob);
            lock (metrics)
                Assert.Contains(PipelineTelemetry.ArticlesIngestedName, metrics);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void TheAuthenticationStringSelectsTheManagedIdentity()
    {
        Assert.Null(FunctionsTelemetry.CredentialFrom(null));
        Assert.Null(FunctionsTelemetry.CredentialFrom(" "));
        Assert.IsType<ManagedIdentityCredential>(FunctionsTelemetry.CredentialFrom("Authorization=AAD"));
        Assert.IsType<ManagedIdentityCredential>(FunctionsTelemetry.CredentialFrom("ClientId=6c3a1b5e-0000-4000-8000-000000000001;Authorization=AAD"));
        Assert.IsType<ManagedIdentityCredential>(FunctionsTelemetry.CredentialFrom(" authorization = aad ; clientid = 6c3a1b5e-0000-4000-8000-000000000001 "));

        var wrong = Assert.Throws<InvalidOperationException>(() => FunctionsTelemetry.CredentialFrom("ClientId=6c3a1b5e-0000-4000-8000-000000000001"));
        Assert.Contains(FunctionsTelemetry.AuthenticationStringSetting, wrong.Message);
        Assert.Throws<InvalidOperationException>(() => FunctionsTelemetry.CredentialFrom("Authorization=Basic"));
        Assert.Throws<InvalidOperationException>(() => FunctionsTelemetry.CredentialFrom("Authorization"));
    }

    [Fact]
    public void AnEntraAuthenticationStringGivesTheExporterTheCredential()
    {
        var services = new ServiceCollection();
        services.AddNotificationsTelemetry(Configuration(
            (FunctionsTelemetry.ConnectionStringSetting, LoopbackConnectionString),
            (FunctionsTelemetry.AuthenticationStringSetting, "Authorization=AAD;ClientId=6c3a1b5e-0000-4000-8000-000000000001")));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<AzureMonitorExporterOptions>>()
            .Get(Microsoft.Extensions.Options.Options.DefaultName);
        Assert.Equal(LoopbackConnectionString, options.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(options.Credential);
    }

    private sealed class ActivityList(List<Activity> items) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            lock (items)
                foreach (var activity in batch)
                    items.Add(activity);
            return ExportResult.Success;
        }
    }

    private sealed class MetricNames(List<string> names) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            lock (names)
                foreach (var metric in batch)
                    names.Add(metric.Name);
            return ExportResult.Success;
        }
    }
}
