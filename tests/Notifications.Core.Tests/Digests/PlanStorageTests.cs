using System.Text;
using Azure.Data.Tables;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// What a plan stores and what it costs: watermarks a shard per row, addresses in a batch only until it is sent, recipients who left
/// after planning skipped without reading the others, and two runs planning at once still mailing each subscriber once.
/// </summary>
public sealed class PlanStorageTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 27, 5, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Eight = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero); // 08:00 UTC: the subscribers' hour
    private static readonly string[] Languages = ["en", "ru", "fr"];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TestHost> StartAsync(FakeSendGrid sendGrid, int subscribers)
    {
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:RequestsPerSecond"] = "0";
        var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, subscribers).Select(i =>
            new NewSubscriber($"official{i:D4}@customs.example", $"Official {i}", "Customs Administration", Languages[i % 3])), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct)).Outcome);
        host.Time.SetUtcNow(Eight);
        return host;
    }

    private static void EveryoneExactlyOnce(FakeSendGrid sendGrid, int subscribers)
    {
        var recipients = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(subscribers, recipients.Count);
        Assert.Equal(subscribers, recipients.Distinct().Count());
    }

    [Fact]
    public async Task WatermarksOfAllSubscribersTakeOneRowPerShardNotOnePerSubscriber()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(sendGrid, 1500);

        await host.Get<HourPassed>().RunDueAsync(Eight, Ct);

        EveryoneExactlyOnce(sendGrid, 1500);
        var rows = 0;
        await foreach (var _ in host.Get<StorageResources>().DigestWatermarks.QueryAsync<TableEntity>(cancellationToken: Ct)) rows++;
        Assert.InRange(rows, 200, 256); // 1,500 random ids fall into almost all of the 256 shards
        var one = (await host.Get<SubscriberStore>().FindByEmailAsync("official0042@customs.example", Ct))!;
        var mark = await host.Get<DigestWatermarks>().GetAsync(one.Id, Ct);
        Assert.Equal(Eight, mark!.Through);
    }

    [Fact]
    public async Task BatchCarriesItsRecipientsAddressesOnlyUntilItIsSent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(sendGrid, 30);
        var ledger = host.Get<DeliveryLedger>();

        await host.Get<HourPassed>().PlanDueAsync(Eight, Ct); // planned and queued, not sent
        var run = (await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, "2026-11-27T08", Ct))!;
        var planned = await ledger.ListAsync(run.RunId, run.PlanId, Ct);
        var whole = await ledger.GetAsync(run.RunId, run.PlanId, planned[0].BatchId, Ct);
        Assert.Null(planned[0].Planned); // listing a plan holds no addresses
        Assert.Equal(whole!.RecipientIds.Count, whole.Planned!.Count);
        Assert.All(whole.Planned, r => Assert.EndsWith("@customs.example", r.Email));

        await host.Get<SendBatchQueue>().DrainAsync((m, t) => host.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);

        EveryoneExactlyOnce(sendGrid, 30);
        foreach (var batch in await ledger.ListAsync(run.RunId, run.PlanId, Ct))
        {
            var sent = await ledger.GetAsync(run.RunId, run.PlanId, batch.BatchId, Ct);
            Assert.Equal(BatchStatus.Sent, sent!.Status);
            Assert.Null(sent.Planned); // the addresses are gone; the subscriber ids stay as the record
            Assert.NotEmpty(sent.RecipientIds);
        }
    }

    [Fact]
    public async Task RecipientWhoLeftAfterPlanningIsSkippedWithoutReadingTheOthers()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(sendGrid, 30);
        await host.Get<HourPassed>().PlanDueAsync(Eight, Ct);
        var store = host.Get<SubscriberStore>();
        var leaving = (await store.FindByEmailAsync("official0007@customs.example", Ct))!;
        var renamed = (await store.FindByEmailAsync("official0008@customs.example", Ct))!;

        host.Time.Advance(TimeSpan.FromMinutes(2));
        await store.UpdateAsync(leaving.Id, s => s with { Status = SubscriberStatus.Unsubscribed }, Ct);
        await store.UpdateAsync(renamed.Id, s => s with { Name = "Renamed Official" }, Ct);
        var changes = await store.ChangedSinceAsync(Eight, Ct);
        await host.Get<SendBatchQueue>().DrainAsync((m, t) => host.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);

        Assert.Equal([leaving.Id], changes.Keys); // only departures are logged for senders to re-read
        var recipients = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(29, recipients.Count);
        Assert.DoesNotContain("official0007@customs.example", recipients);
    }

    [Fact]
    public async Task TwoDifferentRunsPlanningAtOnceMailEachSubscriberOnce()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await StartAsync(sendGrid, 600);
        var runner = host.Get<DigestRunner>();

        // The hourly timer and an operator's `notify digest run --frequency daily`, at the same moment, over the same watermarks.
        await Task.WhenAll(
            Task.Run(() => host.Get<HourPassed>().RunDueAsync(Eight, Ct), Ct),
            Task.Run(() => runner.RunAsync(DigestFrequency.Daily, Eight, Ct), Ct),
            Task.Run(() => host.Get<HourPassed>().RunDueAsync(Eight.AddMinutes(1), Ct), Ct));

        EveryoneExactlyOnce(sendGrid, 600);
    }
}
