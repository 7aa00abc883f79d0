using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// A run sent inline sends several batches at once (Delivery:InlineSendConcurrency) and records each outcome on the run one at a
/// time: everyone is mailed once, the run completes once, and failures finishing together still pause it.
/// </summary>
public sealed class InlineSendConcurrencyTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TestHost> StartAsync(FakeSendGrid sendGrid, int subscribers, int concurrency, int pauseAfter = 3)
    {
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:BatchSize"] = "2";
        settings["Delivery:InlineSendConcurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Delivery:PauseAfterFailures"] = pauseAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Delivery:RequestsPerSecond"] = "0";
        settings["Delivery:MaxRetries"] = "0";
        var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, subscribers).Select(i =>
            new NewSubscriber($"official{i:D2}@customs.example", $"Official {i}", "Customs Administration")), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        return host;
    }

    [Fact]
    public async Task ARunSentInlineSendsSeveralBatchesAtOnceMailsEveryoneOnceAndCompletes()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        for (var i = 0; i < 8; i++) sendGrid.EnqueueSlowAnswer(TimeSpan.FromMilliseconds(400));
        await using var host = await StartAsync(sendGrid, subscribers: 16, concurrency: 4);

        var result = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(DigestRunStatus.Completed, result.Status);
        Assert.Equal(8, result.BatchesSentNow);
        Assert.Equal(8, result.BatchResults.Select(b => b.BatchId).Distinct().Count());
        var recipients = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(16, recipients.Count);
        Assert.Equal(16, recipients.Distinct().Count());
        // Each answer takes 400 ms: one at a time, no two requests would arrive within 400 ms of each other.
        var arrivals = sendGrid.Requests.Select(r => r.ReceivedAt).Order().ToList();
        Assert.True(arrivals.Zip(arrivals.Skip(1)).Any(p => p.Second - p.First < TimeSpan.FromMilliseconds(300)),
            "no two batches were sending at once: " + string.Join(", ", arrivals.Select(a => a.ToString("HH:mm:ss.fff"))));
        var run = await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, DigestPeriod.For(DigestFrequency.Daily, host.Time.GetUtcNow()).Key, Ct);
        Assert.Equal(DigestRunStatus.Completed, run!.Status);
        Assert.Equal(0, run.ConsecutiveFailures);

        var again = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(8, again.BatchesAlreadySent);
        Assert.Equal(8, sendGrid.Accepted.Count);
    }

    [Fact]
    public async Task BatchesFailingTogetherPauseTheRunAndNoFurtherBatchStarts()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        for (var i = 0; i < 20; i++) sendGrid.EnqueueServerError();
        await using var host = await StartAsync(sendGrid, subscribers: 20, concurrency: 3, pauseAfter: 2);

        var result = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(DigestRunStatus.Paused, result.Status);
        Assert.Equal(10, result.Batches);
        // Paused at the second failure recorded; at most the batches already sending then (concurrency − 1) were tried besides.
        Assert.InRange(result.BatchesFailed, 2, 2 + 3 - 1);
        Assert.Equal(result.BatchesFailed, sendGrid.Requests.Count);
        var run = await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, DigestPeriod.For(DigestFrequency.Daily, host.Time.GetUtcNow()).Key, Ct);
        Assert.Equal(DigestRunStatus.Paused, run!.Status);
        // Every failure recorded counts: none lost to another record written at the same time.
        Assert.Equal(result.BatchesFailed, run.ConsecutiveFailures);
        var batches = await host.Get<DeliveryLedger>().ListAsync(run.RunId, run.PlanId, Ct);
        Assert.Equal(result.BatchesFailed, batches.Count(b => b.Status == BatchStatus.Failed));
        Assert.Equal(10 - result.BatchesFailed, batches.Count(b => b.Status == BatchStatus.Planned));
    }

    [Fact]
    public async Task OneAtATimeSendsTheBatchesInTurn()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        for (var i = 0; i < 3; i++) sendGrid.EnqueueSlowAnswer(TimeSpan.FromMilliseconds(200));
        await using var host = await StartAsync(sendGrid, subscribers: 6, concurrency: 1);

        var result = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        Assert.Equal(DigestRunStatus.Completed, result.Status);
        var arrivals = sendGrid.Requests.Select(r => r.ReceivedAt).Order().ToList();
        Assert.Equal(3, arrivals.Count);
        Assert.All(arrivals.Zip(arrivals.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromMilliseconds(190)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("33")]
    public async Task AnInlineSendConcurrencyOutsideOneToThirtyTwoFailsTheStartNamingTheSetting(string value)
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:InlineSendConcurrency"] = value;

        var e = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await TestHost.StartAsync(settings);
            _ = host.Get<IOptions<DeliveryOptions>>().Value;
        });

        Assert.Contains("Delivery:InlineSendConcurrency must be between 1 and 32", e.Message);
    }
}
