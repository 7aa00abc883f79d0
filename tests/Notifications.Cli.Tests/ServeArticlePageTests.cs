using System.Net;
using Notifications.Articles;
using Notifications.Storage;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>`notify serve` maps the article pages' catch-all route: a blob name with folders reaches the page whole.</summary>
public sealed class ServeArticlePageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ServeAnswersAnArticlePageByItsBlobNameWithFoldersAndHeadToo()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = TestSettings.For(azurite);
        await using (var host = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow.AddMinutes(-1)))
        {
            var storage = host.Get<StorageResources>();
            await storage.EnsureCreatedAsync();
            await storage.Articles.GetBlobClient("2026/ptc-243.en.md").UploadAsync(
                BinaryData.FromString("---\ntitle: PTC closes its 243rd session\nlanguage: en\n---\nThe PTC met in Brussels.\n"), ct);
            Assert.Equal(IngestOutcome.Accepted, (await host.Get<ArticleIngestor>().IngestAsync("2026/ptc-243.en.md", ct)).Outcome);
        }
        var port = ServeCommandTests.FreePort();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serve = NotifyCli.RunAsync(["serve", "--port", port.ToString(), "--no-auth"], new StringWriter(), new StringWriter(), settings, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(20) };
        await ServeCommandTests.WaitUntilListeningAsync(port, serve);

        var page = await http.GetAsync("api/articles/2026/ptc-243.en.md", ct);
        var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "api/articles/2026/ptc-243.en.md"), ct);
        var unknown = await http.GetAsync("api/articles/2026/nothing.en.md", ct);
        var body = await page.Content.ReadAsStringAsync(ct);
        await stop.CancelAsync();
        await serve;

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<h1>PTC closes its 243rd session</h1>", body);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
