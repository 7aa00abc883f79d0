using System.Text;
using System.Text.Json;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// Publishing from the desk is the one path (the blob written, then what the blob trigger runs), and says what happened: accepted and
/// its alert's recipients, held until when, rejected with the report's message, line and hint, a correction not mailed again unless
/// resent; withdrawing, opening, test messages and where articles went. On Azurite.
/// </summary>
public sealed class ArticleDeskPublishingTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ArticleDraft Draft(string name, string title, string extra = "", string body = "The committee met and agreed its work programme.")
        => new(name, Encoding.UTF8.GetBytes(
            $"---\ntitle: {title}\ntopics: [e-commerce]\npublished: 2026-11-25\nurl: https://secretariat.example/news/x\n{extra}---\n{body}\n"));

    private async Task<TestHost> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = TestSettings.For(azurite);
        configure?.Invoke(settings);
        return await TestHost.StartAsync(settings, Morning);
    }

    private static async Task AddInstantAsync(TestHost host, params string[] emails)
    {
        foreach (var email in emails)
            await host.Get<SubscriberStore>().AddAsync(new NewSubscriber(email, "Reader", "Customs", Frequency: DigestFrequency.Instant), Ct);
    }

    /// <summary>The AlertDue function, when the group's wait for translations ends (Schedule:AlertGracePeriod, 10 minutes).</summary>
    private static async Task AlertDueAsync(TestHost host, string group)
    {
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.Get<AlertDue>().PlanAsync(new AlertDueMessage(group), Ct);
    }

    [Fact]
    public async Task PublishWritesTheBlobIngestsItAndSaysWhenTheAlertGoesAndHowManyItWasQueuedFor()
    {
        await using var host = await StartAsync();
        await AddInstantAsync(host, "a@customs.example", "b@customs.example");
        var draft = Draft("2026/ptc-243.en.md", "PTC closes its 243rd session", "colour: blue\n");

        var outcome = await host.Get<ArticleDesk>().PublishAsync(draft, Ct);
        var trigger = await host.Get<ArticlePublished>().IngestAsync(draft.BlobName, Ct);

        // The alert waits 10 minutes for translations.
        Assert.Equal((IngestOutcome.Accepted, (int?)null, (DateTimeOffset?)null), (outcome.Outcome, outcome.AlertRecipients, outcome.HeldUntil));
        Assert.Equal(Morning.AddMinutes(10), outcome.AlertWaitsUntil);
        await AlertDueAsync(host, "2026/ptc-243");
        Assert.Equal((false, false, (ArticleRejection?)null), (outcome.Correction, outcome.MailedAgain, outcome.Rejection));
        Assert.Contains(outcome.Warnings, w => w.Code == ArticleWarningCodes.UnknownField);
        Assert.Equal(ArticleStatus.Accepted, (await host.Get<ArticleIndex>().GetAsync(draft.BlobName, Ct))!.Value.Article.Status);
        Assert.Equal(IngestOutcome.Unchanged, trigger.Outcome);
        var run = await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Instant, DigestPeriod.Alert(outcome.Article!).Key, Ct);
        Assert.Equal(2, run!.RecipientCount);

        // A translation of an article whose alert has gone: accepted, and alerted at once to its language's readers only (none here).
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var translation = await host.Get<ArticleDesk>().PublishAsync(Draft("2026/ptc-243.fr.md", "Le CTP clôt sa 243e session", "language: fr\n"), Ct);
        Assert.Equal((IngestOutcome.Accepted, (int?)0, (DateTimeOffset?)null), (translation.Outcome, translation.AlertRecipients, translation.AlertWaitsUntil));
    }

    [Fact]
    public async Task PublishSaysHeldUntilAFuturePublishedDateWithNoAlertYet()
    {
        await using var host = await StartAsync();
        await AddInstantAsync(host, "a@customs.example");

        var outcome = await host.Get<ArticleDesk>().PublishAsync(new ArticleDraft("2026/later.en.md",
            Encoding.UTF8.GetBytes("---\ntitle: Later\npublished: 2026-12-01T09:00:00+01:00\n---\nText.\n")), Ct);

        Assert.Equal(IngestOutcome.Accepted, outcome.Outcome);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), outcome.HeldUntil);
        Assert.Null(outcome.AlertRecipients);
    }

    [Fact]
    public async Task PublishOfARejectedFileGivesTheRejectionReportsMessageLineAndHint()
    {
        await using var host = await StartAsync();

        var outcome = await host.Get<ArticleDesk>().PublishAsync(
            new ArticleDraft("2026/bad.en.md", Encoding.UTF8.GetBytes("---\ntitle: T\nalert: maybe\n---\nText.\n")), Ct);

        var report = JsonDocument.Parse((await host.Get<StorageResources>().RejectedArticles.GetBlobClient("2026/bad.en.md.rejected.json")
            .DownloadContentAsync(Ct)).Value.Content.ToString()).RootElement;
        Assert.Equal(IngestOutcome.Rejected, outcome.Outcome);
        Assert.Equal(report.GetProperty("message").GetString(), outcome.Rejection!.Message);
        Assert.Equal(report.GetProperty("line").GetInt32(), outcome.Rejection.Line);
        Assert.Equal(report.GetProperty("hint").GetString(), outcome.Rejection.Hint);
        Assert.Equal("alert 'maybe' is not true or false.", outcome.Rejection.Message);
        Assert.Empty(outcome.Warnings);
    }

    [Fact]
    public async Task ACorrectionIsNotMailedAgainUnlessItSaysResend()
    {
        await using var host = await StartAsync();
        await AddInstantAsync(host, "a@customs.example");
        var desk = host.Get<ArticleDesk>();
        await desk.PublishAsync(Draft("2026/ptc.en.md", "PTC closes"), Ct);
        await AlertDueAsync(host, "2026/ptc");
        host.Time.Advance(TimeSpan.FromHours(1));

        var quiet = await desk.PublishAsync(Draft("2026/ptc.en.md", "PTC closes", body: "Corrected: the committee met for three days."), Ct);
        var resent = await desk.PublishAsync(Draft("2026/ptc.en.md", "PTC closes", "resend: true\n", "Corrected twice."), Ct);

        Assert.Equal((IngestOutcome.Updated, true, false, (int?)null), (quiet.Outcome, quiet.Correction, quiet.MailedAgain, quiet.AlertRecipients));
        Assert.Equal((IngestOutcome.Updated, true, true, (int?)1), (resent.Outcome, resent.Correction, resent.MailedAgain, resent.AlertRecipients));
    }

    [Fact]
    public async Task WithdrawDeletesTheFileAndIngestsTheDeletion()
    {
        await using var host = await StartAsync();
        var desk = host.Get<ArticleDesk>();
        await desk.PublishAsync(Draft("2026/oops.en.md", "Oops"), Ct);

        var withdrawn = await desk.WithdrawAsync("2026/oops.en.md", Ct);
        var missing = await desk.WithdrawAsync("2026/never.en.md", Ct);

        Assert.Equal(IngestOutcome.Withdrawn, withdrawn.Outcome);
        Assert.Equal(ArticleStatus.Withdrawn, withdrawn.Article!.Status);
        Assert.False(await host.Get<StorageResources>().Articles.GetBlobClient("2026/oops.en.md").ExistsAsync(Ct));
        Assert.Equal(IngestOutcome.Missing, missing.Outcome);
        await Assert.ThrowsAsync<ArgumentException>(() => desk.WithdrawAsync("../oops.en.md", Ct));
    }

    [Fact]
    public async Task OpenGivesTheStoredBytesBoundedByMaxBytes()
    {
        await using var host = await StartAsync(s => s["Articles:MaxBytes"] = "200");
        var desk = host.Get<ArticleDesk>();
        var draft = Draft("2026/ptc.en.md", "PTC");
        await desk.PublishAsync(draft, Ct);
        await host.Get<ArticlePublisher>().PublishAsync("2026/big.en.md", new MemoryStream(new byte[201]), Ct);

        Assert.Equal(draft.Content, (await desk.OpenAsync("2026/ptc.en.md", Ct))!.Content);
        Assert.Null(await desk.OpenAsync("2026/none.en.md", Ct));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => desk.OpenAsync("2026/big.en.md", Ct));
        Assert.Contains("Articles:MaxBytes (200 bytes)", e.Message);
    }

    [Fact]
    public async Task SendTestMailsOneMessageToTheEditorOnlyAndAtMostTenAnHour()
    {
        var sendGrid = await FakeSendGrid.StartAsync();
        await using var _ = sendGrid;
        await using var host = await StartAsync(s => s.WithSendGrid(sendGrid));
        await AddInstantAsync(host, "subscriber@customs.example");
        var desk = host.Get<ArticleDesk>();
        var draft = Draft("2026/ptc.ru.md", "ПТК завершил сессию", "language: ru\n");

        var id = await desk.SendTestAsync(draft, alert: true, "ru", "Press@Secretariat.example", Ct);

        var request = Assert.Single(sendGrid.Requests);
        var message = Assert.Single(request.Delivered);
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal("press@secretariat.example", message.To);
        Assert.Contains("ПТК завершил сессию", message.Html);
        Assert.Contains("Дильноза Каримова", message.Text);
        Assert.Contains("send-test", request.Body.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Empty(await host.Get<ArticleIndex>().ListAsync(ct: Ct));

        for (var i = 1; i < SendTestLimit.PerHour; i++)
            await desk.SendTestAsync(draft, alert: false, "en", "press@secretariat.example", Ct);
        var refused = await Assert.ThrowsAsync<SendTestLimitException>(() => desk.SendTestAsync(draft, false, "en", "press@secretariat.example", Ct));
        Assert.Contains("At most 10 test messages an hour", refused.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => desk.SendTestAsync(draft, false, "de", "press@secretariat.example", Ct));
        host.Time.Advance(TimeSpan.FromHours(1));
        await desk.SendTestAsync(draft, alert: false, "fr", "press@secretariat.example", Ct);
        Assert.Equal(SendTestLimit.PerHour + 1, sendGrid.Requests.Count);
    }

    [Fact]
    public async Task TrailsNameTheAlertAndTheDigestRunsThatCarriedAnArticle()
    {
        await using var host = await StartAsync();
        await AddInstantAsync(host, "instant@customs.example");
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("daily@customs.example", "Reader", "Customs"), Ct);
        var desk = host.Get<ArticleDesk>();
        var published = await desk.PublishAsync(Draft("2026/ptc.en.md", "PTC closes"), Ct);
        await desk.PublishAsync(Draft("2026/ptc.fr.md", "Le CTP clôt", "language: fr\n"), Ct);
        await AlertDueAsync(host, "2026/ptc"); // within the grace: one alert for both
        await host.Get<SendBatchQueue>().DrainAsync(async (m, token) => await host.Get<BatchDue>().SendAsync(m, token), TimeSpan.FromMinutes(5), Ct);
        host.Time.Advance(TimeSpan.FromHours(2));
        var daily = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        var trails = await desk.TrailsAsync(Ct);

        var en = trails["2026/ptc.en.md"];
        Assert.Equal([daily.RunId, DigestPeriod.Alert(published.Article!).RunId], en.Select(t => t.RunId));
        Assert.Equal((DigestFrequency.Daily, false, 1), (en[0].Frequency, en[0].Alert, en[0].Recipients));
        Assert.Equal((DigestFrequency.Instant, true, 1, DigestRunStatus.Completed), (en[1].Frequency, en[1].Alert, en[1].Recipients, en[1].Status));
        Assert.Equal([DigestPeriod.Alert(published.Article!).RunId], trails["2026/ptc.fr.md"].Where(t => t.Alert).Select(t => t.RunId));
    }

    [Fact]
    public async Task TheTrailsReadRightAfterPublishingShowTheAlertItQueued()
    {
        // An alert queued by the publication itself: without a wait for translations.
        await using var host = await StartAsync(s => s["Schedule:AlertGracePeriod"] = "00:00:00");
        await AddInstantAsync(host, "instant@customs.example");
        var desk = host.Get<ArticleDesk>();
        Assert.Empty(await desk.TrailsAsync(Ct));

        var published = await desk.PublishAsync(Draft("2026/ptc-244.en.md", "PTC opens its 244th session"), Ct);
        var trails = await desk.TrailsAsync(Ct);

        Assert.Equal([DigestPeriod.Alert(published.Article!).RunId], trails["2026/ptc-244.en.md"].Select(t => t.RunId));
    }
}
