using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Pipeline;

/// <summary>Cancelling a planned run: nothing of it is sent, and its recipients' next digest carries what it would have.</summary>
public sealed class RunCancellationTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TestHost Host, string Outbox, DigestRun Run)> PlannedRunAsync(AzuriteFixture azurite)
    {
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", Guid.NewGuid().ToString("N"), "outbox");
        var host = await TestHost.StartAsync(TestSettings.For(azurite, outbox), Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 3).Select(i =>
            new NewSubscriber($"official{i}@customs.example", $"Official {i}", "Customs Administration")), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md",
            new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC closes its session\ntopics: [e-commerce]\n---\nBody.\n")), Ct);
        Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct)).Outcome);
        host.Time.Advance(TimeSpan.FromHours(1));
        var period = DigestPeriod.For(DigestFrequency.Daily, host.Time.GetUtcNow());
        var open = await host.Get<DigestRunStore>().GetOrCreateAsync(period, host.Time.GetUtcNow(), Ct);
        var planned = await host.Get<DigestPlanner>().PlanAsync(period, open, Ct);
        Assert.Equal(DigestRunStatus.Planned, planned?.Status);
        return (host, outbox, planned!);
    }

    private static int Mails(string outbox) => Directory.Exists(outbox) ? OutboxMail.ReadAll(outbox).Count : 0;

    [Fact]
    public async Task ACancelledRunSendsNothingAndItsArticlesComeInTheNextDigest()
    {
        var (host, outbox, run) = await PlannedRunAsync(azurite);
        await using var _ = host;

        var result = await host.Get<RunCancellation>().CancelAsync(run.RunId, Ct);
        var rerun = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        var batches = await host.Get<DeliveryLedger>().ListAsync(run.RunId, run.PlanId, Ct);

        Assert.Equal(new RunCancellationResult(run.RunId, 1, 0, 0, 3), result);
        Assert.Equal((DigestRunStatus.Cancelled, 0), (rerun.Status, rerun.RecipientsSentNow));
        Assert.Equal(0, Mails(outbox));
        Assert.All(batches, b => Assert.Equal((BatchStatus.Cancelled, RunCancellation.Reason), (b.Status, b.Error)));

        host.Time.Advance(TimeSpan.FromDays(1));
        var next = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal((DigestRunStatus.Completed, 1, 3), (next.Status, next.Articles, next.RecipientsSentNow));
        Assert.All(OutboxMail.ReadAll(outbox), m => Assert.Contains("PTC closes its session", m.TextBody));
    }

    [Fact]
    public async Task AQueuedBatchOfACancelledRunIsDropped()
    {
        var (host, outbox, run) = await PlannedRunAsync(azurite);
        await using var _ = host;

        await host.Get<RunCancellation>().CancelAsync(run.RunId, Ct);
        var sent = await host.Get<BatchDue>().SendAsync(new SendBatchMessage(run.RunId, run.PlanId, "b00000"), Ct);

        Assert.Null(sent);
        Assert.Equal(0, Mails(outbox));
    }

    [Fact]
    public async Task OnlyAnUnfinishedRunCanBeCancelled()
    {
        var (host, _, run) = await PlannedRunAsync(azurite);
        await using var __ = host;
        var completed = await host.Get<DigestRunner>().ResumeAsync(run.RunId, resendUncertain: false, Ct);
        Assert.Equal(DigestRunStatus.Completed, completed.Status);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Get<RunCancellation>().CancelAsync(run.RunId, Ct));
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => host.Get<RunCancellation>().CancelAsync("daily-2031-01-01", Ct));

        Assert.Contains("every batch was sent", refused.Message);
        Assert.Contains("There is no run daily-2031-01-01", unknown.Message);
    }
}
