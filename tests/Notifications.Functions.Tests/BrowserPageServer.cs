using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Subscribers;

namespace Notifications.Functions.Tests;

/// <summary>
/// What the browser tests share: Debian's Chromium (Playwright never downloads a browser here), and the pages on Kestrel at a free
/// loopback port over the Core composition and a real Azurite, with Links:BaseUrl pointed at the server once its port is known.
/// </summary>
internal static class BrowserPageServer
{
    public const string Chromium = "/usr/bin/chromium";

    public static readonly string[] ChromiumArgs =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"
        ];

    /// <summary>Skips without Chromium, or fails when REQUIRE_BROWSER=1 (CI).</summary>
    public static void RequireChromium()
    {
        if (File.Exists(Chromium)) return;
        if (Environment.GetEnvironmentVariable("REQUIRE_BROWSER") == "1")
            Assert.Fail($"REQUIRE_BROWSER=1 but {Chromium} does not exist: install Debian chromium: apt-get install -y chromium");
        Assert.Skip($"{Chromium} does not exist: install Debian chromium: apt-get install -y chromium (set REQUIRE_BROWSER=1 to fail instead of skipping).");
    }

    /// <summary>Starts the server with <paramref name="settings"/>; <paramref name="map"/> routes the pages the test needs.</summary>
    public static async Task<WebApplication> StartAsync(IDictionary<string, string?> settings, Action<WebApplication> map, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddNotifications(builder.Configuration);
        var app = builder.Build();
        map(app);
        await app.StartAsync(ct);

        // The port is known only now: point the links at it (SubscriptionLinks reads the setting on every call).
        var configuration = (IConfigurationRoot)app.Configuration;
        configuration[$"{LinkOptions.Section}:{nameof(LinkOptions.BaseUrl)}"] = BaseAddress(app);
        configuration.Reload();
        return app;
    }

    public static string BaseAddress(WebApplication app)
        => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
}
