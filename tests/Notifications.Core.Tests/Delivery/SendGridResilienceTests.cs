using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// The SendGrid transport against the strict fake SendGrid with injected faults: what is retried, what fails fast, and what is never
/// resent because it may have arrived. Delays are shortened through settings; assertions on time are lower bounds only.
/// </summary>
public sealed class SendGridResilienceTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MailBatch Batch(string batchId = "b00000")
        => new("daily-2026-11-26", batchId, "daily", new MailContent("1 new report from PTC Secretariat", "<p>PTC session</p>", "PTC session"),
            [new Recipient("00112233445566778899aabbccddeeff", "a.dupont@douane.example", "Anne Dupont")]);

    private Dictionary<string, string?> Settings(FakeSendGrid sendGrid, int maxRetries = 3)
    {
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Delivery:RetryBaseDelay"] = "00:00:00.050";
        settings["Delivery:RequestTimeout"] = "00:00:05";
        settings["Delivery:ConnectTimeout"] = "00:00:02";
        settings["Delivery:RequestsPerSecond"] = "0";
        return settings;
    }

    private static async Task<TestHost> StartAsync(Dictionary<string, string?> settings, LogCapture? logs = null, Action<IServiceCollection>? configure = null)
        => await TestHost.StartAsync(settings, configure: services =>
        {
            if (logs is not null)
                services.AddSingleton<ILoggerProvider>(logs);
            configure?.Invoke(services);
        });

    private static Task<string> SendAsync(TestHost host, MailBatch? batch = null) => host.Get<IMailTransport>().SendAsync(batch ?? Batch(), Ct);

    [Fact]
    public async Task RateLimitIsWaitedOutUntilTheResetThenSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid));
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var messageId = await SendAsync(host);

        Assert.StartsWith("fake", messageId);
        Assert.Equal([429, 202], sendGrid.Requests.Select(r => r.Status));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"waited {clock.Elapsed}");
        Assert.True(sendGrid.Requests[1].ReceivedAt - sendGrid.Requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task RateLimitLongerThanTheMaximumWaitIsGivenUpAsNotSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = Settings(sendGrid);
        settings["Delivery:MaxRateLimitWait"] = "00:00:01";
        await using var host = await StartAsync(settings);
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(30));

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Contains("rate limited the request until", e.Message);
        Assert.Contains("Delivery:MaxRateLimitWait", e.Message);
        Assert.Single(sendGrid.Requests);
    }

    [Fact]
    public async Task RateLimitWaitsDoNotSpendTheRetriesMeantForErrors()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid, maxRetries: 3));
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(1));
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(1));
        sendGrid.EnqueueServerError();
        sendGrid.EnqueueServerError();

        var messageId = await SendAsync(host);

        // Two waits for the rate limit, two error retries of three: sent in the same send.
        Assert.StartsWith("fake", messageId);
        Assert.Equal([429, 429, 500, 500, 202], sendGrid.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task RateLimitWaitsBeyondTheirNumberAreGivenUpAsNotSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = Settings(sendGrid, maxRetries: 3);
        settings["Delivery:MaxRateLimitWaits"] = "2";
        await using var host = await StartAsync(settings);
        for (var i = 0; i < 3; i++)
            sendGrid.EnqueueAnswer(429, "too many requests");   // no reset given: the backoff decides each wait

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Equal([429, 429, 429], sendGrid.Requests.Select(r => r.Status));
        Assert.Contains("still rate limited", e.Message);
        Assert.Contains("Delivery:MaxRateLimitWaits (2)", e.Message);
    }

    [Fact]
    public async Task RateLimitWaitsBeyondTheirTotalAreGivenUpAsNotSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = Settings(sendGrid, maxRetries: 3);
        settings["Delivery:MaxRateLimitWaitTotal"] = "00:00:03";
        await using var host = await StartAsync(settings);
        // Each reset is 2-3 s away: the first wait fits in 3 s, a second would not.
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(2));
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(2));

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Equal([429, 429], sendGrid.Requests.Select(r => r.Status));
        Assert.Contains("Delivery:MaxRateLimitWaitTotal", e.Message);
    }

    [Fact]
    public async Task ServerErrorsAreRetriedThenSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var logs = new LogCapture();
        await using var host = await StartAsync(Settings(sendGrid), logs);
        sendGrid.EnqueueServerError();
        sendGrid.EnqueueServerError(503);

        var messageId = await SendAsync(host);

        Assert.StartsWith("fake", messageId);
        Assert.Equal([500, 503, 202], sendGrid.Requests.Select(r => r.Status));
        Assert.Equal(2, logs.Entries.Count(l => l.Message.Contains("retrying in")));
    }

    [Fact]
    public async Task PersistentServerErrorIsNotSentAfterTheLastRetry()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var logs = new LogCapture();
        await using var host = await StartAsync(Settings(sendGrid, maxRetries: 3), logs);
        for (var i = 0; i < 10; i++)
            sendGrid.EnqueueServerError();

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Equal(4, sendGrid.Requests.Count);
        Assert.Contains("500", e.Message);
        Assert.Contains("internal server error", e.Message);
        var retries = logs.Entries.Where(l => l.Message.Contains("retrying in")).ToList();
        Assert.Equal(3, retries.Count);
        Assert.All(retries, l => Assert.Equal(LogLevel.Warning, l.Level));
        Assert.Contains("status 500", retries[0].Message);
        Assert.Contains("attempt 1 of 4", retries[0].Message);
        Assert.All(logs.Entries, l =>
        {
            Assert.DoesNotContain(FakeSendGrid.ApiKey, l.Message);
            Assert.DoesNotContain("a.dupont@douane.example", l.Message);
        });
    }

    [Fact]
    public async Task BadRequestFailsFastWithSendGridsErrorText()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid));
        sendGrid.EnqueueAnswer(400, "The from address does not match a verified Sender Identity.");

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Equal("SendGrid refused the request (400): The from address does not match a verified Sender Identity.", e.Message);
        Assert.Single(sendGrid.Requests);
    }

    [Fact]
    public async Task WrongApiKeyFailsFastWithSendGridsErrorText()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = Settings(sendGrid);
        settings["SendGrid:ApiKey"] = "SG.revoked-key";
        await using var host = await StartAsync(settings);

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Equal("SendGrid refused the request (401): The provided authorization grant is invalid, expired, or revoked", e.Message);
        Assert.Single(sendGrid.Requests);
    }

    [Theory]
    [InlineData(403, "You are not authorized to send from this IP address.")]
    [InlineData(404, "The requested resource was not found.")]
    [InlineData(413, "The JSON payload you have included in your request is too large.")]
    [InlineData(422, "Unprocessable entity.")]
    public async Task OtherClientErrorsFailFast(int status, string message)
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid));
        sendGrid.EnqueueAnswer(status, message);

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Equal($"SendGrid refused the request ({status}): {message}", e.Message);
        Assert.Single(sendGrid.Requests);
    }

    [Fact]
    public async Task RefusedConnectionIsRetriedThenNotSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = Settings(sendGrid, maxRetries: 2);
        settings["SendGrid:Host"] = $"http://127.0.0.1:{UnusedPort()}";
        var logs = new LogCapture();
        await using var host = await StartAsync(settings, logs);

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Contains("could not be reached", e.Message);
        Assert.Contains("3 attempts", e.Message);
        Assert.Equal(2, logs.Entries.Count(l => l.Message.Contains("not reachable") && l.Message.Contains("retrying in")));
    }

    [Fact]
    public async Task ConnectTimeoutIsRetriedThenNotSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        // A listener whose accept queue is full: the next connection is never established (its SYN is dropped).
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(endpoint, Ct);
        var settings = Settings(sendGrid, maxRetries: 1);
        settings["SendGrid:Host"] = $"http://127.0.0.1:{endpoint.Port}";
        settings["Delivery:ConnectTimeout"] = "00:00:00.300";
        var logs = new LogCapture();
        await using var host = await StartAsync(settings, logs);
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Contains("could not be reached", e.Message);
        Assert.Contains("2 attempts", e.Message);
        Assert.Single(logs.Entries, l => l.Message.Contains("not reachable") && l.Message.Contains("retrying in"));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task SlowAnswerBeyondTheRequestTimeoutIsAnUnknownOutcomeAndNotRetried()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = Settings(sendGrid);
        settings["Delivery:RequestTimeout"] = "00:00:00.500";
        await using var host = await StartAsync(settings);
        sendGrid.EnqueueSlowAnswer(TimeSpan.FromSeconds(10));

        var e = await Assert.ThrowsAsync<MailOutcomeUnknownException>(() => SendAsync(host));

        Assert.Contains("Delivery:RequestTimeout", e.Message);
        Assert.Contains("do not resend automatically", e.Message);
        Assert.Single(sendGrid.Requests);
    }

    [Fact]
    public async Task ConnectionDroppedAfterTheBodyIsAnUnknownOutcomeAndNotRetried()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid));
        sendGrid.EnqueueDropAfterBody();

        var e = await Assert.ThrowsAsync<MailOutcomeUnknownException>(() => SendAsync(host));

        Assert.Contains("ended after the request was sent", e.Message);
        Assert.Single(sendGrid.Requests);
    }

    [Fact]
    public async Task ConnectionDroppedOnAReusedConnectionIsNotResentEither()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid));
        await SendAsync(host, Batch("b00000"));
        sendGrid.EnqueueDropAfterBody();

        await Assert.ThrowsAsync<MailOutcomeUnknownException>(() => SendAsync(host, Batch("b00001")));

        Assert.Equal([202, 0], sendGrid.Requests.Select(r => r.Status));
    }

    /// <summary>
    /// A host that adds the standard resilience handler to every HttpClient must not add retries (or resends) to SendGrid's. Its
    /// delays run on the host's clock, the test's fake one: no delay here, so its retries would happen at once.
    /// </summary>
    private static void StandardResilienceForEveryClient(IServiceCollection services)
        => services.ConfigureHttpClientDefaults(client => client.AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.Zero));

    [Fact]
    public async Task DefaultResilienceHandlersDoNotRetryTheSendGridClient()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid, maxRetries: 1), configure: StandardResilienceForEveryClient);
        for (var i = 0; i < 10; i++)
            sendGrid.EnqueueServerError();

        await Assert.ThrowsAsync<MailNotSentException>(() => SendAsync(host));

        Assert.Equal(2, sendGrid.Requests.Count);
    }

    [Fact]
    public async Task DefaultResilienceHandlersDoNotResendADroppedRequest()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid), configure: StandardResilienceForEveryClient);
        sendGrid.EnqueueDropAfterBody();

        await Assert.ThrowsAsync<MailOutcomeUnknownException>(() => SendAsync(host));

        Assert.Single(sendGrid.Requests);
    }

    [Fact]
    public async Task CancelledBeforeSendingIsNotSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(Settings(sendGrid));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<MailNotSentException>(() => host.Get<IMailTransport>().SendAsync(Batch(), cancelled.Token));

        Assert.Empty(sendGrid.Requests);
    }

    [Fact]
    public async Task ThrottlePacesRequestsSharedByAllSends()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = Settings(sendGrid);
        settings["Delivery:RequestsPerSecond"] = "5";
        await using var host = await StartAsync(settings);
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SendAsync(host, Batch($"b{i:D5}"))));

        Assert.Equal(10, sendGrid.Accepted.Count);
        // One request every 200 ms: nine gaps after the first is 1.8 s; the bound leaves room for the replenishment timer's phase.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1500), $"took {clock.Elapsed}");
    }

    [Fact]
    public void RateLimitResetIsReadFromTheHeaders()
    {
        var now = new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);
        using var reset = new HttpResponseMessage();
        reset.Headers.TryAddWithoutValidation(
            "X-RateLimit-Reset", now.AddSeconds(42).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        reset.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
        using var seconds = new HttpResponseMessage();
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
        using var date = new HttpResponseMessage();
        date.Headers.TryAddWithoutValidation("Retry-After", "Thu, 26 Nov 2026 07:00:30 GMT");
        using var none = new HttpResponseMessage();

        Assert.Equal(now.AddSeconds(42), SendGridResilience.RateLimitResetOf(reset.Headers, now));
        Assert.Equal(now.AddSeconds(5), SendGridResilience.RateLimitResetOf(seconds.Headers, now));
        Assert.Equal(now.AddSeconds(30), SendGridResilience.RateLimitResetOf(date.Headers, now));
        Assert.Null(SendGridResilience.RateLimitResetOf(none.Headers, now));
    }

    [Fact]
    public async Task InvalidResilienceSettingsAreRefusedAtStartNamingTheSetting()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = Settings(sendGrid);
        settings["Delivery:MaxRetries"] = "50";
        settings["Delivery:RequestTimeout"] = "00:00:00";
        settings["Delivery:RequestsPerSecond"] = "-1";
        settings["Delivery:MaxRateLimitWaits"] = "-1";

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        Assert.Contains("Delivery:MaxRetries", e.Message);
        Assert.Contains("Delivery:RequestTimeout", e.Message);
        Assert.Contains("Delivery:RequestsPerSecond", e.Message);
        Assert.Contains("Delivery:MaxRateLimitWaits", e.Message);
    }

    // --- End to end: DigestRunner through the resilient transport ---

    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);

    private async Task<TestHost> StartRunnerHostAsync(FakeSendGrid sendGrid)
    {
        var settings = Settings(sendGrid);
        settings["Delivery:RequestsPerSecond"] = "10";
        var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 3).Select(i =>
            new NewSubscriber(
                $"official{i:D5}@customs.example", $"Official {i}", "Customs Administration", "en", DigestFrequency.Daily, SubscriberStatus.Active)), Ct);
        var article = "---\ntitle: PTC session\npublished: 2026-11-20\ntopics: [e-commerce]\nsummary: What the committee decided.\n---\nBody.\n";
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes(article)), Ct);
        Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct)).Outcome);
        host.Time.Advance(TimeSpan.FromHours(1));
        return host;
    }

    [Fact]
    public async Task DigestRunSendsOnceThroughTransientFailures()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartRunnerHostAsync(sendGrid);
        sendGrid.EnqueueServerError(503);
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(1));

        var result = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(DigestRunStatus.Completed, result.Status);
        Assert.Equal((1, 3, 0), (result.BatchesSentNow, result.RecipientsSentNow, result.BatchesFailed));
        Assert.Equal([503, 429, 202], sendGrid.Requests.Select(r => r.Status));
        Assert.Equal(["official00000@customs.example", "official00001@customs.example", "official00002@customs.example"],
            sendGrid.Accepted.Single().Recipients.Order());
    }

    [Fact]
    public async Task DigestBatchThroughRateLimitsAndServerErrorsIsSentInTheSameAttempt()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartRunnerHostAsync(sendGrid);
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(1));
        sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(1));
        sendGrid.EnqueueServerError();
        sendGrid.EnqueueServerError();

        var result = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        // Before: the 429s spent two of the three retries, the batch stayed Failed after the second 500.
        Assert.Equal((DigestRunStatus.Completed, 1, 0), (result.Status, result.BatchesSentNow, result.BatchesFailed));
        Assert.Equal([429, 429, 500, 500, 202], sendGrid.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task DigestBatchWhoseRequestMayHaveArrivedIsNeverResent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartRunnerHostAsync(sendGrid);
        sendGrid.EnqueueDropAfterBody();

        var first = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        var rerun = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        var uncertain = Assert.Single(first.BatchResults);
        Assert.Equal(BatchOutcome.Uncertain, uncertain.Outcome);
        Assert.Contains("do not resend automatically", uncertain.Error);
        Assert.Equal((1, 0), (rerun.BatchesUncertain, rerun.BatchesSentNow));
        Assert.Single(sendGrid.Requests);
    }

    private static int UnusedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Every log entry at Warning and above (the test host's minimum), formatted.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

        public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => _entries.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => capture._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : " " + exception)));
        }
    }
}
