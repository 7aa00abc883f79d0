using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// An article about a session that ended longer than <c>Articles:NewsWindow</c> (60 days) before it was accepted is not news: accepted with
/// a warning, kept out of digests and alerts, its article page kept, unless the editor says <c>news: true</c>. The test clock is
/// 2026-11-26 07:00 UTC.
/// </summary>
public sealed class NewsWindowTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Report(string title, string end, string extra = "")
        => $"---\ntitle: {title}\ntopics: [e-commerce]\n{extra}session:\n  committee: Permanent Technical Committee\n  end: {end}\n---\nBody of {title}.\n";

    private static async Task<IngestResult> IngestAsync(TestHost host, string name, string content)
    {
        await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct);
        return await host.Get<ArticlePublished>().IngestAsync(name, Ct);
    }

    [Fact]
    public async Task AReportOnASessionThatEndedLongAgoIsAcceptedWithAWarningAndLeftOutOfDigests()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Now);

        var result = await IngestAsync(host, "old.md", Report("Old session report", "2026-09-20"));

        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
        var article = result.Article!;
        Assert.True(article.NotNews);
        var warning = Assert.Single(article.WarningList, w => w.Code == ArticleWarningCodes.NotNews);
        Assert.Contains("2026-09-20, 67 days before", warning.Message);
        Assert.Contains("news: true", warning.Hint);
        var index = host.Get<ArticleIndex>();
        Assert.Empty(await index.ListAvailableAsync(DateTimeOffset.UnixEpoch, Now.AddSeconds(1), Ct));
        // Its article page still lists it (with its translations).
        Assert.Single(await index.ListAvailableAsync(DateTimeOffset.UnixEpoch, Now.AddSeconds(1), Ct, includeNotNews: true));
        Assert.True((await index.GetAsync("old.md", Ct))!.Value.Article.NotNews);
    }

    [Fact]
    public async Task TheEditorCanSayAnOldSessionIsNewsAnyway()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Now);

        var result = await IngestAsync(host, "anyway.md", Report("Old but news", "2026-09-20", "news: true\n"));

        Assert.False(result.Article!.NotNews);
        Assert.DoesNotContain(result.Article.WarningList, w => w.Code == ArticleWarningCodes.NotNews);
        Assert.Single(await host.Get<ArticleIndex>().ListAvailableAsync(DateTimeOffset.UnixEpoch, Now.AddSeconds(1), Ct));
    }

    [Theory]
    [InlineData("2026-09-27")] // 60 days before the day it is accepted: still news
    [InlineData("2026-11-25")]
    public async Task ASessionWithinTheWindowIsNews(string end)
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Now);
        var result = await IngestAsync(host, "recent.md", Report("Recent report", end));
        Assert.False(result.Article!.NotNews);
    }

    [Fact]
    public async Task TheWindowIsASetting()
    {
        var settings = TestSettings.For(azurite);
        settings["Articles:NewsWindow"] = "7.00:00:00";
        await using var host = await TestHost.StartAsync(settings, Now);
        var result = await IngestAsync(host, "week.md", Report("Two weeks old", "2026-11-12"));
        Assert.True(result.Article!.NotNews);
        Assert.Contains("more than 7 days", result.Article.WarningList.Single(w => w.Code == ArticleWarningCodes.NotNews).Message);
    }

    [Fact]
    public async Task AnOldSessionIsNeitherAlertedNorInTheNextDigestWhileNewsIs()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:RequestsPerSecond"] = "0";
        await using var host = await TestHost.StartAsync(settings, Now);
        var store = host.Get<SubscriberStore>();
        await store.AddAsync(new NewSubscriber("instant@customs.example", "Official", "Customs", "en", DigestFrequency.Instant, TimeZone: "UTC"), Ct);
        await store.AddAsync(new NewSubscriber("daily@customs.example", "Official", "Customs", "en", DigestFrequency.Daily, TimeZone: "UTC"), Ct);

        await IngestAsync(host, "old-alert.md", Report("Old session alert", "2026-03-20", "alert: true\n"));
        await IngestAsync(host, "old-but-news.md", Report("Old but news", "2026-03-20", "news: true\n"));
        await host.Get<SendBatchQueue>().DrainAsync((m, t) => host.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);
        for (var at = Now.AddHours(1); at <= Now.AddDays(1).AddHours(2); at = at.AddHours(1))
        {
            host.Time.SetUtcNow(at);
            await host.Get<HourPassed>().RunDueAsync(at, Ct);
        }

        var mails = sendGrid.Accepted.Select(r => (To: string.Join(",", r.Recipients),
            Text: r.Body.GetProperty("subject").GetString() + r.Body.GetProperty("content")[0].GetProperty("value").GetString())).ToList();
        Assert.DoesNotContain(mails, m => m.Text.Contains("Old session alert", StringComparison.Ordinal));
        Assert.Contains(mails, m => m.To == "instant@customs.example" && m.Text.Contains("Old but news", StringComparison.Ordinal));
        Assert.Contains(mails, m => m.To == "daily@customs.example" && m.Text.Contains("Old but news", StringComparison.Ordinal));
    }

    [Fact]
    public void APastedPageCanSayNewsTrueInAFrontMatterBlockAndIsStillReadAsPastedText()
    {
        var topics = Microsoft.Extensions.Options.Options.Create(new Notifications.Topics.TopicOptions());
        var parser = new ArticleParser(new HtmlArticleReader(), new TopicClassifier(topics), new Notifications.Topics.TopicCatalog(topics.Value.Topics),
            Microsoft.Extensions.Options.Options.Create(new ArticleOptions()));
        var pasted = File.ReadAllText(Path.Combine(Repository.Root, "tests", "Notifications.Core.Tests", "Corpus", "ptc-239-240-pasted.txt"));

        var article = parser.Parse("ptc-239-240.txt", Encoding.UTF8.GetBytes("---\nnews: true\n---\n" + pasted));

        Assert.True(article.News);
        Assert.Equal(ArticleFormat.Text, article.Format);
        Assert.Equal("PTC held its 239th/240th sessions in Brussels", article.Title);
        Assert.DoesNotContain("About us", article.BodyHtml, StringComparison.Ordinal);
        Assert.Equal([239, 240], article.Session.Sessions);
    }
}
