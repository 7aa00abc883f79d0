using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// A withdrawal stops mail not yet sent, and a correction that asks to be resent reaches instant subscribers: on Azurite and a strict
/// SendGrid-compatible endpoint, through the queue as the SendBatch function (and <c>notify deliver</c>) sends it.
/// </summary>
public sealed class WithdrawalAndCorrectionTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Md(string title, string extra = "")
        => $"---\ntitle: {title}\ntopics: [e-commerce]\n{extra}---\nThe committee met and agreed its work programme.\n";

    private async Task<(TestHost Host, FakeSendGrid SendGrid)> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:RequestsPerSecond"] = "0";
        // What happens to an alert once it is queued: no wait for translations here (TranslationAlertTests has that).
        settings["Schedule:AlertGracePeriod"] = "00:00:00";
        configure?.Invoke(settings);
        return (await TestHost.StartAsync(settings, Morning), sendGrid);
    }

    /// <summary>What the blob trigger does with a file: ingest it and plan its alert.</summary>
    private static async Task<IngestResult> PublishAsync(TestHost host, string name, string content)
    {
        await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct);
        return await host.Get<ArticlePublished>().IngestAsync(name, Ct);
    }

    /// <summary>What the SendBatch function (and <c>notify deliver</c>) does: every queued batch, one at a time.</summary>
    private static async Task<List<BatchResult>> DeliverAsync(TestHost host)
    {
        var results = new List<BatchResult>();
        await host.Get<SendBatchQueue>().DrainAsync(async (message, token) =>
        {
            if (await host.Get<BatchDue>().SendAsync(message, token) is { } r) results.Add(r);
        }, TimeSpan.FromMinutes(5), Ct);
        return results;
    }

    [Fact]
    public async Task AlertQueuedForAnArticleWithdrawnBeforeItWasSentIsCancelledAndNeverSent()
    {
        var (host, sendGrid) = await StartAsync();
        await using var _ = sendGrid;
        await using var __ = host;
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("instant@customs.example", "Instant", "Customs", Frequency: DigestFrequency.Instant), Ct);
        var published = await PublishAsync(host, "oops.md", Md("A report published by mistake"));
        var runId = DigestPeriod.Alert(published.Article!).RunId;

        // The editor deletes the file; `notify articles reingest` withdraws it. Then the queued alert comes up.
        await host.Get<StorageResources>().Articles.GetBlobClient("oops.md").DeleteAsync(cancellationToken: Ct);
        Assert.Equal(IngestOutcome.Withdrawn, Assert.Single(await host.Get<ArticleIngestor>().ReingestAsync(all: false, Ct)).Outcome);
        var delivered = await DeliverAsync(host);
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.Get<HourPassed>().RunDueAsync(ct: Ct);   // the hourly tick does not alert it either

        Assert.Empty(sendGrid.Requests);
        var cancelled = Assert.Single(delivered);
        Assert.Equal(BatchOutcome.Cancelled, cancelled.Outcome);
        Assert.Equal("not sent: its article oops.md was withdrawn before it was sent", cancelled.Error);
        var status = (await host.Get<DigestRunner>().StatusAsync(runId, ct: Ct))!;
        Assert.Equal(DigestRunStatus.Completed, status.Run.Status);
        Assert.Equal(BatchStatus.Cancelled, Assert.Single(status.Batches.Keys));
        var batch = Assert.Single(status.Problems);
        Assert.Equal((BatchStatus.Cancelled, cancelled.Error), (batch.Status, batch.Error));
        // Its addresses are dropped, as for a sent batch.
        Assert.Null((await host.Get<DeliveryLedger>().GetAsync(runId, status.Run.PlanId, batch.BatchId, Ct))!.Planned);
    }

    [Fact]
    public async Task DeletingTheFileAloneIsEnoughToStopItsQueuedAlert()
    {
        var (host, sendGrid) = await StartAsync();
        await using var _ = sendGrid;
        await using var __ = host;
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("instant@customs.example", "Instant", "Customs", Frequency: DigestFrequency.Instant), Ct);
        await PublishAsync(host, "oops.md", Md("A report published by mistake"));

        await host.Get<StorageResources>().Articles.GetBlobClient("oops.md").DeleteAsync(cancellationToken: Ct);
        var delivered = await DeliverAsync(host);

        Assert.Empty(sendGrid.Requests);
        Assert.Equal(BatchOutcome.Cancelled, Assert.Single(delivered).Outcome);
        Assert.Equal(ArticleStatus.Withdrawn, (await host.Get<ArticleIndex>().GetAsync("oops.md", Ct))!.Value.Article.Status);
    }

    [Fact]
    public async Task FailedAlertOfAnArticleWithdrawnSinceIsCancelledWhenTheRunIsResumed()
    {
        var (host, sendGrid) = await StartAsync();
        await using var _ = sendGrid;
        await using var __ = host;
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("instant@customs.example", "Instant", "Customs", Frequency: DigestFrequency.Instant), Ct);
        sendGrid.EnqueueAnswer(400, "Bad request");
        var published = await PublishAsync(host, "oops.md", Md("A report published by mistake"));
        Assert.Equal(BatchOutcome.Failed, Assert.Single(await DeliverAsync(host)).Outcome);

        await host.Get<StorageResources>().Articles.GetBlobClient("oops.md").DeleteAsync(cancellationToken: Ct);
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.Get<HourPassed>().RunDueAsync(ct: Ct);   // the hourly tick
        var resumed = await host.Get<DigestRunner>().ResumeAsync(DigestPeriod.Alert(published.Article!).RunId, resendUncertain: false, Ct);

        Assert.Single(sendGrid.Requests);   // the refused one, and nothing since
        Assert.Equal((DigestRunStatus.Completed, 1), (resumed.Status, resumed.BatchesCancelled));
    }

    [Fact]
    public async Task DigestBatchesRenderedWithAWithdrawnArticleSendOneRenderingWithoutIt()
    {
        var (host, sendGrid) = await StartAsync(s => s["Delivery:BatchSize"] = "1");
        await using var _ = sendGrid;
        await using var __ = host;
        await host.Get<SubscriberStore>().UpsertManyAsync([new("a@customs.example", "A", "Customs"), new("b@customs.example", "B", "Customs")], Ct);
        await PublishAsync(host, "keep.md", Md("A report that stays"));
        await PublishAsync(host, "oops.md", Md("A report published by mistake"));
        host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        // 08:00 UTC: the hourly timer plans today's digest (two batches of one, one rendering) and queues it.
        var run = Assert.Single(await host.Get<HourPassed>().PlanDueAsync(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), Ct),
            r => r.PlannedRecipients > 0);
        Assert.Equal((2, 2), (run.Articles, run.Batches));

        await host.Get<StorageResources>().Articles.GetBlobClient("oops.md").DeleteAsync(cancellationToken: Ct);
        // Two workers take the two batches at the same moment.
        var (frequency, key) = DigestPeriod.ParseRunId(run.RunId);
        var planId = (await host.Get<DigestRunStore>().GetAsync(frequency, key, Ct))!.PlanId;
        var batches = await host.Get<DeliveryLedger>().ListAsync(run.RunId, planId, Ct);
        var results = await Task.WhenAll(batches.Select(b => host.Get<BatchDue>().SendAsync(new SendBatchMessage(run.RunId, planId, b.BatchId), Ct)));

        Assert.All(results, r => Assert.Equal(BatchOutcome.Sent, r!.Outcome));
        var mails = sendGrid.Accepted.SelectMany(r => r.Delivered).ToList();
        Assert.Equal(["a@customs.example", "b@customs.example"], mails.Select(m => m.To).Order());
        Assert.All(mails, m => Assert.Contains("A report that stays", m.Text));
        Assert.All(mails, m => Assert.DoesNotContain("A report published by mistake", m.Text + m.Html + m.Subject));
        // One new rendering, archived next to the first, with what it carries.
        var folders = new List<string>();
        await foreach (var blob in host.Get<StorageResources>().Digests.GetBlobsAsync(
                           Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, run.RunId + "/", Ct))
            folders.Add(blob.Name.Split('/')[1]);
        var again = Assert.Single(folders.Distinct(), f => f != "en");
        Assert.Matches("^en-w[0-9a-f]{8}$", again);
        Assert.Equal(["keep.md"], (await host.Get<DigestArchive>().LoadRenderingAsync(run.RunId, again, Ct))!.Articles.Select(a => a.BlobName));
        Assert.Equal(2, sendGrid.Accepted.Select(r => r.Body.GetProperty("content")[0].GetProperty("value").GetString()).Count());
        Assert.Single(sendGrid.Accepted.Select(r => r.Body.GetProperty("content")[0].GetProperty("value").GetString()).Distinct());
        Assert.Equal(DigestRunStatus.Completed, (await host.Get<DigestRunStore>().GetAsync(frequency, key, Ct))!.Status);
    }

    [Fact]
    public async Task DigestBatchWhoseEveryArticleWasWithdrawnIsCancelled()
    {
        var (host, sendGrid) = await StartAsync();
        await using var _ = sendGrid;
        await using var __ = host;
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("daily@customs.example", "Daily", "Customs"), Ct);
        await PublishAsync(host, "oops.md", Md("A report published by mistake"));
        host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        var run = Assert.Single(await host.Get<HourPassed>().PlanDueAsync(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), Ct),
            r => r.PlannedRecipients > 0);

        await host.Get<StorageResources>().Articles.GetBlobClient("oops.md").DeleteAsync(cancellationToken: Ct);
        var delivered = await DeliverAsync(host);

        Assert.Empty(sendGrid.Requests);
        Assert.Equal(BatchOutcome.Cancelled, Assert.Single(delivered).Outcome);
        Assert.Equal(DigestRunStatus.Completed, (await host.Get<DigestRunner>().StatusAsync(run.RunId, ct: Ct))!.Run.Status);
    }

    [Fact]
    public async Task CorrectionThatAsksToBeResentAlertsInstantSubscribersOncePerCorrectedVersion()
    {
        var (host, sendGrid) = await StartAsync();
        await using var _ = sendGrid;
        await using var __ = host;
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new("en@customs.example", "En", "Customs", "en", DigestFrequency.Instant),
            new("ru@customs.example", "Ru", "Customs", "ru", DigestFrequency.Instant),
            new("fr@customs.example", "Fr", "Customs", "fr", DigestFrequency.Instant),
            new("daily@customs.example", "Daily", "Customs"),
        ], Ct);
        await PublishAsync(host, "ptc.md", Md("PTC closes its 241st session"));
        await DeliverAsync(host);
        Assert.Equal(3, sendGrid.Accepted.SelectMany(r => r.Delivered).Count());

        host.Time.Advance(TimeSpan.FromMinutes(30));
        var corrected = await PublishAsync(host, "ptc.md", Md("PTC closes its 241st and 242nd sessions", "resend: true\n"));
        // The trigger fires twice for the same upload, and the hourly tick meets it too: one alert all the same.
        Assert.Equal(IngestOutcome.Unchanged, (await host.Get<ArticlePublished>().IngestAsync("ptc.md", Ct)).Outcome);
        await host.Get<ArticlePublished>().AlertAsync(corrected.Article!, Ct);
        await DeliverAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(20));
        await host.Get<HourPassed>().RunDueAsync(ct: Ct);

        Assert.Equal(IngestOutcome.Updated, corrected.Outcome);
        var corrections = sendGrid.Accepted.SelectMany(r => r.Delivered).Skip(3).ToList();
        Assert.Equal(["en@customs.example", "fr@customs.example", "ru@customs.example"], corrections.Select(m => m.To).Order());
        Assert.Equal("Correction: PTC closes its 241st and 242nd sessions", corrections.Single(m => m.To == "en@customs.example").Subject);
        Assert.Equal("Исправление: PTC closes its 241st and 242nd sessions", corrections.Single(m => m.To == "ru@customs.example").Subject);
        Assert.Equal("Rectificatif\u00A0: PTC closes its 241st and 242nd sessions", corrections.Single(m => m.To == "fr@customs.example").Subject);
        Assert.Contains("Correction: PTC closes its 241st and 242nd sessions", corrections.Single(m => m.To == "en@customs.example").Html);
        Assert.Contains("A report we alerted you to has been corrected.", corrections.Single(m => m.To == "en@customs.example").Text);

        // Corrected again without resend: true: no alert.
        await PublishAsync(host, "ptc.md", Md("PTC closes its 241st and 242nd sessions (typo fixed)"));
        await DeliverAsync(host);
        Assert.Equal(6, sendGrid.Accepted.SelectMany(r => r.Delivered).Count());
    }

    [Fact]
    public async Task RejectedFileUploadedAgainUnchangedIsStillRejectedAndTheEditorIsToldOnce()
    {
        var outbox = Path.Combine(Path.GetTempPath(), "withdrawal-tests", Guid.NewGuid().ToString("N"));
        var settings = TestSettings.For(azurite, outbox);
        settings["Articles:EditorsEmail"] = "editors@secretariat.example";
        await using var host = await TestHost.StartAsync(settings, Morning);

        var first = await PublishAsync(host, "bad.md", "---\nsummary: no title\n---\nBody.\n");
        var again = await PublishAsync(host, "bad.md", "---\nsummary: no title\n---\nBody.\n");

        Assert.Equal(IngestOutcome.Rejected, first.Outcome);
        Assert.Equal((IngestOutcome.Unchanged, ArticleStatus.Rejected, "missing-title"), (again.Outcome, again.Article!.Status, again.Article.Rejection!.Code));
        Assert.Single(Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories));
    }
}
