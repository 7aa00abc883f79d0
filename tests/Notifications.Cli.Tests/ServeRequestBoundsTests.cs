using System.Net;
using System.Net.Sockets;
using System.Text;
using Notifications.Testing;
using Notifications.Local;

namespace Notifications.Cli.Tests;

/// <summary>
/// `notify serve` on real Kestrel at 127.0.0.1: a client's own X-Forwarded-For does not change the address the subscribe
/// limit counts, and an oversized body (declared or chunked) is answered 413.
/// </summary>
public sealed class ServeRequestBoundsTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASpoofedForwardedForOnLoopbackDoesNotChangeTheCountedClient()
    {
        var settings = TestSettings.For(azurite);
        settings["SelfService:ClientRequestsPerHour"] = "2";
        await using var serve = await ServeAsync(settings);

        var answers = new List<HttpStatusCode>();
        foreach (var (email, forwardedFor) in new[]
        {
            ("one@customs.example", "203.0.113.1"), ("two@customs.example", "203.0.113.2"), ("three@customs.example", "203.0.113.3")
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/subscribe") { Content = Form(email) };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            answers.Add((await serve.Http.SendAsync(request, Ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task AnOversizedChunkedSubscribeBodyIsAnswered413()
    {
        // A chunked body (no declared length) of 64 KB, four times the 16 KB cap, and never finished: the server reads past the cap
        // and answers 413 without waiting for the rest. Over a socket, so that the answer is read even when the server stops reading
        // (HttpClient, still writing a larger body, may see the closed connection before it reads the answer).
        await using var serve = await ServeAsync(TestSettings.For(azurite));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, serve.Http.BaseAddress!.Port, Ct);
        var stream = client.GetStream();
        var head = $"POST /api/subscribe HTTP/1.1\r\nHost: 127.0.0.1:{serve.Http.BaseAddress.Port}\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);
        for (var i = 0; i < 4; i++)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("4000\r\n"), Ct);
            await stream.WriteAsync(Enumerable.Repeat((byte)' ', 16 * 1024).ToArray(), Ct);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("\r\n"), Ct);
        }

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var headers = new List<string>();
        for (var line = await reader.ReadLineAsync(Ct); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(Ct))
            headers.Add(line);

        Assert.Equal("HTTP/1.1 413 Payload Too Large", statusLine);
        Assert.Contains(headers, h => h.StartsWith("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ADeclaredOversizedSubscribeBodyIsAnswered413BeforeItIsSent()
    {
        // The client declares 29 MB and sends only the first 16 KB: the answer comes without waiting for the rest.
        await using var serve = await ServeAsync(TestSettings.For(azurite));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, serve.Http.BaseAddress!.Port, Ct);
        var stream = client.GetStream();
        var head = $"POST /api/subscribe HTTP/1.1\r\nHost: 127.0.0.1:{serve.Http.BaseAddress.Port}\r\nContent-Type: " +
            $"application/x-www-form-urlencoded\r\nContent-Length: {29 * 1024 * 1024}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);
        await stream.WriteAsync(new byte[16 * 1024], Ct);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("HTTP/1.1 413 Payload Too Large", statusLine);
    }

    private static StringContent Form(string email)
        => new($"email={Uri.EscapeDataString(email)}&name=Test+Reader&organization=Customs+Administration&language=en&frequency=daily",
            Encoding.UTF8, "application/x-www-form-urlencoded");

    private sealed class Serve(Task<int> run, CancellationTokenSource stop, HttpClient http) : IAsyncDisposable
    {
        public HttpClient Http => http;

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await run;
            http.Dispose();
            stop.Dispose();
        }
    }

    private static async Task<Serve> ServeAsync(Dictionary<string, string?> settings)
    {
        var port = FreePort();
        var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = NotifyCli.RunAsync(["serve", "--port", port.ToString()], new StringWriter(), new StringWriter(), settings, stop.Token);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(20) };
        for (var i = 0; i < 200; i++)
        {
            if (run.IsCompleted) Assert.Fail("serve exited early with " + await run + ".");
            if (await Notifications.Local.AzuriteLauncher.IsListeningAsync(port)) return new Serve(run, stop, http);
            await Task.Delay(100, Ct);
        }
        Assert.Fail("serve did not start listening within 20 s.");
        return null!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
