using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Delivery;
using Notifications.Functions.AlertDue;
using Notifications.Functions.ArticlePublished;
using Notifications.Functions.BatchDue;
using Notifications.Functions.HourPassed;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

/// <summary>The timer-triggered digest functions called as the host would, sending through a strict fake SendGrid.</summary>
public sealed class DigestFunctionTests(AzuriteFixture azurite)
{
    private const string ArticleTitle = "Regional workshop on customs laboratories held in Almaty";

    private const string Article = """
        ---
        title: Regional workshop on customs laboratories held in Almaty
        published: 2026-11-25
        summary: Laboratory experts from eight administrations compared methods.
        ---
        Body of the workshop report.
        """;

    // The test clock starts at 2026-11-26 07:00 UTC, a Thursday.

    [Fact]
    public async Task HourlyTimerMailsTheDailySubscriberAtEightInTheirZoneOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid));
        await host.Get<SubscriberStore>().AddAsync(
            new NewSubscriber("a.dupont@douane.example", "Anne Dupont", "Customs Administration of Belgium", TimeZone: "Europe/Brussels"), ct);
        await IngestAsync(host, "workshop.md", ct);
        var function = ActivatorUtilities.CreateInstance<HourlyDigests>(host.Services);

        // 07:00 UTC the next day is 08:00 in Brussels: due. An hour earlier it is not.
        host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 6, 0, 5, TimeSpan.Zero));
        await function.Run(new TimerInfo(), ct);
        Assert.Equal(0, await DeliverQueuedAsync(host, ct));
        host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 7, 0, 5, TimeSpan.Zero));
        await function.Run(new TimerInfo(), ct);

        // The timer only plans and queues: the SendBatch function sends, as the host would run it off the queue.
        Assert.Empty(sendGrid.Requests);
        Assert.Equal(1, await DeliverQueuedAsync(host, ct));
        var request = Assert.Single(sendGrid.Requests);
        Assert.Equal(202, request.Status);
        Assert.Equal(["a.dupont@douane.example"], request.Recipients);
        var text = request.Body.GetProperty("content")[0];
        Assert.Equal("text/plain", text.GetProperty("type").GetString());
        Assert.Contains(ArticleTitle, text.GetProperty("value").GetString());
        Assert.Equal(DigestRunStatus.Completed, (await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, "2026-11-27T07", ct))!.Status);

        // The timer fires again within the hour (a retry, or a second instance), and the next hours: nobody is mailed twice.
        foreach (var later in (int[])[5, 60, 120])
        {
            host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 7, 0, 5, TimeSpan.Zero).AddMinutes(later));
            await function.Run(new TimerInfo(), ct);
            await DeliverQueuedAsync(host, ct);
        }

        Assert.Single(sendGrid.Requests);
        Assert.Single(sendGrid.Accepted);
    }

    [Fact]
    public async Task HourlyTimerMailsWeeklySubscribersOnTheWeeklyDayOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid));
        var subscribers = host.Get<SubscriberStore>();
        await subscribers.AddAsync(new NewSubscriber("weekly@customs.example", "Weekly Reader", "Customs of Weekly", Frequency: DigestFrequency.Weekly), ct);
        await IngestAsync(host, "workshop.md", ct);
        var function = ActivatorUtilities.CreateInstance<HourlyDigests>(host.Services);

        // Every hour from Thursday to Monday 08:00 UTC (the weekly day, at the default hour, in UTC).
        var mondayEight = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        for (var at = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero); at < mondayEight; at = at.AddHours(1))
        {
            host.Time.SetUtcNow(at);
            await function.Run(new TimerInfo(), ct);
        }
        Assert.Equal(0, await DeliverQueuedAsync(host, ct));

        host.Time.SetUtcNow(mondayEight);
        await function.Run(new TimerInfo(), ct);
        await DeliverQueuedAsync(host, ct);

        var request = Assert.Single(sendGrid.Accepted);
        Assert.Equal(["weekly@customs.example"], request.Recipients);
    }

    [Fact]
    public async Task HourlyTimerDoesNotMailWeeklySubscribersDaily()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid));
        await host.Get<SubscriberStore>().AddAsync(
            new NewSubscriber("weekly@customs.example", "Weekly Reader", "Customs of Weekly", Frequency: DigestFrequency.Weekly), ct);
        await IngestAsync(host, "workshop.md", ct);
        host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero)); // Friday 08:00 UTC: a daily slot, not the weekly day

        await ActivatorUtilities.CreateInstance<HourlyDigests>(host.Services).Run(new TimerInfo(), ct);
        await DeliverQueuedAsync(host, ct);

        Assert.Empty(sendGrid.Requests);
    }

    [Fact]
    public async Task PublishedArticleReachesInstantSubscribersThroughTheQueuesOnceItsWaitForTranslationsEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid));
        await host.Get<SubscriberStore>().AddAsync(
            new NewSubscriber("instant@customs.example", "Instant Reader", "Customs of Instant", Frequency: DigestFrequency.Instant), ct);
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("daily@customs.example", "Daily Reader", "Customs of Daily"), ct);
        await using (var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Article)))
            await host.Get<ArticlePublisher>().PublishAsync("workshop.md", content, ct);

        // The blob trigger, called as the host would: it ingests and queues the alert; SendBatch sends it.
        var blob = host.Get<Notifications.Storage.StorageResources>().Articles.GetBlobClient("workshop.md");
        await ActivatorUtilities.CreateInstance<ArticleBlobTrigger>(host.Services).Run(blob, ct);
        await ActivatorUtilities.CreateInstance<ArticleBlobTrigger>(host.Services).Run(blob, ct); // delivered twice
        await DeliverQueuedAsync(host, ct);
        Assert.Empty(sendGrid.Accepted); // the alert waits Schedule:AlertGracePeriod (10 minutes) for translations
        // The alerts-due message becomes visible then: the AlertDue function, as the host would call it (twice: at-least-once).
        host.Time.Advance(TimeSpan.FromMinutes(10));
        var message = AlertDueQueue.Serialize(new AlertDueMessage("workshop"));
        await ActivatorUtilities.CreateInstance<AlertDueTrigger>(host.Services).Run(message, ct);
        await ActivatorUtilities.CreateInstance<AlertDueTrigger>(host.Services).Run(message, ct);
        await DeliverQueuedAsync(host, ct);

        var request = Assert.Single(sendGrid.Accepted);
        Assert.Equal(["instant@customs.example"], request.Recipients);
        Assert.Contains(ArticleTitle,
            request.Body.GetProperty("subject").GetString() + request.Body.GetProperty("content")[0].GetProperty("value").GetString());
    }

    private static async Task IngestAsync(TestHost host, string name, CancellationToken ct)
    {
        await using (var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Article)))
            await host.Get<ArticlePublisher>().PublishAsync(name, content, ct);
        var result = await host.Get<ArticleIngestor>().IngestAsync(name, ct);
        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
    }

    /// <summary>Runs the SendBatch function on every message the timer queued, as the Functions host would; returns how many.</summary>
    private static Task<int> DeliverQueuedAsync(TestHost host, CancellationToken ct)
    {
        var sendBatch = ActivatorUtilities.CreateInstance<SendBatch>(host.Services);
        return host.Get<SendBatchQueue>().DrainAsync((m, token) => sendBatch.Run(SendBatchQueue.Serialize(m), token), TimeSpan.FromMinutes(1), ct);
    }
}
