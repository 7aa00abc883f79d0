using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Web;

namespace Notifications.Testing;

/// <summary>
/// A request the fake accepted or refused, as it arrived. <see cref="Status"/> is the answer given (or, for a slow answer, about to be
/// given); 0 when the connection was dropped without an answer (<see cref="FakeSendGrid.EnqueueDropAfterBody"/>).
/// </summary>
public sealed record SendGridRequest(JsonElement Body, string? Authorization, int Status)
{
    /// <summary>When the whole request had been read (the real clock).</summary>
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;

    public IReadOnlyList<string> Recipients => Body.GetProperty("personalizations").EnumerateArray()
        .SelectMany(p => p.GetProperty("to").EnumerateArray()).Select(t => t.GetProperty("email").GetString()!).ToList();

    /// <summary>
    /// Each personalization's message as SendGrid would deliver it: every key of its <c>substitutions</c> replaced wherever it occurs
    /// in the subject, the text and HTML content and the headers (SendGrid's substitutions have no delimiters of their own: a key is
    /// any string the request names).
    /// </summary>
    public IReadOnlyList<DeliveredMessage> Delivered => Body.GetProperty("personalizations").EnumerateArray().Select(p =>
    {
        var values = p.TryGetProperty("substitutions", out var subs) ? subs.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetString() ?? "") : [];
        string Apply(string text) => values.Aggregate(text, (t, pair) => t.Replace(pair.Key, pair.Value, StringComparison.Ordinal));
        var content = Body.GetProperty("content").EnumerateArray()
            .ToDictionary(c => c.GetProperty("type").GetString()!, c => c.GetProperty("value").GetString()!);
        var headers = new Dictionary<string, string>();
        foreach (var source in new[] { Body, p })
            if (source.TryGetProperty("headers", out var h))
                foreach (var header in h.EnumerateObject())
                    headers[header.Name] = Apply(header.Value.GetString() ?? "");
        var subject = p.TryGetProperty("subject", out var ps) ? ps.GetString()! : Body.GetProperty("subject").GetString()!;
        return new DeliveredMessage(p.GetProperty("to")[0].GetProperty("email").GetString()!, Apply(subject),
            Apply(content.GetValueOrDefault("text/plain", "")), Apply(content.GetValueOrDefault("text/html", "")), headers);
    }).ToList();
}

/// <summary>One recipient's message as SendGrid delivers it (see <see cref="SendGridRequest.Delivered"/>).</summary>
public sealed record DeliveredMessage(string To, string Subject, string Text, string Html, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A strict SendGrid v3 Mail Send endpoint on 127.0.0.1 for tests: it validates every request against SendGrid's documented rules
/// (bearer key, at most 1000 personalizations and recipients, each address once, from and subject present, text/plain before
/// text/html, custom_args under 10,000 bytes, no line breaks in the subject) and answers 400 with SendGrid's error shape when one
/// is broken, 202 with an X-Message-Id otherwise. Answers can be scripted to inject failures (<see cref="EnqueueAnswer"/>,
/// <see cref="EnqueueRateLimit"/>, <see cref="EnqueueServerError"/>, <see cref="EnqueueSlowAnswer"/>, <see cref="EnqueueDropAfterBody"/>):
/// each applies to the next valid request, in the order they were enqueued.
/// </summary>
public sealed class FakeSendGrid : IAsyncDisposable
{
    public const string ApiKey = "SG.fake-test-key";
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Scripted> _scripted = new();
    private readonly ConcurrentQueue<SendGridRequest> _requests = new();
    private int _messageCounter;

    private FakeSendGrid(WebApplication app) => _app = app;

    public string BaseAddress { get; private set; } = "";

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<SendGridRequest> Requests => _requests.ToArray();

    /// <summary>Requests that were answered 202.</summary>
    public IReadOnlyList<SendGridRequest> Accepted => _requests.Where(r => r.Status == 202).ToArray();

    /// <summary>
    /// Every request with one of these addresses (in any personalization) is refused as SendGrid refuses an address it does not accept:
    /// 400, one error per such personalization, <c>{"message": "Does not contain a valid address.", "field": "personalizations.3.to.0.email",
    /// "help": …}</c>. Nothing of that request is sent.
    /// </summary>
    public void RefuseAddresses(params string[] emails)
    {
        foreach (var email in emails) _refused[email] = true;
    }

    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The next valid request gets this answer instead of 202.</summary>
    public void EnqueueAnswer(int status, string message)
        => _scripted.Enqueue(new Scripted(status, ErrorBody(message)));

    /// <summary>
    /// The next valid request gets SendGrid's 429, with X-RateLimit-Reset = now + <paramref name="resetIn"/> in unix seconds, rounded
    /// up to the next whole second (so waiting until the reset waits at least <paramref name="resetIn"/>).
    /// </summary>
    public void EnqueueRateLimit(TimeSpan resetIn)
        => _scripted.Enqueue(new Scripted(429, ErrorBody("too many requests"), Headers: () =>
        {
            var reset = DateTimeOffset.UtcNow + resetIn;
            var unix = (long)Math.Ceiling(reset.ToUnixTimeMilliseconds() / 1000.0);
            return new Dictionary<string, string>
            {
                ["X-RateLimit-Limit"] = "600",
                ["X-RateLimit-Remaining"] = "0",
                ["X-RateLimit-Reset"] = unix.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }));

    /// <summary>The next valid request gets a server error (SendGrid's error shape): it was not accepted.</summary>
    public void EnqueueServerError(int status = 500)
        => _scripted.Enqueue(new Scripted(status,
            ErrorBody(ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase.ToLowerInvariant() : "internal error")));

    /// <summary>
    /// The next valid request is received and recorded (as accepted: SendGrid would send it), then answered 202 only after
    /// <paramref name="delay"/>: a client timeout shorter than that fires after the request arrived.
    /// </summary>
    public void EnqueueSlowAnswer(TimeSpan delay) => _scripted.Enqueue(new Scripted(202, "", Delay: delay));

    /// <summary>The next valid request is read whole and recorded (status 0), then its connection is aborted without an answer.</summary>
    public void EnqueueDropAfterBody() => _scripted.Enqueue(new Scripted(0, "", Drop: true));

    private static string ErrorBody(string message)
        => JsonSerializer.Serialize(new { errors = new[] { new { message, field = (string?)null, help = (string?)null } } });

    public static async Task<FakeSendGrid> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSendGrid(app);
        app.MapPost("/v3/mail/send", fake.HandleAsync);
        app.MapGet("/v3/messages", fake.HandleActivity);
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
        if (RefusedAddresses(body) is { Count: > 0 } refused)
        {
            _requests.Enqueue(new SendGridRequest(body, authorization, 400));
            return Results.Json(
                new
                {
                    errors = refused.Select(field => new
                    {
                        message = "Does not contain a valid address.", field, help = ErrorsHelp + "#message.personalizations.to"
                    })
                },
                statusCode: 400);
        }
        if (_scripted.TryDequeue(out var answer))
        {
            _requests.Enqueue(new SendGridRequest(body, authorization, answer.Status));
            if (answer.Drop)
            {
                request.HttpContext.Abort();
                return Results.Empty;
            }
            if (answer.Delay is { } delay)
            {
                var slowId = NextMessageId();
                try
                {
                    await Task.Delay(delay, request.HttpContext.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up (as a timeout should): nobody is left to answer.
                    return Results.Empty;
                }
                return new AcceptedAnswer(slowId);
            }
            return new ScriptedAnswer(answer.Status, answer.Body, answer.Headers?.Invoke());
        }
        _requests.Enqueue(new SendGridRequest(body, authorization, 202));
        return new AcceptedAnswer(NextMessageId());
    }

    private const string ErrorsHelp = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html";

    /// <summary>The fields (<c>personalizations.{i}.{to|cc|bcc}.{j}.email</c>) of the addresses <see cref="RefuseAddresses"/> named.</summary>
    private List<string> RefusedAddresses(JsonElement body)
    {
        var fields = new List<string>();
        if (_refused.IsEmpty) return fields;
        foreach (var (p, i) in body.GetProperty("personalizations").EnumerateArray().Select((p, i) => (p, i)))
            foreach (var kind in new[] { "to", "cc", "bcc" })
                if (p.TryGetProperty(kind, out var list))
                    foreach (var (address, j) in list.EnumerateArray().Select((a, j) => (a, j)))
                        if (_refused.ContainsKey(address.GetProperty("email").GetString() ?? ""))
                            fields.Add($"personalizations.{i}.{kind}.{j}.email");
        return fields;
    }

    private string NextMessageId() => $"fake{Interlocked.Increment(ref _messageCounter):D6}";

    private IResult Record(JsonElement body, string authorization, int status, string message, string? field)
    {
        _requests.Enqueue(new SendGridRequest(body, authorization, status));
        return Results.Json(new { errors = new[] { new { message, field, help = (string?)null } } }, statusCode: status);
    }

    private static (string Message, string? Field)? Validate(JsonElement body)
    {
        if (!body.TryGetProperty("personalizations", out var personalizations) || personalizations.ValueKind != JsonValueKind.Array
            || personalizations.GetArrayLength() == 0)
            return ("The personalizations field is required and must have at least one personalization.", "personalizations");
        if (personalizations.GetArrayLength() > 1000)
            return ("The personalizations field must have at most 1000 personalizations.", "personalizations");
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var recipientCount = 0;
        var topSubject = body.TryGetProperty("subject", out var s) ? s.GetString() : null;
        foreach (var p in personalizations.EnumerateArray())
        {
            if (!p.TryGetProperty("to", out var to) || to.GetArrayLength() == 0)
                return (
                    "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
                    "personalizations.0.to");
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
                return ("The subject is required. You can get around this requirement if you use a template with a subject defined or if every " +
                    "personalization has a subject defined.", "subject");
            if (subject.IndexOfAny(['\r', '\n']) >= 0)
                return ("The subject must not contain line breaks.", "subject");
        }
        if (recipientCount > 1000)
            return ("The total number of recipients must be no more than 1000.", "personalizations");
        if (!body.TryGetProperty("from", out var from) || !from.TryGetProperty("email", out var fromEmail) || !(fromEmail.GetString() ?? "").Contains('@'))
            return ("The from object must be provided for every email send. It is an object that requires the email parameter, but may also " +
                "contain a name parameter.", "from");
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
        _webhookKey.Dispose();
    }

    // The Event Webhook: SendGrid posts signed events for what it accepted.

    private readonly ECDsa _webhookKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly HashSet<SendGridRequest> _eventsPosted = new(ReferenceEqualityComparer.Instance);

    /// <summary>The verification key of this fake's Signed Event Webhook (what <c>SendGrid:WebhookPublicKey</c> holds).</summary>
    public string WebhookPublicKey => Convert.ToBase64String(_webhookKey.ExportSubjectPublicKeyInfo());

    /// <summary>Accepted requests whose events have not been posted yet.</summary>
    public IReadOnlyList<SendGridRequest> EventsPending => Accepted.Where(r => { lock (_eventsPosted) return !_eventsPosted.Contains(r); }).ToList();

    /// <summary>
    /// The events SendGrid sends for an accepted request: one <c>processed</c> per personalization, with the message's and the
    /// personalization's custom_args at the top level, a unique sg_event_id, and <paramref name="at"/> as timestamp.
    /// </summary>
    public static IReadOnlyList<Dictionary<string, object>> ProcessedEvents(SendGridRequest request, DateTimeOffset at)
    {
        var shared = request.Body.TryGetProperty("custom_args", out var args)
            ? args.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : [];
        return request.Body.GetProperty("personalizations").EnumerateArray().Select(p =>
        {
            var e = new Dictionary<string, object>
            {
                ["email"] = p.GetProperty("to")[0].GetProperty("email").GetString()!,
                ["timestamp"] = at.ToUnixTimeSeconds(),
                ["event"] = "processed",
                ["sg_event_id"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('='),
                ["sg_message_id"] = "fake-message.filter0001." + Guid.NewGuid().ToString("N")[..8],
                ["category"] = request.Body.TryGetProperty("categories", out var c)
                    ? c.EnumerateArray().Select(x => x.GetString()).ToArray()
                    : Array.Empty<string>(),
            };
            foreach (var (name, value) in shared) e[name] = value;
            if (p.TryGetProperty("custom_args", out var own))
                foreach (var arg in own.EnumerateObject()) e[arg.Name] = arg.Value.GetString() ?? "";
            return e;
        }).ToList();
    }

    /// <summary>
    /// Posts, as one signed Event Webhook request through <paramref name="post"/> (body, headers → status), the <c>processed</c> events
    /// of every accepted request (those <paramref name="which"/> picks) whose events were not posted yet, stamped and signed at
    /// <paramref name="now"/>. Returns the number of events posted; they count as posted only when the answer was 200.
    /// </summary>
    /// <param name="edit">Changes each event before it is posted (an event of older mail without some custom arg, say).</param>
    public async Task<int> PostEventsAsync(Func<string, IDictionary<string, string>, Task<int>> post, DateTimeOffset now,
        Func<SendGridRequest, bool>? which = null,
        Action<Dictionary<string, object>>? edit = null)
    {
        var requests = EventsPending.Where(r => which?.Invoke(r) ?? true).ToList();
        var events = requests.SelectMany(r => ProcessedEvents(r, now)).ToList();
        foreach (var e in events) edit?.Invoke(e);
        if (events.Count == 0) return 0;
        var body = JsonSerializer.Serialize(events);
        var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(
            _webhookKey.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var status = await post(body, new Dictionary<string, string>
        {
            [Notifications.Web.SendGridEventWebhook.TimestampHeader] = timestamp,
            [Notifications.Web.SendGridEventWebhook.SignatureHeader] = signature,
        });
        if (status != 200)
            throw new InvalidOperationException($"The event webhook answered {status} to the fake SendGrid's events.");
        lock (_eventsPosted)
            foreach (var r in requests) _eventsPosted.Add(r);
        return events.Count;
    }

    /// <summary>The same, to the event webhook of <paramref name="host"/> (<c>SendGridEventWebhook.HandleAsync</c>), at its clock's time.</summary>
    public Task<int> PostEventsAsync(TestHost host, Func<SendGridRequest, bool>? which = null, Action<Dictionary<string, object>>? edit = null)
    {
        var webhook = host.Services.GetRequiredService<Notifications.Web.SendGridEventWebhook>();
        return PostEventsAsync(async (body, headers) =>
            (await HttpCall.InvokeAsync(host.Services, r => webhook.HandleAsync(r, CancellationToken.None), "POST", body: body, headers: headers)).Status,
            host.Time.GetUtcNow(), which, edit);
    }

    // The Email Activity API (GET /v3/messages?query=…&limit=…), as the paid add-on answers it.

    private readonly ConcurrentQueue<int> _activityAnswers = new();
    private readonly ConcurrentQueue<string> _activityQueries = new();

    /// <summary>Every Email Activity query received (decoded), in order.</summary>
    public IReadOnlyList<string> ActivityQueries => _activityQueries.ToArray();

    /// <summary>The next Email Activity request gets this status (429: its rate limit of 6 a minute; 403: no add-on) instead of the messages.</summary>
    public void EnqueueActivityAnswer(int status) => _activityAnswers.Enqueue(status);

    private IResult HandleActivity(HttpRequest request)
    {
        var query = request.Query["query"].ToString();
        _activityQueries.Enqueue(query);
        if (request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
            return Results.Json(new { errors = new[] { new { field = (string?)null, message = "authorization required" } } }, statusCode: 401);
        if (_activityAnswers.TryDequeue(out var status))
            return Results.Json(new { errors = new[] { new { field = (string?)null, message = ReasonPhrases.GetReasonPhrase(status) } } }, statusCode: status);
        var wanted = Regex.Matches(query, "unique_args\\['([^']+)'\\]\\s*=\\s*\"([^\"]*)\"").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        if (wanted.Count == 0)
            return Results.Json(new { errors = new[] { new { field = "query", message = "invalid query" } } }, statusCode: 400);
        var limit = int.TryParse(request.Query["limit"], out var l) ? Math.Clamp(l, 1, 1000) : 10;
        var messages = Accepted
            .Where(r => r.Body.TryGetProperty("custom_args", out var args)
                && wanted.All(w => args.TryGetProperty(w.Item1, out var v) && v.GetString() == w.Item2))
            .SelectMany(r => r.Recipients.Select(to => new
            {
                from_email = r.Body.GetProperty("from").GetProperty("email").GetString(),
                msg_id = "fake-message.filter0001." + Guid.NewGuid().ToString("N")[..8],
                subject = r.Body.GetProperty("subject").GetString(),
                to_email = to,
                status = "delivered",
                opens_count = 0,
                clicks_count = 0,
                last_event_time = r.ReceivedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            }))
            .Take(limit)
            .ToList();
        return Results.Json(new { messages });
    }

    /// <summary>A scripted answer: status and body, extra headers, or a delay before 202, or a dropped connection.</summary>
    private sealed record Scripted(int Status, string Body, Func<IReadOnlyDictionary<string, string>>? Headers = null, TimeSpan? Delay = null,
        bool Drop = false);

    private sealed class ScriptedAnswer(int status, string body, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                context.Response.Headers[name] = value;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body, Encoding.UTF8);
        }
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
