using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Pipeline;

/// <summary>One run in the archive: its articles, variants with their own figures, and clicks per link from SendGrid's click events.</summary>
public sealed class RunDetailsTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private const string Site = "https://digests.secretariat.example";

    [Fact]
    public async Task ARunShowsItsArticlesVariantFiguresAndClicksPerLinkWithoutTheirQuery()
    {
        var settings = TestSettings.For(azurite);
        settings["Links:BaseUrl"] = Site;
        settings["Delivery:TrackOpensAndClicks"] = "true";
        await using var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HMRC"),
            new NewSubscriber("m.rossi@adm.example", "Marco Rossi", "ADM"),
            new NewSubscriber("a.dupont@douane.example", "Anne Dupont", "Douane", "fr"),
        ], Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md",
            new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC closes its session\ntopics: [e-commerce]\n---\nBody.\n")), Ct);
        Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct)).Outcome);
        host.Time.Advance(TimeSpan.FromHours(1));
        var run = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        var batches = await host.Get<DeliveryLedger>().ListAsync(run.RunId, (await host.Get<RunArchive>().FindAsync(run.RunId, Ct))!.PlanId, Ct);
        var english = batches.Single(b => b.Variant.StartsWith("en", StringComparison.Ordinal)).BatchId;
        DeliveryEvent Event(string id, string name, string? url = null)
            => new(id, name, null, null, null, host.Time.GetUtcNow(), run.RunId, english, null, Url: DeliveryEvents.LinkOf(url));

        await host.Get<SendGridEventProcessor>().ProcessAsync([
            Event("d1", "delivered"), Event("d2", "delivered"), Event("o1", "open"),
            Event("c1", "click", Site + "/api/articles/ptc.md?token=secret-of-jane"),
            Event("c2", "click", Site + "/api/articles/ptc.md#top"),
            Event("c3", "click", "https://www.wcoomd.org/en/topics.aspx?sub=1"),
        ], Ct);
        var detail = await host.Get<RunDetails>().GetAsync(run.RunId, Ct);

        Assert.NotNull(detail);
        var article = Assert.Single(detail.Articles);
        Assert.Equal(("PTC closes its session", Site + "/api/articles/ptc.md", (long?)2), (article.Title, article.Link, article.Clicks));
        Assert.Equal(2, detail.Variants.Count);
        var en = detail.Variants.Single(v => v.Language == "en");
        Assert.Equal(new RunFigures(2, 2, 0, 0, 1, 3), en.Figures);
        Assert.Equal(new RunFigures(1, 0, 0, 0, 0, 0), detail.Variants.Single(v => v.Language == "fr").Figures);
        Assert.Equal([(Site + "/api/articles/ptc.md", 2L, "PTC closes its session"), ("https://www.wcoomd.org/en/topics.aspx", 1L, null)],
            detail.Links.Select(l => (l.Link, l.Clicks, l.ArticleTitle)));
        Assert.Equal((3L, 2L, 1L, 3L), (detail.Summary.Figures.Recipients, detail.Summary.Figures.Delivered, detail.Summary.Figures.Opened,
            detail.Summary.Figures.Clicked));
        Assert.False(detail.CanCancel);
        var prefix = settings["Storage:DeliveryCountersTable"]![..11];
        Assert.Empty(await StorageScan.FindAsync(azurite.ConnectionString, name => name.StartsWith(prefix, StringComparison.Ordinal), ["secret-of-jane"], Ct));
    }
}
