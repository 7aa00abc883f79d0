using System.Text;
using Notifications.Articles;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Articles;

public sealed class ArticleRejectionNoticeTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Articles knows ids only through Mail's <c>IRecipientIds</c>: the notice still carries the id the address has as a subscriber.</summary>
    [Fact]
    public async Task TheEditorsNoticeGoesOutUnderTheIdTheirAddressHasAsASubscriber()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "rejection-notice-tests", Guid.NewGuid().ToString("N"));
        var settings = TestSettings.For(azurite, outbox);
        settings["Articles:EditorsEmail"] = "Editors@Secretariat.example";
        await using var host = await TestHost.StartAsync(settings);
        await host.Get<ArticlePublisher>().PublishAsync(
            "2026/untitled.md",
            new MemoryStream(Encoding.UTF8.GetBytes("---\ntopics: [e-commerce]\n---\nA body without a title.\n")),
            Ct);

        var result = await host.Get<ArticleIngestor>().IngestAsync("2026/untitled.md", Ct);

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        var notice = Assert.Single(Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories));
        var id = host.Get<SubscriberIds>().Of("editors@secretariat.example");
        Assert.Equal(id + ".eml", Path.GetFileName(notice));
        Assert.Equal($"{ArticleRejectionNotifier.Category}-{result.Article!.ContentHash[..12]}.{id}@outbox.local", OutboxMail.Read(notice).MessageId);
    }
}
