using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// Failed work heals itself: the hourly tick (inline <see cref="HourPassed.RunDueAsync"/>, or queued <see cref="HourPassed.PlanDueAsync"/>
/// and the queue drained as the SendBatch function does) retries the failed batches of recent runs after their backoff, resumes paused
/// runs, and gives up at the lateness limit, reporting it. Azurite, the strict fake SendGrid, a fake clock moved tick by tick.
/// </summary>
public sealed class FailedBatchHealingTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    /// <summary>The subscribers' delivery time (08:00 in their zone, UTC): the hourly run of that hour mails them.</summary>
    private static readonly DateTimeOffset Eight = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private const string EightRun = "daily-2026-11-26T08";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Setup(TestHost host, FakeSendGrid sendGrid, LogCapture logs, Dictionary<string, string?> settings) : IAsyncDisposable
    {
        public TestHost Host { get; } = host;
        public Dictionary<string, string?> Settings { get; } = settings;
        public FakeSendGrid SendGrid { get; } = sendGrid;
        public LogCapture Logs { get; } = logs;
        public DigestRunner Runner => Host.Get<DigestRunner>();

        /// <summary>SendGrid fails one whole send (its first attempt and its one retry) with 500s.</summary>
        public void FailNextSend()
        {
            SendGrid.EnqueueServerError();
            SendGrid.EnqueueServerError();
        }

        /// <summary>The timer at <paramref name="at"/>, sending inline (<c>notify digest run --due</c>).</summary>
        public async Task<IReadOnlyList<DigestRunResult>> TickAsync(DateTimeOffset at)
        {
            Host.Time.SetUtcNow(at);
            return await Host.Get<HourPassed>().RunDueAsync(at, Ct);
        }

        /// <summary>The timer at <paramref name="at"/> as in Azure: planned and queued, then the queue drained by SendBatch.</summary>
        public async Task QueuedTickAsync(DateTimeOffset at)
        {
            Host.Time.SetUtcNow(at);
            await Host.Get<HourPassed>().PlanDueAsync(at, Ct);
            await DrainAsync();
        }

        public Task<int> DrainAsync() => Host.Get<SendBatchQueue>().DrainAsync((m, t) => Host.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);

        public IReadOnlyList<string> Delivered => SendGrid.Accepted.SelectMany(r => r.Recipients).ToList();

        public async Task<DigestRun> RunAsync(string runId)
        {
            var (frequency, key) = DigestPeriod.ParseRunId(runId);
            return (await Host.Get<DigestRunStore>().GetAsync(frequency, key, Ct))!;
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await SendGrid.DisposeAsync();
        }
    }

    /// <summary>Daily subscribers (UTC, 08:00) and an article published at 06:00; one retry per send, no pacing.</summary>
    private async Task<Setup> StartAsync(int subscribers, int batchSize = 1000, Action<Dictionary<string, string?>>? configure = null,
        DigestFrequency frequency = DigestFrequency.Daily, bool publish = true)
    {
        var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Delivery:MaxRetries"] = "1";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.010";
        settings["Delivery:RequestsPerSecond"] = "0";
        configure?.Invoke(settings);
        var logs = new LogCapture();
        var host = await TestHost.StartAsync(settings, Morning, services => services.AddSingleton<ILoggerProvider>(logs));
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, subscribers).Select(i =>
            new NewSubscriber($"official{i:D2}@customs.example", $"Official {i}", "Customs Administration", "en", frequency)), Ct);
        if (publish)
        {
            await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
            Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct)).Outcome);
        }
        return new Setup(host, sendGrid, logs, settings);
    }

    private static void EveryoneExactlyOnce(Setup s, int subscribers)
    {
        Assert.Equal(subscribers, s.Delivered.Count);
        Assert.Equal(subscribers, s.Delivered.Distinct().Count());
    }

    [Fact]
    public async Task FailedDailyBatchIsSentByTheNextTickAfterItsBackoffNotBeforeAndOnce()
    {
        await using var s = await StartAsync(subscribers: 3, batchSize: 2, configure: settings => settings["Delivery:HealBackoff"] = "01:30:00");
        s.FailNextSend();

        await s.TickAsync(Eight);
        Assert.Single(s.Delivered);           // the second batch went; the first (2 recipients) failed
        await s.TickAsync(Eight.AddHours(1)); // its backoff (1 h 30) is not over: not retried yet
        Assert.Single(s.Delivered);
        Assert.Equal(DigestRunStatus.Planned, (await s.RunAsync(EightRun)).Status);

        var healed = await s.TickAsync(Eight.AddHours(2));
        await s.TickAsync(Eight.AddHours(3));

        var result = Assert.Single(healed, r => r.RunId == EightRun);
        Assert.Equal((1, 2), (result.BatchesSentNow, result.RecipientsSentNow));
        Assert.Equal(DigestRunStatus.Completed, (await s.RunAsync(EightRun)).Status);
        EveryoneExactlyOnce(s, 3);
        Assert.Equal(4, s.SendGrid.Requests.Count);   // 2 × 500, the second batch, the retry: nothing more
    }

    [Fact]
    public async Task QueuedTickHealsAFailedBatchThroughTheQueue()
    {
        await using var s = await StartAsync(subscribers: 3, batchSize: 2);
        s.FailNextSend();

        await s.QueuedTickAsync(Eight);
        Assert.Single(s.Delivered);
        await s.QueuedTickAsync(Eight.AddMinutes(20));   // the timer again within the backoff (30 min): the failed batch is not queued
        Assert.Equal(3, s.SendGrid.Requests.Count);

        await s.QueuedTickAsync(Eight.AddHours(1));
        await s.QueuedTickAsync(Eight.AddHours(2));

        Assert.Equal(DigestRunStatus.Completed, (await s.RunAsync(EightRun)).Status);
        EveryoneExactlyOnce(s, 3);
        Assert.Equal(4, s.SendGrid.Requests.Count);
    }

    [Fact]
    public async Task PlannedBatchesWhoseQueueMessagesWereLostAreQueuedAgainByALaterTick()
    {
        // The messages of a planned run are gone before any was handled (moved to the poison queue, or the queue was cleared):
        // before, its batches stayed Planned and nobody was mailed until someone ran `notify digest resume`.
        await using var s = await StartAsync(subscribers: 3, batchSize: 2);
        s.Host.Time.SetUtcNow(Eight);
        await s.Host.Get<HourPassed>().PlanDueAsync(Eight, Ct);
        await s.Host.Get<Notifications.Storage.StorageResources>().SendBatches.ClearMessagesAsync(Ct);
        await s.DrainAsync();
        Assert.Empty(s.Delivered);

        // The next hour's timer: the 08:00 run is no longer its own, only the healing looks at it.
        await s.QueuedTickAsync(Eight.AddHours(1));

        Assert.Equal(DigestRunStatus.Completed, (await s.RunAsync(EightRun)).Status);
        EveryoneExactlyOnce(s, 3);
    }

    [Fact]
    public async Task FailedAlertIsHealedByALaterTickWithoutAnyoneResumingIt()
    {
        // One failure pauses the alert's run: before, it stayed paused and failed until someone ran `notify digest resume`.
        await using var s = await StartAsync(subscribers: 2, frequency: DigestFrequency.Instant, publish: false,
            configure: settings => settings["Delivery:PauseAfterFailures"] = "1");
        var ten = Morning.AddHours(4);
        s.Host.Time.SetUtcNow(ten);
        await s.Host.Get<ArticlePublisher>().PublishAsync("urgent.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: Urgent notice\n---\nBody.\n")), Ct);
        Assert.Equal(IngestOutcome.Accepted, (await s.Host.Get<ArticlePublished>().IngestAsync("urgent.md", Ct)).Outcome);
        s.Host.Time.SetUtcNow(ten.AddMinutes(10)); // its wait for translations ends: the AlertDue function plans and queues it
        await s.Host.Get<AlertDue>().PlanAsync(new AlertDueMessage("urgent"), Ct);
        s.FailNextSend();
        await s.DrainAsync();   // SendBatch: the alert's batch fails, its run pauses
        var runId = (await s.Host.Get<DigestRunStore>().ListRecentAsync(Morning, Ct)).Single(r => r.Frequency == DigestFrequency.Instant).RunId;
        Assert.Equal(DigestRunStatus.Paused, (await s.RunAsync(runId)).Status);
        Assert.Empty(s.Delivered);

        await s.QueuedTickAsync(ten.AddHours(1));

        Assert.Equal(DigestRunStatus.Completed, (await s.RunAsync(runId)).Status);
        EveryoneExactlyOnce(s, 2);
        Assert.Contains(s.Logs.Entries, l => l.Message.Contains($"Run {runId} resumed by the hourly timer"));
    }

    [Fact]
    public async Task PausedRunIsResumedByATickOneMoreFailurePausesItAgain()
    {
        await using var s = await StartAsync(subscribers: 4, batchSize: 1, configure: settings => settings["Delivery:PauseAfterFailures"] = "2");
        s.FailNextSend();
        s.FailNextSend();

        var first = Assert.Single(await s.TickAsync(Eight), r => r.RunId == EightRun);
        Assert.Equal((DigestRunStatus.Paused, 2, 0), (first.Status, first.BatchesFailed, first.BatchesSentNow));

        // 09:00: both failed batches are due; the run is resumed, the first retry fails again: paused again at once.
        s.FailNextSend();
        var probe = Assert.Single(await s.TickAsync(Eight.AddHours(1)), r => r.RunId == EightRun);
        Assert.Equal((DigestRunStatus.Paused, 1), (probe.Status, probe.BatchesFailed));
        Assert.Empty(s.Delivered);

        // 10:00: SendGrid is back; the tick resumes it and everything goes, the batches never tried while paused too.
        var healed = Assert.Single(await s.TickAsync(Eight.AddHours(2)), r => r.RunId == EightRun);

        Assert.Equal((DigestRunStatus.Completed, 4), (healed.Status, healed.BatchesSentNow));
        EveryoneExactlyOnce(s, 4);
        Assert.Equal(0, (await s.RunAsync(EightRun)).ConsecutiveFailures);
    }

    [Fact]
    public async Task BatchStillFailingIsGivenUpAtTheLatenessLimitReportedAndNeverSentAfter()
    {
        await using var s = await StartAsync(subscribers: 2, configure: settings => settings["Schedule:LatenessLimit"] = "03:00:00");
        for (var i = 0; i < 3; i++) s.FailNextSend();   // 08:00, 09:00 (backoff 30 min), 10:00 (1 h); then 2 h: 12:00 is past 11:00

        for (var at = Eight; at <= Eight.AddHours(5); at = at.AddHours(1))
            await s.TickAsync(at);

        Assert.Equal(6, s.SendGrid.Requests.Count);   // three sends of two attempts; none after the limit, though SendGrid is back
        Assert.Empty(s.Delivered);
        var status = (await s.Runner.StatusAsync(EightRun, ct: Ct))!;
        var healing = Assert.Single(status.Healing!);
        Assert.Equal(Eight.AddHours(3), healing.RetryUntil);
        Assert.Equal(Eight.AddHours(4), healing.GaveUpAt);
        Assert.StartsWith("gave up: past the lateness limit at 2026-11-26 11:00:00Z", healing.Describe());
        var error = Assert.Single(s.Logs.Entries, l => l.Message.Contains("given up"));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains($"Batch b00000 of run {EightRun} given up after 3 attempts", error.Message);
        Assert.Contains("500", error.Message);
    }

    [Fact]
    public async Task AQueuedRetryThatArrivesAfterTheBatchWasGivenUpSendsNothing()
    {
        await using var s = await StartAsync(subscribers: 2, configure: settings =>
        {
            settings["Schedule:LatenessLimit"] = "03:00:00";
            settings["Delivery:PauseAfterFailures"] = "10";   // the run stays Planned: only the give-up stops the batch
        });
        for (var i = 0; i < 3; i++) s.FailNextSend();
        for (var at = Eight; at <= Eight.AddHours(4); at = at.AddHours(1))
            await s.TickAsync(at);   // given up at 12:00
        var run = await s.RunAsync(EightRun);
        Assert.NotNull(Assert.Single((await s.Runner.StatusAsync(EightRun, ct: Ct))!.Healing!).GaveUpAt);
        var requests = s.SendGrid.Requests.Count;

        // A retry queued by an earlier tick, still on the queue (or in flight) when the batch was given up, arrives now.
        await s.Host.Get<SendBatchQueue>().EnqueueAsync([new SendBatchMessage(EightRun, run.PlanId, "b00000")], Ct);
        await s.DrainAsync();

        Assert.Equal(requests, s.SendGrid.Requests.Count);
        Assert.Empty(s.Delivered);
        Assert.Contains(s.Logs.Entries, l => l.Message.Contains("was given up") && l.Message.Contains("the message is dropped"));
    }

    [Fact]
    public async Task BatchLeftInSendingByACrashIsVisitedByALaterTick()
    {
        await using var s = await StartAsync(subscribers: 2);
        await using (var crashing = await TestHost.StartAsync(s.Settings, Eight, services => services.AddSingleton<IMailTransport>(new DiesMidRequest())))
            await Assert.ThrowsAsync<IOException>(() => crashing.Get<HourPassed>().RunDueAsync(Eight, Ct));

        await s.TickAsync(Eight.AddHours(1));   // past the sending lease: the sender records it Uncertain (and decides what to do)

        var status = (await s.Runner.StatusAsync(EightRun, ct: Ct))!;
        Assert.Equal(BatchStatus.Uncertain, Assert.Single(status.Problems).Status);
        Assert.Empty(s.SendGrid.Requests);
    }

    private sealed class DiesMidRequest : IMailTransport
    {
        public Task<string> SendAsync(MailBatch batch, CancellationToken ct) => throw new IOException("connection reset while waiting for the response");
    }

    /// <summary>Every log entry at Warning and above (the test host's minimum), formatted.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

        public IReadOnlyList<(LogLevel Level, string Message)> Entries => _entries.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => capture._entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
