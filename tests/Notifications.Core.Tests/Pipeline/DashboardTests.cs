using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Pipeline;

/// <summary>
/// The dashboard over real storage: a run paused by failed batches (with SendGrid's refusal as their cause), a message in each poison
/// queue, a bounce, the digests due and the last run's figures, all read through <see cref="Dashboard"/>.
/// </summary>
public sealed class DashboardTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ShowsThePausedRunItsFailedBatchesWithTheirCausePoisonMessagesAndTheBounce()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:BatchSize"] = "1";
        settings["Delivery:PauseAfterFailures"] = "2";
        settings["Delivery:RequestsPerSecond"] = "0";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.010";
        await using var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 4).Select(i =>
            new NewSubscriber($"official{i}@customs.example", $"Official {i}", "Customs Administration")), Ct);
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("weekly@customs.example", "Weekly Reader", "Customs",
            Frequency: DigestFrequency.Weekly, TimeZone: "Asia/Bishkek", DeliveryHour: 9), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 2; i++) sendGrid.EnqueueAnswer(400, "The from address does not match a verified Sender Identity.");
        var run = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        Assert.Equal(DigestRunStatus.Paused, run.Status);
        var bounced = await host.Get<IRecipientEventHandler>().HandleAsync(new RecipientEvent(settings.SubscriberIdOf("official3@customs.example"),
            RecipientFact.Bounced, "sendgrid", "bounce", "evt-1", "official3@customs.example"), Ct);
        Assert.Equal(RecipientEventOutcome.Changed, bounced);
        var storage = host.Get<StorageResources>();
        await storage.SendBatchesPoison.CreateIfNotExistsAsync(cancellationToken: Ct);
        await storage.SendBatchesPoison.SendMessageAsync("{\"runId\":\"daily-2026-11-20\"}", Ct);

        var report = await host.Get<Dashboard>().ReadAsync(Ct);

        var paused = Assert.Single(report.Attention.Paused);
        Assert.Equal((run.RunId, 2), (paused.RunId, paused.ConsecutiveFailures));
        Assert.Equal(2, report.Attention.Batches.Count);
        Assert.All(report.Attention.Batches, b =>
        {
            Assert.Equal(BatchStatus.Failed, b.Status);
            Assert.Contains("verified Sender Identity", b.Cause, StringComparison.Ordinal);
        });
        Assert.Equal([1, 0], report.Attention.Poison.Select(p => p.Messages));
        Assert.Equal([storage.SendBatchesPoison.Name, storage.SubscribeConfirmationsPoison.Name], report.Attention.Poison.Select(p => p.Queue));
        Assert.Equal(1, report.Attention.Spikes.Single(s => s.Status == SubscriberStatus.Bounced).LastDay);
        Assert.True(report.Attention.Any);

        // 07:00 UTC: the daily readers (08:00 UTC) are due at the next timer hour, the bounced one no longer; the weekly reader at
        // Monday 09:00 in Bishkek, outside these 24 hours.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), report.Due[0].Hour);
        Assert.Equal(3, report.Due[0].Daily);
        Assert.Equal(3, report.Due.Sum(h => h.Total));

        var last = Assert.Single(report.Runs);
        Assert.Equal((run.RunId, DigestRunStatus.Paused), (last.RunId, last.Status));
        Assert.Null(last.Figures.Opened); // tracking is off by default: "not tracked", not zero
        Assert.Equal(4, report.Subscribers[SubscriberStatus.Active]);
        Assert.Equal(1, report.Subscribers[SubscriberStatus.Bounced]);
        Assert.Equal((5, 1), (report.Growth[^1].Joined, report.Growth[^1].Bounced));
    }

    [Fact]
    public async Task NothingNeedsAttentionOnAQuietStore()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Morning);

        var report = await host.Get<Dashboard>().ReadAsync(Ct);

        Assert.False(report.Attention.Any);
        Assert.Empty(report.Runs);
        Assert.All(report.Attention.Poison, p => Assert.Equal(0, p.Messages));
        Assert.Equal(24, report.Due.Count);
        Assert.Equal(0, report.Due.Sum(h => h.Total));
    }
}
