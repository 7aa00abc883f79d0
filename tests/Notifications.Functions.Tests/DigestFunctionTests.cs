using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Delivery;
using Notifications.Functions.Delivery;
using Notifications.Functions.Digests;
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

    [Fact]
    public async Task DailyDigestMailsTheDailySubscriberOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid));
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("a.dupont@douane.example", "Anne Dupont", "Customs Administration of Belgium"), ct);
        await IngestAsync(host, "workshop.md", ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        var function = ActivatorUtilities.CreateInstance<DailyDigest>(host.Services);

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

        // The timer fires again (a retry, or a second instance): nobody is mailed twice.
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await function.Run(new TimerInfo(), ct);
        await DeliverQueuedAsync(host, ct);

        Assert.Single(sendGrid.Requests);
        Assert.Single(sendGrid.Accepted);
    }

    [Fact]
    public async Task WeeklyDigestMailsWeeklySubscribersOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid));
        var subscribers = host.Get<SubscriberStore>();
        await subscribers.AddAsync(new NewSubscriber("daily@customs.example", "Daily Reader", "Customs of Daily", Frequency: DigestFrequency.Daily), ct);
        await subscribers.AddAsync(new NewSubscriber("weekly@customs.example", "Weekly Reader", "Customs of Weekly", Frequency: DigestFrequency.Weekly), ct);
        await IngestAsync(host, "workshop.md", ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        var function = ActivatorUtilities.CreateInstance<WeeklyDigest>(host.Services);

        await function.Run(new TimerInfo(), ct);
        await DeliverQueuedAsync(host, ct);

        var request = Assert.Single(sendGrid.Accepted);
        Assert.Equal(["weekly@customs.example"], request.Recipients);
        Assert.DoesNotContain(sendGrid.Requests, r => r.Recipients.Contains("daily@customs.example"));
    }

    [Fact]
    public async Task DailyDigestDoesNotMailWeeklySubscribers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite).WithSendGrid(sendGrid));
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("weekly@customs.example", "Weekly Reader", "Customs of Weekly", Frequency: DigestFrequency.Weekly), ct);
        await IngestAsync(host, "workshop.md", ct);
        host.Time.Advance(TimeSpan.FromHours(1));

        await ActivatorUtilities.CreateInstance<DailyDigest>(host.Services).Run(new TimerInfo(), ct);
        await DeliverQueuedAsync(host, ct);

        Assert.Empty(sendGrid.Requests);
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
