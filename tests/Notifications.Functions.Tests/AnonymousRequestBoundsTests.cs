using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The anonymous functions bound what they read before they read it: oversized bodies get 413 with nothing read past the cap
/// (declared by Content-Length: nothing read at all), the subscribe limits answer 429 before the body is read, the webhook
/// refuses missing or stale signature headers before the body is read. Bodies are <see cref="CountingBody"/>: 29 MB that exist
/// only as they are read, counted.
/// </summary>
public sealed class AnonymousRequestBoundsTests(AzuriteFixture azurite) : IDisposable
{
    private const int PageCap = 16 * 1024;
    private const int WebhookCap = 2 * 1024 * 1024;
    private const long Huge = 29L * 1024 * 1024;
    private const string Email = "a.karimov@customs.example";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _key.Dispose();

    private async Task<TestHost> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = TestSettings.For(azurite);
        settings["Links:BaseUrl"] = "https://notify.secretariat.example";
        settings["SendGrid:WebhookPublicKey"] = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
        configure?.Invoke(settings);
        return await TestHost.StartAsync(settings);
    }

    public static TheoryData<string, bool> Endpoints => new()
    {
        { "subscribe-form", true }, { "subscribe-form", false },
        { "subscribe-json", true }, { "subscribe-json", false },
        { "confirm", true },
        { "unsubscribe", true }, { "unsubscribe", false },
        { "preferences", true }, { "preferences", false },
        { "manage-link", true }, { "manage-link", false },
        { "webhook", true }, { "webhook", false },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AnOversizedBodyIsRefusedWith413AndNeverReadPastTheCap(string endpoint, bool contentLength)
    {
        await using var host = await StartAsync();
        var body = new CountingBody(Huge);

        var answer = await PostAsync(host, endpoint, body, contentLength);

        Assert.Equal(413, answer.Status);
        // Declared too large: not a byte read. Chunked: read up to the cap and one byte more, which says "too large", then no further.
        Assert.Equal(contentLength ? 0 : (endpoint == "webhook" ? WebhookCap : PageCap) + 1, body.BytesRead);
        if (endpoint != "webhook")
            Assert.Equal("nosniff", answer.Headers.XContentTypeOptions.ToString());
        if (endpoint is "subscribe-json" or "webhook")
        {
            Assert.Equal("application/problem+json", answer.Headers.ContentType.ToString());
            Assert.Contains($"larger than {(endpoint == "webhook" ? WebhookCap : PageCap)} bytes", answer.Json.GetProperty("detail").GetString());
        }
        else
        {
            Assert.Equal("text/html; charset=utf-8", answer.Headers.ContentType.ToString());
            Assert.Contains("The request is too large", answer.Body);
            Assert.Contains("larger than 16 KB", answer.Body);
        }
    }

    [Fact]
    public async Task ConfirmNeverReadsABodyOfUnknownLength()
    {
        await using var host = await StartAsync();
        var body = new CountingBody(Huge);

        await PostAsync(host, "confirm", body, contentLength: false);

        Assert.Equal(0, body.BytesRead);
    }

    [Theory]
    [InlineData("ru", "Слишком большой запрос", "больше 16 КБ")]
    [InlineData("fr", "La demande est trop volumineuse", "dépassent 16 Ko")]
    public async Task The413PageIsInThePagesLanguage(string lang, string title, string text)
    {
        await using var host = await StartAsync();

        var answer = await PostAsync(host, "subscribe-form", new CountingBody(Huge), contentLength: false, acceptLanguage: lang);

        Assert.Equal(413, answer.Status);
        Assert.Contains($"<html lang=\"{lang}\"", answer.Body);
        Assert.Contains(title, WebUtility.HtmlDecode(answer.Body));
        Assert.Contains(text, WebUtility.HtmlDecode(answer.Body));
    }

    [Fact]
    public async Task A29MegabyteJsonSubscribeAllocatesLittle()
    {
        // The whole call completes synchronously (a memory body, no storage on this path), so this thread's allocations are all of it.
        await using var host = await StartAsync();
        var bytes = new byte[Huge];
        Array.Fill(bytes, (byte)' ');
        bytes[0] = (byte)'{';
        bytes[^1] = (byte)'}';

        var before = GC.GetAllocatedBytesForCurrentThread();
        var answer = await PostAsync(host, "subscribe-json", new MemoryStream(bytes), contentLength: false);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        TestContext.Current.TestOutputHelper?.WriteLine($"29 MB JSON subscribe body: {answer.Status}, {allocated:N0} bytes allocated");
        Assert.Equal(413, answer.Status);
        Assert.InRange(allocated, 0, 1024 * 1024);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A28MegabyteWebhookBodyThatIsNotSignedIsRefusedWithoutBeingBuffered(bool contentLength)
    {
        // Headers present and fresh, but the signature is not over this body: it used to be read whole (and copied) before the 401.
        await using var host = await StartAsync();
        var body = new CountingBody(28L * 1024 * 1024);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var answer = await PostAsync(host, "webhook", body, contentLength);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"28 MB unsigned webhook body: {answer.Status}, {body.BytesRead:N0} bytes read, {allocated:N0} bytes allocated");
        Assert.Equal(413, answer.Status);
        Assert.InRange(body.BytesRead, 0, WebhookCap + 1);
        Assert.InRange(allocated, 0, 3 * WebhookCap);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("stale")]
    [InlineData("future")]
    public async Task TheWebhookRefusesMissingOrStaleSignatureHeadersBeforeReadingTheBody(string headers)
    {
        await using var host = await StartAsync();
        var body = new CountingBody(Huge);
        var at = headers switch
        {
            "stale" => host.Time.GetUtcNow().AddMinutes(-6),
            "future" => host.Time.GetUtcNow().AddMinutes(6),
            _ => host.Time.GetUtcNow()
        };

        var answer = await PostAsync(host, "webhook", body, contentLength: false, signed: headers != "missing", signedAt: at);

        Assert.Equal(401, answer.Status);
        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task AWebhookBodyWithinTheCapIsVerifiedAndProcessed()
    {
        await using var host = await StartAsync();
        var events = "[" + string.Join(",", Enumerable.Range(0, 3000).Select(i =>
            $$"""{"email":"reader{{i}}@x.example","timestamp":1795676280,"event":"delivered","sg_event_id":"ev-{{i}}","run_id":"daily-2026-11-26","padding":"{{new string('x', 400)}}"}""")) + "]";
        Assert.InRange(Encoding.UTF8.GetByteCount(events), 1024 * 1024, WebhookCap); // about SendGrid's largest post

        var answer = await PostAsync(host, "webhook", new MemoryStream(Encoding.UTF8.GetBytes(events)), contentLength: false, signedBody: events);

        Assert.Equal(200, answer.Status);
        Assert.Equal(3000, answer.Json.GetProperty("processed").GetInt32());
    }

    [Theory]
    [InlineData("Requests:PageMaxBytes", "100")]
    [InlineData("Requests:PageMaxBytes", "104857600")]
    [InlineData("Requests:WebhookMaxBytes", "1024")]
    [InlineData("Requests:WebhookMaxBytes", "1073741824")]
    [InlineData("SelfService:ClientRequestsPerHour", "0")]
    public async Task AnUnusableLimitStopsTheStartNamingTheSetting(string setting, string value)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(s => s[setting] = value));

        Assert.Contains(setting + " must be from", e.Message);
    }

    // ---- The subscribe limits ----

    [Fact]
    public async Task TheClientLimitAnswers429BeforeTheBodyIsReadWithWhenToTryAgain()
    {
        await using var host = await StartAsync(s => s["SelfService:ClientRequestsPerHour"] = "2");
        Assert.Equal(200, (await SubscribeAsync(host, "one@customs.example")).Status);
        host.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(200, (await SubscribeAsync(host, "two@customs.example")).Status);
        host.Time.Advance(TimeSpan.FromMinutes(10));
        var body = new CountingBody(Huge);

        var form = await PostAsync(host, "subscribe-form", body, contentLength: false);
        var json = await PostAsync(host, "subscribe-json", body, contentLength: true);

        Assert.Equal((429, 429, 0L), (form.Status, json.Status, body.BytesRead));
        // The first of the two leaves the hour at 08:00 (they began at 07:00; it is now 07:30).
        Assert.Equal("1800", form.Headers.RetryAfter.ToString());
        Assert.Contains("too many subscription requests from your network", form.Body);
        Assert.Contains("Please try again after 08:00 UTC (in 30 min).", form.Body);
        Assert.Equal("1800", json.Headers.RetryAfter.ToString());
        Assert.Contains("Try again after 08:00 UTC", json.Json.GetProperty("detail").GetString());
        Assert.Equal("no-store", json.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task RepeatsForOneAddressAreLimitedPerAddressSoColleaguesBehindTheSameAddressAreNot()
    {
        var ct = Ct;
        await using var host = await StartAsync(s => s["SelfService:SubscribeRequestsPerHour"] = "3");
        var office = IPAddress.Parse("198.51.100.23");

        // A colleague's typo, sent again and again: refused as invalid, and it counts against nobody's address.
        for (var i = 0; i < 10; i++)
            Assert.Equal(400, (await SubscribeAsync(host, "a.karimov@@customs.example", office)).Status);
        // One address asked for three times is fine; the fourth is too many, for that address only.
        for (var i = 0; i < 3; i++)
            Assert.Equal(200, (await SubscribeAsync(host, Email, office)).Status);
        var limited = await SubscribeAsync(host, Email, office);
        Assert.Equal(429, limited.Status);
        Assert.Contains("too many subscription requests for this address", limited.Body);
        Assert.Equal("3600", limited.Headers.RetryAfter.ToString());
        // The rest of the office, and the same address from elsewhere, go on.
        for (var i = 0; i < 12; i++)
            Assert.Equal(200, (await SubscribeAsync(host, $"colleague{i}@customs.example", office)).Status);
        Assert.Equal(200, (await SubscribeAsync(host, Email, IPAddress.Parse("203.0.113.99"))).Status);
        // Every request that passed is held for its confirmation: 3 + 12 + 1.
        var sender = host.Get<SubscribeConfirmationSender>();
        Assert.Equal(16, await host.Get<SubscribeConfirmationQueue>().DrainAsync((m, t) => sender.SendAsync(m, t), TimeSpan.FromSeconds(30), ct));
    }

    [Fact]
    public async Task FormsWithMistakesCountTowardNoLimitAndValidOnesDo()
    {
        await using var host = await StartAsync(s => s["SelfService:ClientRequestsPerHour"] = "2");
        var office = IPAddress.Parse("198.51.100.24");

        // Ten tries with a typo in the address: each answered with the form and its errors, none counted.
        for (var i = 0; i < 10; i++)
            Assert.Equal(400, (await SubscribeAsync(host, "a.karimov@@customs.example", office)).Status);
        // The client's share is still whole: two valid requests pass, the third is over it.
        Assert.Equal(200, (await SubscribeAsync(host, "one@customs.example", office)).Status);
        Assert.Equal(200, (await SubscribeAsync(host, "two@customs.example", office)).Status);
        Assert.Equal(429, (await SubscribeAsync(host, "three@customs.example", office)).Status);
    }

    [Fact]
    public async Task TheCountedAddressIsTheConnectionsNeverAClientsForwardedFor()
    {
        await using var host = await StartAsync(s => s["SelfService:ClientRequestsPerHour"] = "2");

        // notify serve: Kestrel on loopback, no forwarded-headers step: the TCP peer is the client, whatever it claims.
        Assert.Equal("127.0.0.1", ClientAddress.Of(Request(host, IPAddress.Loopback, "203.0.113.5")));
        Assert.Equal(200, (await SubscribeAsync(host, "one@customs.example", IPAddress.Loopback, forwardedFor: "203.0.113.1")).Status);
        Assert.Equal(200, (await SubscribeAsync(host, "two@customs.example", IPAddress.Loopback, forwardedFor: "203.0.113.2")).Status);
        Assert.Equal(429, (await SubscribeAsync(host, "three@customs.example", IPAddress.Loopback, forwardedFor: "203.0.113.3")).Status);

        // The Functions host: the worker's forwarded-headers step (as ConfigureFunctionsWebApplication sets it up, trusting loopback
        // proxies only) has made the host's entry, the last, the remote address; a client's own earlier entries count for nothing.
        Assert.Equal("203.0.113.5",
            ClientAddress.Of(await ThroughTheWorkersForwardedHeadersAsync(Request(host, IPAddress.Loopback, "198.51.100.1, 203.0.113.5"))));
        Assert.Equal("2001:db8:1:2::/64",
            ClientAddress.Of(await ThroughTheWorkersForwardedHeadersAsync(Request(host, IPAddress.Loopback, "2001:db8:1:2:3:4:5:6"))));
        // A client that is not the loopback proxy is not believed either.
        Assert.Equal("198.51.100.9",
            ClientAddress.Of(await ThroughTheWorkersForwardedHeadersAsync(Request(host, IPAddress.Parse("198.51.100.9"), "203.0.113.5"))));
    }

    private static async Task<HttpRequest> ThroughTheWorkersForwardedHeadersAsync(HttpRequest request)
    {
        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance,
            Options.Create(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.All }));
        await middleware.Invoke(request.HttpContext);
        return request;
    }

    // ---- The digest web view ----

    [Fact]
    public async Task TheDigestViewHasThePagesHeadersAndAMissingDigestIsAPageInItsLanguage()
    {
        await using var host = await StartAsync();
        await host.Get<DigestArchive>().SaveAsync("daily-2026-11-26", "en",
            new MailContent("Digest", "<!DOCTYPE html><html><body><p>PTC session</p></body></html>", "PTC session"), Ct);

        var found = await ViewAsync(host, "daily-2026-11-26", "en");
        var missing = await ViewAsync(host, "daily-2026-11-27", "ru");
        var hostile = await ViewAsync(host, "../secrets", "xx", acceptLanguage: "fr");

        Assert.Equal((200, 404, 404), (found.Status, missing.Status, hostile.Status));
        Assert.Contains("PTC session", found.Body);
        foreach (var page in new[] { found, missing, hostile })
        {
            Assert.Equal("text/html; charset=utf-8", page.Headers.ContentType.ToString());
            Assert.Equal(PageResults.ContentSecurityPolicy, page.Headers.ContentSecurityPolicy.ToString());
            Assert.Equal("nosniff", page.Headers.XContentTypeOptions.ToString());
            Assert.Equal("no-referrer", page.Headers["Referrer-Policy"].ToString());
            Assert.Equal("no-store", page.Headers.CacheControl.ToString());
        }
        Assert.Contains("<html lang=\"ru\"", missing.Body);
        Assert.Contains("Обзор не найден", WebUtility.HtmlDecode(missing.Body));
        Assert.Contains("<html lang=\"fr\"", hostile.Body);
        Assert.Contains("Synthèse introuvable", WebUtility.HtmlDecode(hostile.Body));
    }

    // ---- Helpers ----

    private sealed record Answer(int Status, IHeaderDictionary Headers, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    private static HttpRequest Request(TestHost host, IPAddress remote, string? forwardedFor)
    {
        var context = new DefaultHttpContext { RequestServices = host.Services };
        context.Connection.RemoteIpAddress = remote;
        if (forwardedFor is not null) context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        return context.Request;
    }

    private static Task<Answer> SubscribeAsync(TestHost host, string email, IPAddress? remote = null, string? forwardedFor = null)
    {
        var form = $"email={Uri.EscapeDataString(email)}&name=Test+Reader&organization=Customs+Administration&language=en&frequency=daily";
        var headers = forwardedFor is null ? null : new Dictionary<string, string> { ["X-Forwarded-For"] = forwardedFor };
        return InvokeAsync(host, "POST", "", new MemoryStream(Encoding.UTF8.GetBytes(form)), form.Length, "application/x-www-form-urlencoded",
            remote, headers, null, (f, r) => f.Get<Subscriptions>(r).Subscribe(r, Ct));
    }

    private async Task<Answer> PostAsync(TestHost host, string endpoint, Stream body, bool contentLength, string? acceptLanguage = null,
        bool signed = true, DateTimeOffset? signedAt = null, string? signedBody = null)
    {
        long? length = contentLength ? (body is CountingBody counting ? counting.Size : body.Length) : null;
        var tokens = host.Get<SubscriptionTokens>();
        string Token(TokenPurpose purpose, string id) => "?token=" + tokens.Issue(id, purpose);
        switch (endpoint)
        {
            case "subscribe-form":
                return await InvokeAsync(host, "POST", "", body, length, "application/x-www-form-urlencoded",
                    null, null, acceptLanguage, (f, r) => f.Get<Subscriptions>(r).Subscribe(r, Ct));
            case "subscribe-json":
                return await InvokeAsync(host, "POST", "", body, length, "application/json",
                    null, null, acceptLanguage, (f, r) => f.Get<Subscriptions>(r).Subscribe(r, Ct));
            case "confirm":
            {
                var s = await AddAsync(host, SubscriberStatus.Pending);
                return await InvokeAsync(host, "POST", Token(TokenPurpose.Confirm, s.Id), body, length, "application/x-www-form-urlencoded",
                    null, null, acceptLanguage, (f, r) => f.Get<Subscriptions>(r).Confirm(r, Ct));
            }
            case "unsubscribe":
            {
                var s = await AddAsync(host, SubscriberStatus.Active);
                return await InvokeAsync(host, "POST", Token(TokenPurpose.Unsubscribe, s.Id), body, length, "application/x-www-form-urlencoded",
                    null, null, acceptLanguage, (f, r) => f.Get<Subscriptions>(r).Unsubscribe(r, Ct));
            }
            case "preferences":
            {
                var s = await AddAsync(host, SubscriberStatus.Active);
                return await InvokeAsync(host, "POST", Token(TokenPurpose.Preferences, s.Id), body, length, "application/x-www-form-urlencoded",
                    null, null, acceptLanguage, (f, r) => f.Get<Subscriptions>(r).Preferences(r, Ct));
            }
            case "manage-link":
                return await InvokeAsync(host, "POST", "", body, length, "application/x-www-form-urlencoded",
                    null, null, acceptLanguage, (f, r) => f.Get<Subscriptions>(r).ManageLink(r, Ct));
            case "webhook":
            {
                var timestamp = (signedAt ?? host.Time.GetUtcNow()).ToUnixTimeSeconds().ToString();
                var headers = new Dictionary<string, string>();
                if (signed)
                {
                    headers[SendGridEventWebhook.TimestampHeader] = timestamp;
                    headers[SendGridEventWebhook.SignatureHeader] = Convert.ToBase64String(
                        _key.SignData(Encoding.UTF8.GetBytes(timestamp + (signedBody ?? "[]")), HashAlgorithmName.SHA256,
                            DSASignatureFormat.Rfc3279DerSequence));
                }
                return await InvokeAsync(host, "POST", "", body, length, "application/json",
                    null, headers, acceptLanguage, (f, r) => f.Get<SendGridEvents>(r).Run(r, Ct));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null);
        }
    }

    private static Task<Answer> ViewAsync(TestHost host, string run, string variant, string? acceptLanguage = null)
        => InvokeAsync(host, "GET", "", null, null, null, null, null, acceptLanguage, (f, r) => f.Get<ViewDigest>(r).Run(r, run, variant, Ct));

    private static async Task<Subscriber> AddAsync(TestHost host, SubscriberStatus status)
        => await host.Get<SubscriberStore>().AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee", Status: status), Ct);

    private sealed class FunctionClasses
    {
        public T Get<T>(HttpRequest request) where T : notnull => ActivatorUtilities.CreateInstance<T>(request.HttpContext.RequestServices);
    }

    private static async Task<Answer> InvokeAsync(TestHost host, string method, string query, Stream? body, long? contentLength, string? contentType,
        IPAddress? remote, IDictionary<string, string>? headers, string? acceptLanguage, Func<FunctionClasses, HttpRequest, Task<IResult>> function)
    {
        var context = new DefaultHttpContext { RequestServices = host.Services };
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("notify.secretariat.example");
        context.Request.QueryString = new QueryString(query);
        context.Connection.RemoteIpAddress = remote ?? IPAddress.Parse("203.0.113.7");
        if (acceptLanguage is not null) context.Request.Headers.AcceptLanguage = acceptLanguage;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            context.Request.Headers[name] = value;
        if (body is not null)
        {
            context.Request.ContentType = contentType;
            context.Request.ContentLength = contentLength;
            context.Request.Body = body;
        }
        var response = new MemoryStream();
        context.Response.Body = response;

        var result = await function(new FunctionClasses(), context.Request);
        await result.ExecuteAsync(context);

        return new Answer(context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(response.ToArray()));
    }

    /// <summary>A request body of <see cref="Size"/> bytes that exists only as it is read: nothing is allocated, every byte read is counted.</summary>
    private sealed class CountingBody(long size) : Stream
    {
        public long Size => size;
        public long BytesRead { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, size - BytesRead);
            buffer[..n].Fill((byte)'a');
            BytesRead += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(buffer, offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
