using System.Text;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Articles;

/// <summary>What happens to an article between ingestion and the digests: drafts, holds, corrections, deletions, duplicates, notices.</summary>
public sealed class ArticleLifecycleTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Md(string title, string extra = "") => $"---\ntitle: {title}\n{extra}---\nThe committee met and agreed its work programme.\n";

    private static async Task<IngestResult> PublishAsync(TestHost host, string name, string content)
    {
        await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct);
        return await host.Get<ArticleIngestor>().IngestAsync(name, Ct);
    }

    private async Task<TestHost> HostWithOneSubscriberAsync(Dictionary<string, string?>? settings = null)
    {
        var host = await TestHost.StartAsync(settings ?? TestSettings.For(azurite), Morning);
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HMRC"), Ct);
        return host;
    }

    /// <summary>Runs today's daily digest an hour later and returns the titles it mailed (from the archived digest).</summary>
    private static async Task<IReadOnlyList<string>> NextDailyTitlesAsync(TestHost host, params string[] candidates)
    {
        host.Time.Advance(TimeSpan.FromDays(1));
        var result = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        if (result.Articles == 0) return [];
        var text = (await host.Get<DigestArchive>().LoadAsync(result.RunId, ct: Ct))!.Text;
        return candidates.Where(text.Contains).ToList();
    }

    [Fact]
    public async Task DraftIsNeverSentUntilTheDraftFlagGoes()
    {
        await using var host = await HostWithOneSubscriberAsync();
        var draft = await PublishAsync(host, "hs.md", Md("Harmonized System Committee report", "draft: true\n"));
        Assert.Equal(IngestOutcome.Draft, draft.Outcome);
        Assert.Empty(await NextDailyTitlesAsync(host, "Harmonized System Committee report"));

        var ready = await PublishAsync(host, "hs.md", Md("Harmonized System Committee report"));

        Assert.Equal(IngestOutcome.Accepted, ready.Outcome);
        Assert.Equal(["Harmonized System Committee report"], await NextDailyTitlesAsync(host, "Harmonized System Committee report"));
    }

    [Fact]
    public async Task ArticleWithAFuturePublicationDateIsHeldUntilThen()
    {
        await using var host = await HostWithOneSubscriberAsync();
        var held = await PublishAsync(host, "announcement.md", Md("Announcement of the 243rd session", "published: 2026-11-28T05:00:00Z\n"));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero), held.Article!.AvailableAt);

        Assert.Empty(await NextDailyTitlesAsync(host, "Announcement of the 243rd session"));            // 27 Nov
        Assert.Equal(["Announcement of the 243rd session"], await NextDailyTitlesAsync(host, "Announcement of the 243rd session")); // 28 Nov
        Assert.Empty(await NextDailyTitlesAsync(host, "Announcement of the 243rd session"));            // 29 Nov
    }

    [Fact]
    public async Task CorrectedArticleIsNotSentAgainUnlessTheEditorAsks()
    {
        await using var host = await HostWithOneSubscriberAsync();
        await PublishAsync(host, "ptc.md", Md("PTC closes its 241st session"));
        Assert.Equal(["PTC closes its 241st session"], await NextDailyTitlesAsync(host, "PTC closes its 241st session"));

        var corrected = await PublishAsync(host, "ptc.md", Md("PTC closes its 241st and 242nd sessions"));
        Assert.Equal(IngestOutcome.Updated, corrected.Outcome);
        Assert.Equal("PTC closes its 241st and 242nd sessions", (await host.Get<ArticleIndex>().GetAsync("ptc.md", Ct))!.Value.Article.Title);
        Assert.Empty(await NextDailyTitlesAsync(host, "PTC closes its 241st and 242nd sessions"));

        await PublishAsync(host, "ptc.md", Md("PTC closes its 241st and 242nd sessions (corrected dates)", "resend: true\n"));
        Assert.Equal(["PTC closes its 241st and 242nd sessions (corrected dates)"],
            await NextDailyTitlesAsync(host, "PTC closes its 241st and 242nd sessions (corrected dates)"));
    }

    [Fact]
    public async Task DeletedFileIsWithdrawnFromDigestsNotYetSent()
    {
        await using var host = await HostWithOneSubscriberAsync();
        await PublishAsync(host, "keep.md", Md("A report that stays"));
        await PublishAsync(host, "oops.md", Md("A report published by mistake"));

        await host.Get<StorageResources>().Articles.GetBlobClient("oops.md").DeleteAsync(cancellationToken: Ct);
        var titles = await NextDailyTitlesAsync(host, "A report that stays", "A report published by mistake");

        Assert.Equal(["A report that stays"], titles);
        Assert.Equal(ArticleStatus.Withdrawn, (await host.Get<ArticleIndex>().GetAsync("oops.md", Ct))!.Value.Article.Status);
    }

    [Fact]
    public async Task DeletionEventWithdrawsTheArticle()
    {
        await using var host = await HostWithOneSubscriberAsync();
        await PublishAsync(host, "oops.md", Md("A report published by mistake"));
        await host.Get<StorageResources>().Articles.GetBlobClient("oops.md").DeleteAsync(cancellationToken: Ct);

        var result = await host.Get<ArticleIngestor>().IngestAsync("oops.md", Ct);

        Assert.Equal(IngestOutcome.Withdrawn, result.Outcome);
        Assert.Null(result.Article!.AvailableAt);
    }

    [Fact]
    public async Task SameContentUnderTwoNamesIsMailedOnce()
    {
        await using var host = await HostWithOneSubscriberAsync();
        var first = await PublishAsync(host, "2026/ptc.md", Md("PTC closes its 241st session"));
        var copy = await PublishAsync(host, "copies/ptc (1).md", Md("PTC closes its 241st session"));

        Assert.Equal(IngestOutcome.Accepted, first.Outcome);
        Assert.Equal((IngestOutcome.Duplicate, "2026/ptc.md"), (copy.Outcome, copy.Article!.DuplicateOf));
        host.Time.Advance(TimeSpan.FromDays(1));
        var digest = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        Assert.Equal(1, digest.Articles);
    }

    [Fact]
    public async Task CopyTakesOverWhenTheOriginalChangesItsContent()
    {
        await using var host = await HostWithOneSubscriberAsync();
        await PublishAsync(host, "a.md", Md("Same text"));
        Assert.Equal(IngestOutcome.Duplicate, (await PublishAsync(host, "b.md", Md("Same text"))).Outcome);

        await PublishAsync(host, "a.md", Md("The original became another report"));
        var again = await PublishAsync(host, "b.md", Md("Same text") + "\n");   // the copy is touched again (new bytes)
        var reclaimed = await host.Get<ArticleIndex>().ClaimContentAsync(
            (await host.Get<ArticleIndex>().GetAsync("b.md", Ct))!.Value.Article.ContentHash, "b.md", Ct);

        Assert.Equal(IngestOutcome.Accepted, again.Outcome);
        Assert.Equal("b.md", reclaimed);
    }

    [Fact]
    public async Task RejectionIsMailedToTheEditorNamedInTheFrontMatter()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "lifecycle-tests", Guid.NewGuid().ToString("N"));
        var settings = TestSettings.For(azurite, outbox);
        settings["Articles:EditorsEmail"] = "editors@secretariat.example";
        await using var host = await HostWithOneSubscriberAsync(settings);

        await PublishAsync(host, "bad.md", "---\ntitle: A report\npublished: 2026-02-30\neditor: A.Press@Secretariat.example\n---\nBody.\n");
        await PublishAsync(host, "worse.md", "---\nsummary: no title and no editor\n---\nBody.\n");

        var notices = OutboxMail.ReadAll(outbox);
        Assert.Equal(2, notices.Count);
        var toPress = Assert.Single(notices, n => n.Recipient() == ("Editor", "a.press@secretariat.example"));
        Assert.Equal("Article not published: bad.md (invalid-published)", toPress.Subject);
        Assert.Single(notices, n => n.Recipient() == ("Editor", "editors@secretariat.example") && (n.Subject ?? "").Contains("(missing-title)"));
    }

    [Fact]
    public async Task RejectionWithNobodyToTellIsStillRecorded()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "lifecycle-tests", Guid.NewGuid().ToString("N"));
        await using var host = await HostWithOneSubscriberAsync(TestSettings.For(azurite, outbox));

        var result = await PublishAsync(host, "bad.md", "---\nsummary: no title\n---\nBody.\n");

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        Assert.True(await host.Get<StorageResources>().RejectedArticles.GetBlobClient("bad.md.rejected.json").ExistsAsync(Ct));
        Assert.False(Directory.Exists(outbox));
    }

    [Fact]
    public async Task ReingestProcessesWhatTheTriggerMissedAndWithdrawsDeletedFiles()
    {
        await using var host = await HostWithOneSubscriberAsync();
        var storage = host.Get<StorageResources>();
        await PublishAsync(host, "known.md", Md("Known report"));
        await PublishAsync(host, "deleted.md", Md("Deleted report"));
        await storage.Articles.GetBlobClient("deleted.md").DeleteAsync(cancellationToken: Ct);
        // Two files arrive while the trigger is down.
        await host.Get<ArticlePublisher>().PublishAsync("missed.md", new MemoryStream(Encoding.UTF8.GetBytes(Md("Missed report"))), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("missed-bad.md", new MemoryStream(Encoding.UTF8.GetBytes("---\nsummary: x\n---\n")), Ct);

        var results = await host.Get<ArticleIngestor>().ReingestAsync(all: false, Ct);

        Assert.Equal(
            [("deleted.md", IngestOutcome.Withdrawn), ("missed-bad.md", IngestOutcome.Rejected), ("missed.md", IngestOutcome.Accepted)],
            results.Select(r => (r.BlobName, r.Outcome)).OrderBy(r => r.BlobName));
        Assert.Empty(await host.Get<ArticleIngestor>().ReingestAsync(all: false, Ct));
        Assert.All(await host.Get<ArticleIngestor>().ReingestAsync(all: true, Ct), r => Assert.Equal(IngestOutcome.Unchanged, r.Outcome));
    }
}
