using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Notifications.Testing;
using Notifications.Local;

namespace Notifications.Cli.Tests;

/// <summary>`notify serve`: the HTTP function methods themselves, on Kestrel at 127.0.0.1.</summary>
public sealed class ServeCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ServesEveryHttpFunctionOnLoopbackUntilCancelled()
    {
        var port = FreePort();
        var output = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serve = NotifyCli.RunAsync(["serve", "--port", port.ToString(), "--admin-key", AdminKey], output, new StringWriter(),
            TestSettings.For(azurite), stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Add("x-functions-key", AdminKey);
        await WaitUntilListeningAsync(port, serve);

        var created = await http.PostAsync("api/manage/subscribers", new StringContent(
            """{"email":"j.smith@hmrc.example","name":"Jane Smith","organization":"HMRC","country":"GB"}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var listed = JsonDocument.Parse(await http.GetStringAsync("api/manage/subscribers?country=GB", TestContext.Current.CancellationToken)).RootElement;
        var missing = await http.GetAsync("api/manage/subscribers/nobody%40x.example", TestContext.Current.CancellationToken);
        var subscribePage = await http.GetAsync("api/subscribe", TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        var exit = await serve;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("j.smith@hmrc.example", Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, subscribePage.StatusCode);
        Assert.Equal(0, exit);
        Assert.Contains($"Serving on http://127.0.0.1:{port}", output.ToString());
        Assert.Contains($"PATCH      http://127.0.0.1:{port}/api/manage/subscribers/{{id}}", output.ToString());
    }

    /// <summary>The admin key these tests start notify serve with (the admin API answers 401 without it).</summary>
    internal const string AdminKey = "serve-tests-admin-key-0123456789";

    internal static async Task WaitUntilListeningAsync(int port, Task<int> serve)
    {
        for (var i = 0; i < 200; i++)
        {
            if (serve.IsCompleted) Assert.Fail("serve exited early with " + await serve + ".");
            if (await Notifications.Local.AzuriteLauncher.IsListeningAsync(port)) return;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Fail("serve did not start listening within 20 s.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
