using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Notifications.Testing;

/// <summary>The Core composition as the hosts build it, over test settings, with a fake clock. Started, so options are validated.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private TestHost(IHost host, FakeTimeProvider time)
    {
        _host = host;
        Time = time;
    }

    public FakeTimeProvider Time { get; }
    public IServiceProvider Services => _host.Services;
    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <param name="configure">Replaces services after the composition (a failing transport, say).</param>
    public static async Task<TestHost> StartAsync(IDictionary<string, string?> settings, DateTimeOffset? now = null,
        Action<IServiceCollection>? configure = null)
    {
        var time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddNotifications(builder.Configuration).AddNotificationsDevTools();
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new TestHost(host, time);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
