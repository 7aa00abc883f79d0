using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Notifications.Testing;

/// <summary>A request the fake accepted or refused, as it arrived.</summary>
public sealed record SendGridRequest(JsonElement Body, string? Authorization, int Status)
{
    public IReadOnlyList<string> Recipients => Body.GetProperty("personalizations").EnumerateArray()
        .SelectMany(p => p.GetProperty("to").EnumerateArray()).Select(t => t.GetProperty("email").GetString()!).ToList();
}

/// <summary>
/// A strict SendGrid v3 Mail Send endpoint on 127.0.0.1 for tests: it validates every request against SendGrid's documented rules
/// (bearer key, at most 1000 personalizations and recipients, each address once, from and subject present, text/plain before
/// text/html, custom_args under 10,000 bytes, no line breaks in the subject) and answers 400 with SendGrid's error shape when one
/// is broken, 202 with an X-Message-Id otherwise. Answers can be scripted (<see cref="EnqueueAnswer"/>) to inject failures.
/// </summary>
public sealed class FakeSendGrid : IAsyncDisposable
{
    public const string ApiKey = "SG.fake-test-key";
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string Body)> _scripted = new();
    private readonly ConcurrentQueue<SendGridRequest> _requests = new();
    private int _messageCounter;

    private FakeSendGrid(WebApplication app) => _app = app;

    public string BaseAddress { get; private set; } = "";

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<SendGridRequest> Requests => _requests.ToArray();

    /// <summary>Requests that were answered 202.</summary>
    public IReadOnlyList<SendGridRequest> Accepted => _requests.Where(r => r.Status == 202).ToArray();

    /// <summary>The next valid request gets this answer instead of 202.</summary>
    public void EnqueueAnswer(int status, string message)
        => _scripted.Enqueue((status, JsonSerializer.Serialize(new { errors = new[] { new { message, field = (string?)null, help = (string?)null } } })));

    public static async Task<FakeSendGrid> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSendGrid(app);
        app.MapPost("/v3/mail/send", fake.HandleAsync);
        await app.StartAsync();
        fake.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync();
        var authorization = request.Headers.Authorization.ToString();
        JsonElement body;
        try
        {
            body = JsonDocument.Parse(raw).RootElement.Clone();
        }
        catch (JsonException)
        {
            return Record(default, authorization, 400, "Bad Request: the body is not JSON", null);
        }
        if (authorization != "Bearer " + ApiKey)
            return Record(body, authorization, 401, "The provided authorization grant is invalid, expired, or revoked", null);
        if (Validate(body) is { } error)
            return Record(body, authorization, 400, error.Message, error.Field);
        if (_scripted.TryDequeue(out var answer))
        {
            _requests.Enqueue(new SendGridRequest(body, authorization, answer.Status));
            return Results.Content(answer.Body, "application/json", Encoding.UTF8, answer.Status);
        }
        _requests.Enqueue(new SendGridRequest(body, authorization, 202));
        var id = $"fake{Interlocked.Increment(ref _messageCounter):D6}";
        return new AcceptedAnswer(id);
    }

    private IResult Record(JsonElement body, string authorization, int status, string message, string? field)
    {
        _requests.Enqueue(new SendGridRequest(body, authorization, status));
        return Results.Json(new { errors = new[] { new { message, field, help = (string?)null } } }, statusCode: status);
    }

    private static (string Message, string? Field)? Validate(JsonElement body)
    {
        if (!body.TryGetProperty("personalizations", out var personalizations) || personalizations.ValueKind != JsonValueKind.Array || personalizations.GetArrayLength() == 0)
            return ("The personalizations field is required and must have at least one personalization.", "personalizations");
        if (personalizations.GetArrayLength() > 1000)
            return ("The personalizations field must have at most 1000 personalizations.", "personalizations");
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var recipientCount = 0;
        var topSubject = body.TryGetProperty("subject", out var s) ? s.GetString() : null;
        foreach (var p in personalizations.EnumerateArray())
        {
            if (!p.TryGetProperty("to", out var to) || to.GetArrayLength() == 0)
                return ("The to array is required for all personalization objects, and must have at least one email object with a valid email address.", "personalizations.0.to");
            foreach (var kind in new[] { "to", "cc", "bcc" })
                if (p.TryGetProperty(kind, out var list))
                    foreach (var address in list.EnumerateArray())
                    {
                        recipientCount++;
                        var email = address.TryGetProperty("email", out var e) ? e.GetString() : null;
                        if (string.IsNullOrEmpty(email) || !email.Contains('@'))
                            return ("Does not contain a valid address.", $"personalizations.{kind}.email");
                        if (!addresses.Add(email))
                            return ("Each email address in the personalization block should be unique between to, cc, and bcc.", $"personalizations.{kind}");
                        if (address.TryGetProperty("name", out var n) && (n.GetString() ?? "").IndexOfAny(['\r', '\n']) >= 0)
                            return ("Names must not contain line breaks.", $"personalizations.{kind}.name");
                    }
            var subject = p.TryGetProperty("subject", out var ps) ? ps.GetString() : topSubject;
            if (string.IsNullOrEmpty(subject))
                return ("The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.", "subject");
            if (subject.IndexOfAny(['\r', '\n']) >= 0)
                return ("The subject must not contain line breaks.", "subject");
        }
        if (recipientCount > 1000)
            return ("The total number of recipients must be no more than 1000.", "personalizations");
        if (!body.TryGetProperty("from", out var from) || !from.TryGetProperty("email", out var fromEmail) || !(fromEmail.GetString() ?? "").Contains('@'))
            return ("The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.", "from");
        if (!body.TryGetProperty("content", out var content) || content.GetArrayLength() == 0)
            return ("Unless a valid template_id is provided, the content parameter is required.", "content");
        var types = content.EnumerateArray().Select(c => c.GetProperty("type").GetString()).ToList();
        if (types.Contains("text/plain") && types[0] != "text/plain")
            return ("If present, text/plain content must be first, followed by any other content.", "content");
        if (content.EnumerateArray().Any(c => string.IsNullOrEmpty(c.GetProperty("value").GetString())))
            return ("The content value must be a string at least one character in length.", "content.value");
        if (body.TryGetProperty("custom_args", out var customArgs) && Encoding.UTF8.GetByteCount(customArgs.GetRawText()) > 10_000)
            return ("The custom_args must total less than 10,000 bytes.", "custom_args");
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class AcceptedAnswer(string messageId) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = (int)HttpStatusCode.Accepted;
            context.Response.Headers["X-Message-Id"] = messageId;
            return Task.CompletedTask;
        }
    }
}
