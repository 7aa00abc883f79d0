using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Functions.ArticlePublished;
using Notifications.Storage;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

/// <summary>The blob-triggered function called as the host would, over the real Core composition and a real Azurite.</summary>
public sealed class ArticlePublishedTests(AzuriteFixture azurite)
{
    private const string ValidArticle = """
        ---
        title: Permanent Technical Committee opens its 243rd session
        published: 2026-11-25
        language: en
        topics: [e-commerce, data model]
        summary: Delegates meet in Brussels to review the data model.
        url: https://secretariat.example/news/ptc-243
        ---
        The 243rd session of the Permanent Technical Committee opened on 25 November 2026.
        """;

    private const string ArticleWithoutTitle = """
        ---
        summary: Someone forgot the title.
        published: 2026-11-25
        ---
        A body without a title in its front matter.
        """;

    [Fact]
    public async Task PublishedBlobIsIndexedOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var blob = await UploadAsync(host, "2026/ptc-243.md", ValidArticle, ct);
        var function = ActivatorUtilities.CreateInstance<ArticleBlobTrigger>(host.Services);
        var index = host.Get<ArticleIndex>();
        var firstRun = host.Time.GetUtcNow();

        await function.Run(blob, ct);

        var indexed = await index.GetAsync("2026/ptc-243.md", ct);
        Assert.NotNull(indexed);
        var article = indexed.Value.Article;
        Assert.Equal(ArticleStatus.Accepted, article.Status);
        Assert.Equal("2026/ptc-243.md", article.BlobName);
        Assert.Equal("Permanent Technical Committee opens its 243rd session", article.Title);
        Assert.Equal(["e-commerce", "data model"], article.Topics);
        Assert.Equal(firstRun, article.AcceptedAt);
        Assert.Null(article.Rejection);

        // The trigger is at-least-once: a second delivery of the same blob, later, changes nothing.
        host.Time.Advance(TimeSpan.FromHours(1));
        await function.Run(blob, ct);

        var all = await index.ListAsync(ct: ct);
        var only = Assert.Single(all);
        Assert.Equal(ArticleStatus.Accepted, only.Status);
        Assert.Equal(firstRun, only.AcceptedAt);
    }

    [Fact]
    public async Task RejectedArticleStaysInPlaceAndGetsARejectionReport()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var blob = await UploadAsync(host, "untitled.md", ArticleWithoutTitle, ct);
        var function = ActivatorUtilities.CreateInstance<ArticleBlobTrigger>(host.Services);
        var storage = host.Get<StorageResources>();

        await function.Run(blob, ct);

        Assert.True((await storage.Articles.GetBlobClient("untitled.md").ExistsAsync(ct)).Value, "The rejected article left the articles container.");
        var report = storage.RejectedArticles.GetBlobClient("untitled.md.rejected.json");
        Assert.True((await report.ExistsAsync(ct)).Value, "No untitled.md.rejected.json in the rejected container.");
        using var json = JsonDocument.Parse((await report.DownloadContentAsync(ct)).Value.Content.ToString());
        Assert.Equal("untitled.md", json.RootElement.GetProperty("article").GetString());
        Assert.Equal("missing-title", json.RootElement.GetProperty("code").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("line").GetInt32());

        var indexed = await host.Get<ArticleIndex>().GetAsync("untitled.md", ct);
        Assert.NotNull(indexed);
        Assert.Equal(ArticleStatus.Rejected, indexed.Value.Article.Status);
        Assert.Equal("missing-title", indexed.Value.Article.Rejection?.Code);
        Assert.Empty(await host.Get<ArticleIndex>().ListAsync(ArticleStatus.Accepted, ct));
    }

    private static async Task<Azure.Storage.Blobs.BlobClient> UploadAsync(TestHost host, string name, string content, CancellationToken ct)
    {
        var storage = host.Get<StorageResources>();
        await storage.EnsureCreatedAsync();
        var blob = storage.Articles.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromString(content), overwrite: true, ct);
        return blob;
    }
}
