using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Pipeline;

/// <summary>The runs archive: every run ever, newest first, paged, with its batches and figures.</summary>
public sealed class RunArchiveTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 2, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task PublishAsync(TestHost host, string name, string title)
    {
        var content = $"---\ntitle: {title}\npublished: 2026-11-01\ntopics: [e-commerce]\nsummary: About {title}.\n---\nBody.\n";
        await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct);
        Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync(name, Ct)).Outcome);
    }

    /// <summary>Three daily runs by hand, ten days apart (the first long before "two days ago"), each with one new article.</summary>
    private static async Task<IReadOnlyList<string>> ThreeRunsAsync(TestHost host)
    {
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 3).Select(i =>
            new NewSubscriber($"official{i}@customs.example", $"Official {i}", "Customs Administration")), Ct);
        var ids = new List<string>();
        for (var day = 0; day < 3; day++)
        {
            await PublishAsync(host, $"2026/session-{day}.md", $"Session {day}");
            host.Time.Advance(TimeSpan.FromHours(1));
            ids.Add((await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct)).RunId);
            host.Time.Advance(TimeSpan.FromDays(10));
        }
        return ids;
    }

    [Fact]
    public async Task EveryRunEverIsListedNewestFirstWithItsBatchesAndFigures()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Morning);
        var ids = await ThreeRunsAsync(host);
        var events = host.Get<DeliveryEvents>();
        await events.IncrementAsync(ids[0], "delivered", 2, Ct);
        await events.IncrementAsync(ids[0], "bounce", 1, Ct);
        await events.IncrementAsync(ids[0], "blocked", 1, Ct);
        await events.IncrementAsync(ids[0], "spamreport", 1, Ct);

        var runs = await host.Get<RunArchive>().ListAsync(ct: Ct);

        Assert.Equal(["daily-2026-11-22", "daily-2026-11-12", "daily-2026-11-02"], runs.Select(r => r.RunId));
        Assert.All(runs, r => Assert.Equal((DigestRunStatus.Completed, 1, 3, 1, 1, 0, 0), (r.Status, r.ArticleCount, r.RecipientCount, r.BatchCount,
            r.BatchesSent, r.BatchesFailed, r.BatchesUncertain)));
        var first = runs[^1].Figures;
        Assert.Equal(new RunFigures(3, 2, 2, 1, null, null), first);
        Assert.Equal(2.0 / 3, first.RateOf(first.Delivered));
        Assert.Null(first.RateOf(first.Opened));
    }

    [Fact]
    public async Task SinceAndTakeAndPagesChooseTheRuns()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Morning);
        await ThreeRunsAsync(host);
        var archive = host.Get<RunArchive>();

        var since = await archive.ListAsync(new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero), ct: Ct);
        var newest = await archive.ListAsync(take: 1, ct: Ct);
        var second = await archive.PageAsync(null, page: 2, pageSize: 2, Ct);

        Assert.Equal(["daily-2026-11-22", "daily-2026-11-12"], since.Select(r => r.RunId));
        Assert.Equal(["daily-2026-11-22"], newest.Select(r => r.RunId));
        Assert.Equal(["daily-2026-11-02"], second.Runs.Select(r => r.RunId));
        Assert.Equal((3, 2, 2), (second.Total, second.Page, second.Pages));
    }

    [Fact]
    public async Task OpensAndClicksAreZeroWhenTrackedAndNullWhenNot()
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:TrackOpensAndClicks"] = "true";
        await using var host = await TestHost.StartAsync(settings, Morning);
        await ThreeRunsAsync(host);

        var runs = await host.Get<RunArchive>().ListAsync(ct: Ct);

        Assert.All(runs, r => Assert.Equal((0L, 0L), (r.Figures.Opened, r.Figures.Clicked)));
        var counters = new Dictionary<string, long> { ["open"] = 4, ["click"] = 0 };
        Assert.Equal((4L, 0L), (RunArchive.FiguresOf(3, counters, tracking: false).Opened, RunArchive.FiguresOf(3, counters, tracking: false).Clicked));
        Assert.Null(RunArchive.FiguresOf(3, new Dictionary<string, long>(), tracking: false).Opened);
    }

    [Fact]
    public async Task AnUnknownOrMalformedRunIdIsNoRun()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Morning);
        var archive = host.Get<RunArchive>();

        Assert.Null(await archive.GetAsync("daily-2031-01-01", Ct));
        Assert.Null(await archive.GetAsync("daily-2026/../x", Ct));
        Assert.Null(await archive.GetAsync("monthly-2026-11", Ct));
    }
}
