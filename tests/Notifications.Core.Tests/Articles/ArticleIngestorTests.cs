using System.Text;
using System.Text.Json;
using Notifications.Articles;
using Notifications.Storage;
using Notifications.Testing;

namespace Notifications.Core.Tests.Articles;

public sealed class ArticleIngestorTests(AzuriteFixture azurite)
{
    private const string Good = "---\ntitle: PTC closes its 241st session\npublished: 2026-10-16\ntopics: [e-commerce]\n---\nBody.\n";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task PublishAsync(TestHost host, string name, string content)
        => await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct);

    [Fact]
    public async Task IngestingTheSameBlobTwiceRecordsOneArticle()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await PublishAsync(host, "2026/ptc-241.md", Good);
        var ingestor = host.Get<ArticleIngestor>();

        var first = await ingestor.IngestAsync("2026/ptc-241.md", Ct);
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await ingestor.IngestAsync("2026/ptc-241.md", Ct);

        Assert.Equal(IngestOutcome.Accepted, first.Outcome);
        Assert.Equal(IngestOutcome.Unchanged, second.Outcome);
        var all = await host.Get<ArticleIndex>().ListAsync(ct: Ct);
        var only = Assert.Single(all);
        Assert.Equal("2026/ptc-241.md", only.BlobName);
        Assert.Equal("PTC closes its 241st session", only.Title);
        Assert.Equal(host.Time.GetUtcNow() - TimeSpan.FromMinutes(5), only.AcceptedAt);
    }

    [Fact]
    public async Task ConcurrentDeliveriesOfOneBlobRecordOneArticle()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await PublishAsync(host, "ptc.md", Good);
        var ingestor = host.Get<ArticleIngestor>();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ingestor.IngestAsync("ptc.md", Ct)));

        Assert.Single(results, r => r.Outcome == IngestOutcome.Accepted);
        Assert.All(results.Where(r => r.Outcome != IngestOutcome.Accepted), r => Assert.Equal(IngestOutcome.Unchanged, r.Outcome));
        Assert.Single(await host.Get<ArticleIndex>().ListAsync(ct: Ct));
    }

    [Fact]
    public async Task RejectedArticleStaysInPlaceWithItsReasonNextToIt()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await PublishAsync(host, "drafts/bad.md", "---\nsummary: forgot the title\n---\nBody.\n");

        var result = await host.Get<ArticleIngestor>().IngestAsync("drafts/bad.md", Ct);

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        var storage = host.Get<StorageResources>();
        Assert.True(await storage.Articles.GetBlobClient("drafts/bad.md").ExistsAsync(Ct));
        var report = await storage.RejectedArticles.GetBlobClient("drafts/bad.md.rejected.json").DownloadContentAsync(Ct);
        using var json = JsonDocument.Parse(report.Value.Content.ToString());
        Assert.Equal("missing-title", json.RootElement.GetProperty("code").GetString());
        Assert.Equal("drafts/bad.md", json.RootElement.GetProperty("article").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("hint").GetString()));
        var indexed = await host.Get<ArticleIndex>().GetAsync("drafts/bad.md", Ct);
        Assert.Equal(ArticleStatus.Rejected, indexed!.Value.Article.Status);
        Assert.Equal("missing-title", indexed.Value.Article.Rejection!.Code);
    }

    [Fact]
    public async Task FixedArticleIsAcceptedAndItsStaleReportRemoved()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var ingestor = host.Get<ArticleIngestor>();
        await PublishAsync(host, "ptc.md", "---\ntitle: T\npublished: someday\n---\nBody.\n");
        Assert.Equal(IngestOutcome.Rejected, (await ingestor.IngestAsync("ptc.md", Ct)).Outcome);

        await PublishAsync(host, "ptc.md", Good);
        var fixedResult = await ingestor.IngestAsync("ptc.md", Ct);

        Assert.Equal(IngestOutcome.Accepted, fixedResult.Outcome);
        Assert.False(await host.Get<StorageResources>().RejectedArticles.GetBlobClient("ptc.md.rejected.json").ExistsAsync(Ct));
        Assert.Equal(ArticleStatus.Accepted, (await host.Get<ArticleIndex>().GetAsync("ptc.md", Ct))!.Value.Article.Status);
    }

    [Fact]
    public async Task CorrectedArticleKeepsItsFirstAcceptanceTime()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var ingestor = host.Get<ArticleIngestor>();
        await PublishAsync(host, "ptc.md", Good);
        var first = await ingestor.IngestAsync("ptc.md", Ct);

        host.Time.Advance(TimeSpan.FromDays(2));
        await PublishAsync(host, "ptc.md", Good.Replace("241st", "241st and 242nd"));
        var corrected = await ingestor.IngestAsync("ptc.md", Ct);

        Assert.Equal(IngestOutcome.Updated, corrected.Outcome);
        Assert.Equal("PTC closes its 241st and 242nd session", corrected.Article!.Title);
        Assert.Equal(first.Article!.AcceptedAt, corrected.Article.AcceptedAt);
    }

    [Fact]
    public async Task BlobDeletedBeforeItsEventIsReportedMissing()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var result = await host.Get<ArticleIngestor>().IngestAsync("gone.md", Ct);
        Assert.Equal(IngestOutcome.Missing, result.Outcome);
        Assert.Empty(await host.Get<ArticleIndex>().ListAsync(ct: Ct));
    }
}
