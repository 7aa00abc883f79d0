using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Notifications.Benchmarks;

/// <summary>
/// A SendGrid-compatible Mail Send endpoint on 127.0.0.1 for benchmarks: it reads every request body, counts its personalizations,
/// refuses one that breaks the 1,000-personalization limit, and answers 202 with an X-Message-Id, as SendGrid does.
/// </summary>
public sealed class SendGridSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private long _recipients;
    private long _bytes;

    private SendGridSink(WebApplication app) => _app = app;

    /// <summary>The host to give <c>SendGrid:Host</c>.</summary>
    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public int Requests => Volatile.Read(ref _requests);
    public long Recipients => Interlocked.Read(ref _recipients);
    public long Bytes => Interlocked.Read(ref _bytes);

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _recipients, 0);
        Interlocked.Exchange(ref _bytes, 0);
    }

    /// <param name="port">0: any free port.</param>
    /// <param name="latency">How long each answer takes (SendGrid's own time to accept a request; zero by default).</param>
    public static async Task<SendGridSink> StartAsync(int port = 0, TimeSpan latency = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var sink = new SendGridSink(app);
        app.MapPost("/v3/mail/send", async (HttpRequest request, HttpResponse response) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            using var body = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            var personalizations = body.RootElement.GetProperty("personalizations").GetArrayLength();
            if (personalizations is 0 or > 1000)
                return Results.BadRequest(new { errors = new[] { new { message = "personalizations must be 1 to 1000" } } });
            Interlocked.Increment(ref sink._requests);
            Interlocked.Add(ref sink._recipients, personalizations);
            Interlocked.Add(ref sink._bytes, buffer.Length);
            if (latency > TimeSpan.Zero)
                await Task.Delay(latency);
            response.Headers["X-Message-Id"] = Guid.NewGuid().ToString("N");
            return Results.StatusCode(202);
        });
        await app.StartAsync();
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
