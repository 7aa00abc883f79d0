using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Templates;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// The process dies at each point of a run (simulated by stopping between steps, or by a transport that dies), and a new
/// process picks the run up: every recipient gets the digest exactly once, or is reported Uncertain, never twice.
/// </summary>
public sealed class KillAndResumeTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    /// <summary>The subscribers' delivery time (08:00 in their zone, UTC): the hourly timer's run of that hour mails them.</summary>
    private static readonly DateTimeOffset Eight = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Setup(FakeSendGrid SendGrid, Dictionary<string, string?> Settings) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => SendGrid.DisposeAsync();
    }

    private async Task<Setup> SetupAsync(int subscribers = 5, int batchSize = 2, int pauseAfter = 3)
    {
        var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:BatchSize"] = batchSize.ToString();
        settings["Delivery:PauseAfterFailures"] = pauseAfter.ToString();
        settings["Delivery:RequestsPerSecond"] = "0";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.010";
        await using var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, subscribers).Select(i =>
            new NewSubscriber($"official{i:D2}@customs.example", $"Official {i}", "Customs Administration")), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        return new Setup(sendGrid, settings);
    }

    /// <summary>A new process, an hour (or more) after the article, on the same storage.</summary>
    private static Task<TestHost> RestartAsync(Setup s, TimeSpan? after = null, Action<IServiceCollection>? configure = null)
        => TestHost.StartAsync(s.Settings, Morning + TimeSpan.FromHours(1) + (after ?? TimeSpan.Zero), configure);

    private static void EveryoneExactlyOnce(Setup s, int subscribers)
    {
        var recipients = s.SendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(subscribers, recipients.Count);
        Assert.Equal(subscribers, recipients.Distinct().Count());
    }

    [Fact]
    public async Task DiesAfterCreatingTheRun()
    {
        await using var s = await SetupAsync();
        await using (var first = await RestartAsync(s))
        {
            var now = first.Time.GetUtcNow();
            await first.Get<DigestRunStore>().GetOrCreateAsync(DigestPeriod.For(DigestFrequency.Daily, now), now, Ct);
        }

        await using var second = await RestartAsync(s, TimeSpan.FromMinutes(5));
        var result = await second.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(DigestRunStatus.Completed, result.Status);
        EveryoneExactlyOnce(s, 5);
    }

    [Fact]
    public async Task DiesDuringPlanningAfterSomeBatchesWereWrittenAndTheCompletedRunLeavesNoRowOfTheKilledPlan()
    {
        await using var s = await SetupAsync(subscribers: 0, batchSize: 1);
        // Two languages, so two renderings: the planner is killed at the second, after the first language's batches were written.
        await using (var setup = await RestartAsync(s))
            await setup.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 6).Select(i =>
                new NewSubscriber($"official{i:D2}@customs.example", $"Official {i}", "Customs Administration", i % 2 == 0 ? "en" : "fr")), Ct);
        await using (var first = await RestartAsync(s, configure: services => services.AddSingleton<ITemplateSource>(sp =>
            new DiesAtTheSecondRendering(sp.GetRequiredService<DigestTemplateOverrides>()))))
            await Assert.ThrowsAsync<ProcessDiedException>(() => first.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct));
        var killed = await LedgerRowsAsync(s);
        Assert.NotEmpty(killed);   // the killed plan's batches, with their recipients' addresses
        var killedPlan = Assert.Single(killed.Select(r => r.RowKey.Split('.')[0]).Distinct());

        // Past the planning lease: planned again under a new plan, sent, completed.
        await using var second = await RestartAsync(s, TimeSpan.FromMinutes(11));
        var result = await second.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(DigestRunStatus.Completed, result.Status);
        EveryoneExactlyOnce(s, 6);
        var plan = (await second.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, "2026-11-26", Ct))!.PlanId;
        var left = await LedgerRowsAsync(s);
        Assert.NotEqual(killedPlan, plan);
        Assert.Equal(6, left.Count);
        Assert.All(left, r => Assert.StartsWith(plan + ".", r.RowKey));
        // No address of anyone is left in the ledger: the killed plan's rows went with theirs, and Sent batches drop theirs.
        Assert.Empty(await StorageScan.FindAsync(azurite.ConnectionString, name => name == s.Settings["Storage:DeliveryLedgerTable"],
            Enumerable.Range(0, 6).Select(i => $"official{i:D2}@customs.example").ToList(), Ct));
    }

    [Fact]
    public async Task APlannerThatLostItsClaimWhileSlowDeletesWhatItWroteEvenAfterTheRunCompleted()
    {
        await using var s = await SetupAsync(subscribers: 0, batchSize: 1);
        await using (var setup = await RestartAsync(s))
            await setup.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 6).Select(i =>
                new NewSubscriber($"official{i:D2}@customs.example", $"Official {i}", "Customs Administration", i % 2 == 0 ? "en" : "fr")), Ct);
        // The first planner stalls at its second rendering (a long pause, not a death), after its first language's batches were written.
        var stalled = new StallsAtTheSecondRendering();
        await using var slow = await RestartAsync(s, configure: services => services.AddSingleton<ITemplateSource>(sp =>
            stalled.Over(sp.GetRequiredService<DigestTemplateOverrides>())));
        var slowRun = Task.Run(() => slow.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct), Ct);
        await stalled.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var slowPlan = Assert.Single((await LedgerRowsAsync(s)).Select(r => r.RowKey.Split('.')[0]).Distinct());

        // Past the lease another planner takes the run over, sends it and completes it; then the slow one wakes up.
        await using (var second = await RestartAsync(s, TimeSpan.FromMinutes(11)))
            Assert.Equal(DigestRunStatus.Completed, (await second.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct)).Status);
        stalled.Release.SetResult();
        var late = await slowRun;

        Assert.Equal(DigestRunStatus.Completed, late.Status);
        Assert.Equal(0, late.RecipientsSentNow);
        EveryoneExactlyOnce(s, 6);
        var left = await LedgerRowsAsync(s);
        Assert.Equal(6, left.Count);
        Assert.DoesNotContain(left, r => r.RowKey.StartsWith(slowPlan + ".", StringComparison.Ordinal));
    }

    /// <summary>Hands out templates; the second time, signals <see cref="Reached"/> and waits for <see cref="Release"/>.</summary>
    private sealed class StallsAtTheSecondRendering
    {
        private int _renderings;
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ITemplateSource Over(ITemplateSource inner) => new Source(this, inner);

        private sealed class Source(StallsAtTheSecondRendering owner, ITemplateSource inner) : ITemplateSource
        {
            public TemplateSet Templates
            {
                get
                {
                    if (Interlocked.Increment(ref owner._renderings) == 2)
                    {
                        owner.Reached.SetResult();
                        owner.Release.Task.Wait(TimeSpan.FromSeconds(120));
                    }
                    return inner.Templates;
                }
            }
        }
    }

    private async Task<List<TableEntity>> LedgerRowsAsync(Setup s)
    {
        var table = new TableClient(azurite.ConnectionString, s.Settings["Storage:DeliveryLedgerTable"]);
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(cancellationToken: Ct))
            rows.Add(e);
        return rows;
    }

    [Fact]
    public async Task DiesAfterPlanningBeforeSending()
    {
        await using var s = await SetupAsync();
        await using (var first = await RestartAsync(s))
            await first.Get<HourPassed>().PlanDueAsync(Eight, Ct);   // the hourly timer: planned and queued, nothing sent
        Assert.Empty(s.SendGrid.Requests);

        await using var second = await RestartAsync(s, TimeSpan.FromMinutes(5));
        var result = (await second.Get<HourPassed>().RunDueAsync(Eight, Ct)).Single(r => r.RunId == "daily-2026-11-26T08");
        // The queued messages arrive after the run was sent inline: they send nothing.
        await second.Get<SendBatchQueue>().DrainAsync((m, t) => second.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(DigestRunStatus.Completed, result.Status);
        EveryoneExactlyOnce(s, 5);
    }

    [Fact]
    public async Task DiesAfterClaimingABatchBeforeItsRequest()
    {
        await using var s = await SetupAsync();
        await using (var first = await RestartAsync(s, configure: services => services.AddSingleton<IMailTransport>(new DiesBeforeTheRequest())))
            await Assert.ThrowsAsync<ProcessDiedException>(() => first.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct));

        // Within the lease the batch may still be in flight: left alone; the other batches go out.
        await using (var soon = await RestartAsync(s, TimeSpan.FromMinutes(1)))
        {
            var result = await soon.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
            Assert.Equal((1, 2), (result.BatchesInProgress, result.BatchesSentNow));
        }
        // Past the lease: Uncertain, reported, not resent.
        await using (var later = await RestartAsync(s, TimeSpan.FromMinutes(15)))
        {
            var result = await later.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
            Assert.Equal((1, 0, 2), (result.BatchesUncertain, result.BatchesSentNow, result.BatchesAlreadySent));
            Assert.Equal(3, s.SendGrid.Accepted.SelectMany(r => r.Recipients).Count());
        }
        // An admin decides to resend it: its two recipients get it, once.
        await using var admin = await RestartAsync(s, TimeSpan.FromMinutes(20));
        var resumed = await admin.Get<DigestRunner>().ResumeAsync("daily-2026-11-26", resendUncertain: true, Ct);

        Assert.Equal(DigestRunStatus.Completed, resumed.Status);
        EveryoneExactlyOnce(s, 5);
    }

    [Fact]
    public async Task DiesAfterSendGridAcceptedBeforeTheLedgerSaidSent()
    {
        await using var s = await SetupAsync();
        await using (var first = await RestartAsync(s, configure: services => services.AddSingleton<IMailTransport>(sp =>
            new DiesAfterTheRequest(sp.GetRequiredService<SendGridTransport>()))))
            await Assert.ThrowsAsync<ProcessDiedException>(() => first.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct));
        Assert.Single(s.SendGrid.Accepted);

        await using var later = await RestartAsync(s, TimeSpan.FromMinutes(15));
        var result = await later.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        // The first batch reached SendGrid but the ledger cannot know: Uncertain, not resent. Nobody twice.
        Assert.Equal(1, result.BatchesUncertain);
        var recipients = s.SendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(5, recipients.Count);
        Assert.Equal(5, recipients.Distinct().Count());
        var status = (await later.Get<DigestRunner>().StatusAsync("daily-2026-11-26", ct: Ct))!;
        Assert.Equal(BatchStatus.Uncertain, Assert.Single(status.Problems).Status);
    }

    [Fact]
    public async Task DiesAfterTheLastBatchWasSentBeforeTheRunCompleted()
    {
        await using var s = await SetupAsync();
        await using (var first = await RestartAsync(s))
        {
            await first.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
            // Put the run back as if the process died before recording its completion.
            var runs = first.Get<DigestRunStore>();
            var run = (await runs.GetAsync(DigestFrequency.Daily, "2026-11-26", Ct))!;
            await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planned }, Ct);
        }

        await using var second = await RestartAsync(s, TimeSpan.FromMinutes(5));
        var result = await second.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal((DigestRunStatus.Completed, 0, 3), (result.Status, result.BatchesSentNow, result.BatchesAlreadySent));
        EveryoneExactlyOnce(s, 5);
    }

    [Fact]
    public async Task RepeatedFailuresPauseTheRunAndResumeFinishesIt()
    {
        await using var s = await SetupAsync(subscribers: 6, batchSize: 1, pauseAfter: 3);
        for (var i = 0; i < 3; i++) s.SendGrid.EnqueueAnswer(400, "The from address does not match a verified Sender Identity.");
        await using (var first = await RestartAsync(s))
        {
            var paused = await first.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
            Assert.Equal((DigestRunStatus.Paused, 3), (paused.Status, paused.BatchesFailed));
            Assert.Equal(3, s.SendGrid.Requests.Count);   // it stopped instead of burning through the list
            var again = await first.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
            Assert.Equal(DigestRunStatus.Paused, again.Status);
            Assert.Equal(3, s.SendGrid.Requests.Count);
        }

        await using var admin = await RestartAsync(s, TimeSpan.FromMinutes(30));
        var resumed = await admin.Get<DigestRunner>().ResumeAsync("daily-2026-11-26", resendUncertain: false, Ct);

        Assert.Equal(DigestRunStatus.Completed, resumed.Status);
        EveryoneExactlyOnce(s, 6);
    }

    [Fact]
    public async Task QueuedBatchesAreSentOnceEvenWhenMessagesAreDelivered()
    {
        await using var s = await SetupAsync(subscribers: 7, batchSize: 2);
        await using var host = await RestartAsync(s);
        await host.Get<HourPassed>().PlanDueAsync(Eight, Ct);
        await host.Get<HourPassed>().PlanDueAsync(Eight.AddMinutes(20), Ct);   // the timer fires twice in the hour: every message is queued twice

        var handled = await host.Get<SendBatchQueue>().DrainAsync((m, t) => host.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(8, handled);
        Assert.Equal(4, s.SendGrid.Accepted.Count);
        EveryoneExactlyOnce(s, 7);
        Assert.Equal(DigestRunStatus.Completed, (await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, "2026-11-26T08", Ct))!.Status);
    }

    private sealed class ProcessDiedException() : Exception("the process died");

    /// <summary>The templates, until the second digest is rendered: there the process dies.</summary>
    private sealed class DiesAtTheSecondRendering(ITemplateSource inner) : ITemplateSource
    {
        private int _renderings;

        public TemplateSet Templates => Interlocked.Increment(ref _renderings) < 2 ? inner.Templates : throw new ProcessDiedException();
    }

    private sealed class DiesBeforeTheRequest : IMailTransport
    {
        public Task<string> SendAsync(MailBatch batch, CancellationToken ct) => throw new ProcessDiedException();
    }

    private sealed class DiesAfterTheRequest(IMailTransport inner) : IMailTransport
    {
        public async Task<string> SendAsync(MailBatch batch, CancellationToken ct)
        {
            await inner.SendAsync(batch, ct);
            throw new ProcessDiedException();
        }
    }
}
