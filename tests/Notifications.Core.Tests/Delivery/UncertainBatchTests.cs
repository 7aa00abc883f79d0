using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// Uncertain batches are decided by evidence: SendGrid's signed events (the fake posts a <c>processed</c> per recipient of every
/// request it accepted), the Email Activity API, or silence past <c>Delivery:UncertainQuietPeriod</c>. 5 subscribers in batches of 2;
/// the first batch's sender dies before or after its request left.
/// </summary>
public sealed class UncertainBatchTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private const string Run = "daily-2026-11-26";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Setup(FakeSendGrid SendGrid, Dictionary<string, string?> Settings) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => SendGrid.DisposeAsync();
    }

    private async Task<Setup> SetupAsync(bool webhook = true, bool autoResend = false, bool emailActivity = false)
    {
        var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        if (webhook) settings.WithEventWebhook(sendGrid);
        settings["Delivery:BatchSize"] = "2";
        settings["Delivery:RequestsPerSecond"] = "0";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.010";
        settings["Delivery:UncertainQuietPeriod"] = "01:00:00";
        settings["Delivery:ResendUncertainAfterQuietPeriod"] = autoResend ? "true" : "false";
        settings["SendGrid:EmailActivityApi"] = emailActivity ? "true" : "false";
        await using var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 5).Select(i =>
            new NewSubscriber($"official{i:D2}@customs.example", $"Official {i}", "Customs Administration")), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        return new Setup(sendGrid, settings);
    }

    /// <summary>A process at 07:00 + <paramref name="after"/> on the same storage.</summary>
    private static Task<TestHost> At(Setup s, TimeSpan after, Action<IServiceCollection>? configure = null)
        => TestHost.StartAsync(s.Settings, Morning + TimeSpan.FromHours(1) + after, configure);

    /// <summary>The first process sends the run and dies on its first batch, before or after SendGrid accepted its request.</summary>
    private static async Task CrashOnTheFirstBatchAsync(Setup s, bool afterTheRequestLeft)
    {
        await using var first = await At(s, TimeSpan.Zero, services => services.AddSingleton<IMailTransport>(sp => afterTheRequestLeft
            ? new DiesAfterTheRequest(sp.GetRequiredService<SendGridTransport>())
            : new DiesBeforeTheRequest()));
        await Assert.ThrowsAsync<ProcessDiedException>(() => first.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct));
        Assert.Equal(afterTheRequestLeft ? 1 : 0, s.SendGrid.Accepted.Count);
    }

    /// <summary>A later process goes through the run (what `notify digest resume` and the ticks' revisits do: no admin decision).</summary>
    private static async Task<DigestRunResult> RevisitAsync(Setup s, TimeSpan after, bool postEvents = true)
    {
        await using var host = await At(s, after);
        var result = await host.Get<DigestRunner>().ResumeAsync(Run, resendUncertain: false, Ct);
        if (postEvents && s.Settings.ContainsKey("SendGrid:WebhookPublicKey"))
            await s.SendGrid.PostEventsAsync(host);
        return result;
    }

    private static async Task<DeliveryBatch> FirstBatchAsync(Setup s)
    {
        await using var host = await At(s, TimeSpan.FromDays(1));
        var run = (await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, "2026-11-26", Ct))!;
        return (await host.Get<DeliveryLedger>().GetAsync(Run, run.PlanId, "b00000", Ct))!;
    }

    private static async Task<DigestRunStatusReport> StatusAsync(Setup s, TimeSpan after)
    {
        await using var host = await At(s, after);
        return (await host.Get<DigestRunner>().StatusAsync(Run, ct: Ct))!;
    }

    private static (int Delivered, int Duplicates) Deliveries(Setup s)
    {
        var recipients = s.SendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        return (recipients.Distinct().Count(), recipients.Count - recipients.Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ACrashAfterTheRequestLeftIsResolvedSentByTheWebhookAndNeverResent(bool autoResend)
    {
        await using var s = await SetupAsync(autoResend: autoResend);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: true);

        // Past the lease: Uncertain, the others sent; then SendGrid's events for everything it accepted arrive.
        var revisit = await RevisitAsync(s, TimeSpan.FromMinutes(15));
        Assert.Equal((1, 2), (revisit.BatchesUncertain, revisit.BatchesSentNow));
        var batch = await FirstBatchAsync(s);
        Assert.Equal((BatchStatus.Sent, "processed"), (batch.Status, batch.Evidence?.Event));

        // Hours later, past any quiet period: nothing is resent, and the run completes.
        var later = await RevisitAsync(s, TimeSpan.FromHours(3));
        Assert.Equal((DigestRunStatus.Completed, 0, 3), (later.Status, later.BatchesSentNow, later.BatchesAlreadySent));
        Assert.Equal((5, 0), Deliveries(s));
        Assert.Equal(3, s.SendGrid.Accepted.Count);
    }

    [Fact]
    public async Task EventsOfMailSentBeforeBatchesNamedTheirPlanFindTheBatchOfTheRunsCurrentPlan()
    {
        await using var s = await SetupAsync();
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: true);
        Assert.Equal(1, (await RevisitAsync(s, TimeSpan.FromMinutes(15), postEvents: false)).BatchesUncertain);

        await using (var host = await At(s, TimeSpan.FromMinutes(20)))
            await s.SendGrid.PostEventsAsync(host, edit: e => e.Remove("plan_id"));

        Assert.Equal((BatchStatus.Sent, "processed"), ((await FirstBatchAsync(s)).Status, (await FirstBatchAsync(s)).Evidence?.Event));
        Assert.Equal(DigestRunStatus.Completed, (await RevisitAsync(s, TimeSpan.FromHours(3))).Status);
        Assert.Equal((5, 0), Deliveries(s));
    }

    [Fact]
    public async Task EvidenceThatArrivedBeforeTheBatchWasFoundAbandonedCountsWhenItIsRevisited()
    {
        await using var s = await SetupAsync(autoResend: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: true);
        await using (var soon = await At(s, TimeSpan.FromMinutes(1)))
        {
            await s.SendGrid.PostEventsAsync(soon);
            Assert.Equal(BatchStatus.Sending, (await FirstBatchAsync(s)).Status); // within the lease: its sender's, not the webhook's
        }

        var revisit = await RevisitAsync(s, TimeSpan.FromHours(2));

        Assert.Equal((DigestRunStatus.Completed, 0, 2), (revisit.Status, revisit.BatchesUncertain, revisit.BatchesSentNow));
        Assert.Equal((BatchStatus.Sent, "processed"), ((await FirstBatchAsync(s)).Status, (await FirstBatchAsync(s)).Evidence?.Event));
        Assert.Equal((5, 0), Deliveries(s));
    }

    [Fact]
    public async Task ACrashBeforeTheRequestLeftIsResentAfterTheQuietPeriodOnceAndOnlyOnce()
    {
        await using var s = await SetupAsync(autoResend: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: false);

        // Within the quiet period (claimed at 07:00, quiet until 08:00): uncertain, waiting.
        Assert.Equal(
            (1, 2),
            ((await RevisitAsync(s, TimeSpan.FromMinutes(15))).BatchesUncertain, (await RevisitAsync(s, TimeSpan.FromMinutes(16))).BatchesAlreadySent));
        var waiting = Assert.Single((await StatusAsync(s, TimeSpan.FromMinutes(30))).Uncertain!);
        Assert.Equal(UncertainVerdict.Waiting, waiting.Verdict);
        Assert.Contains("quiet since 2026-11-26 07:00:00Z; proposed for resend at 2026-11-26 08:00:00Z", waiting.Explanation, StringComparison.Ordinal);
        Assert.Equal(2, s.SendGrid.Accepted.Count);

        // Past it: resent, once, recorded on the batch and in each recipient's history.
        var resent = await RevisitAsync(s, TimeSpan.FromMinutes(70));
        var again = await RevisitAsync(s, TimeSpan.FromHours(5));

        Assert.Equal((DigestRunStatus.Completed, 1, 2), (resent.Status, resent.BatchesSentNow, resent.RecipientsSentNow));
        Assert.Equal((0, 3), (again.BatchesSentNow, again.BatchesAlreadySent));
        Assert.Equal((5, 0), Deliveries(s));
        var batch = await FirstBatchAsync(s);
        Assert.Equal((BatchStatus.Sent, UncertainBatchResolver.AutomaticReason), (batch.Status, batch.Resent?.Reason));
        Assert.Equal(Morning.AddHours(1).AddMinutes(70), batch.Resent!.At);
        await using var host = await At(s, TimeSpan.FromDays(1));
        foreach (var id in batch.RecipientIds)
        {
            var entry = Assert.Single(await host.Get<SubscriberAudit>().ListAsync(id, Ct), a => a.Action == "resent");
            Assert.Equal(("pipeline", Run, "b00000"), (entry.Actor, entry.Changes["run"], entry.Changes["batch"]));
        }
    }

    [Fact]
    public async Task AResentBatchIsNeverResentASecondTimeAutomatically()
    {
        await using var s = await SetupAsync(autoResend: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: false);
        await RevisitAsync(s, TimeSpan.FromMinutes(15));
        // The resend dies too, before its request.
        await using (var resend = await At(s, TimeSpan.FromMinutes(70), services => services.AddSingleton<IMailTransport>(new DiesBeforeTheRequest())))
            await Assert.ThrowsAsync<ProcessDiedException>(() => resend.Get<DigestRunner>().ResumeAsync(Run, resendUncertain: false, Ct));

        var later = await RevisitAsync(s, TimeSpan.FromHours(6));

        Assert.Equal((1, 0), (later.BatchesUncertain, later.BatchesSentNow));
        Assert.Equal(2, s.SendGrid.Accepted.Count);
        var known = Assert.Single((await StatusAsync(s, TimeSpan.FromHours(6))).Uncertain!);
        Assert.Equal(UncertainVerdict.Proposed, known.Verdict);
        Assert.Contains("never resent automatically a second time", known.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheAutomaticResendABatchQuietPastThePeriodIsOnlyProposed()
    {
        await using var s = await SetupAsync(autoResend: false);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: false);

        var later = await RevisitAsync(s, TimeSpan.FromHours(3));

        Assert.Equal((1, 2), (later.BatchesUncertain, later.BatchesSentNow));
        Assert.Equal(2, s.SendGrid.Accepted.Count);
        var status = await StatusAsync(s, TimeSpan.FromHours(3));
        var known = Assert.Single(status.Uncertain!);
        Assert.Equal((UncertainVerdict.Proposed, null, true), (known.Verdict, known.Evidence, status.WebhookConfigured));
        Assert.Contains(
            "proposed for resend because no SendGrid event arrived for any of its recipients since 2026-11-26 07:00:00Z",
            known.Explanation,
            StringComparison.Ordinal);

        // The admin's decision: resent once.
        await using var admin = await At(s, TimeSpan.FromHours(4));
        var resumed = await admin.Get<DigestRunner>().ResumeAsync(Run, resendUncertain: true, Ct);
        Assert.Equal((DigestRunStatus.Completed, 1), (resumed.Status, resumed.BatchesSentNow));
        Assert.Equal((5, 0), Deliveries(s));
        Assert.Equal(UncertainBatchResolver.AdminReason, (await FirstBatchAsync(s)).Resent?.Reason);
    }

    [Fact]
    public async Task EventsArrivingAfterAResendFlipNothingBack()
    {
        // The first request left, but its events are held up past the quiet period: the batch is resent (the price of the
        // automatic resend when the webhook is late), then every event arrives.
        await using var s = await SetupAsync(autoResend: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: true);
        var first = s.SendGrid.Accepted.Single();
        await RevisitAsync(s, TimeSpan.FromMinutes(15), postEvents: false);
        await using (var host = await At(s, TimeSpan.FromMinutes(16)))
            await s.SendGrid.PostEventsAsync(host, r => r != first);   // the other batches' events
        var resent = await RevisitAsync(s, TimeSpan.FromMinutes(70), postEvents: false);
        Assert.Equal(1, resent.BatchesSentNow);

        await using (var host = await At(s, TimeSpan.FromMinutes(75)))
            Assert.Equal(4, await s.SendGrid.PostEventsAsync(host));   // the first send's late events and the resend's

        var batch = await FirstBatchAsync(s);
        Assert.Equal((BatchStatus.Sent, UncertainBatchResolver.AutomaticReason, null), (batch.Status, batch.Resent?.Reason, batch.Evidence));
        var later = await RevisitAsync(s, TimeSpan.FromHours(5));
        Assert.Equal((DigestRunStatus.Completed, 0, 3), (later.Status, later.BatchesSentNow, later.BatchesAlreadySent));
        Assert.Equal(4, s.SendGrid.Accepted.Count);
    }

    [Fact]
    public async Task LateEventsOfAnEarlierSendDecideAResendThatFailedAndLeaveABatchBeingSentAlone()
    {
        await using var s = await SetupAsync(autoResend: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: true);
        var first = s.SendGrid.Accepted.Single();
        await RevisitAsync(s, TimeSpan.FromMinutes(15), postEvents: false);
        s.SendGrid.EnqueueAnswer(400, "The from address does not match a verified Sender Identity.");
        var resend = await RevisitAsync(s, TimeSpan.FromMinutes(70), postEvents: false);
        Assert.Equal(1, resend.BatchesFailed);

        // The first send's events arrive: the webhook leaves the Failed batch as it is ...
        await using (var host = await At(s, TimeSpan.FromMinutes(75)))
            await s.SendGrid.PostEventsAsync(host);
        Assert.Equal(BatchStatus.Failed, (await FirstBatchAsync(s)).Status);

        // ... and the next sender that would retry it finds the evidence instead: Sent, not sent again.
        var later = await RevisitAsync(s, TimeSpan.FromHours(2));
        Assert.Equal((DigestRunStatus.Completed, 0), (later.Status, later.BatchesSentNow));
        Assert.Equal((BatchStatus.Sent, "processed"), ((await FirstBatchAsync(s)).Status, (await FirstBatchAsync(s)).Evidence?.Event));
        Assert.Equal((5, 0), Deliveries(s));
        Assert.Contains(first, s.SendGrid.Accepted);
    }

    [Fact]
    public async Task LateEventsLeaveABatchBeingSentAgainToItsSender()
    {
        await using var s = await SetupAsync(autoResend: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: true);
        await RevisitAsync(s, TimeSpan.FromMinutes(15), postEvents: false);
        await using var host = await At(s, TimeSpan.FromMinutes(70));
        var batch = await FirstBatchAsync(s);
        var sending = (await host.Get<DeliveryLedger>().TryMoveAsync(batch, BatchStatus.Sending, ct: Ct))!;   // a resend in flight

        await s.SendGrid.PostEventsAsync(host);

        var after = await FirstBatchAsync(s);
        Assert.Equal((BatchStatus.Sending, sending.ETag), (after.Status, after.ETag));
    }

    [Fact]
    public async Task TheEmailActivityApiFindsARequestThatLeft()
    {
        await using var s = await SetupAsync(webhook: false, autoResend: true, emailActivity: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: true);

        var revisit = await RevisitAsync(s, TimeSpan.FromMinutes(15));
        var later = await RevisitAsync(s, TimeSpan.FromHours(3));

        Assert.Equal((0, 2, DigestRunStatus.Completed), (revisit.BatchesUncertain, revisit.BatchesSentNow, later.Status));
        Assert.Equal("email activity: delivered", (await FirstBatchAsync(s)).Evidence?.Event);
        Assert.Equal((5, 0), Deliveries(s));
        Assert.Equal("unique_args['run_id']=\"daily-2026-11-26\" AND unique_args['batch_id']=\"b00000\"", s.SendGrid.ActivityQueries[0]);
    }

    [Fact]
    public async Task TheEmailActivityApiFindingNothingLeavesTheQuietPeriodToDecideAndAnErrorDecidesNothing()
    {
        await using var s = await SetupAsync(webhook: false, autoResend: true, emailActivity: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: false);

        var waiting = await RevisitAsync(s, TimeSpan.FromMinutes(15));
        s.SendGrid.EnqueueActivityAnswer(429);
        var undecided = await RevisitAsync(s, TimeSpan.FromMinutes(70));
        var resent = await RevisitAsync(s, TimeSpan.FromMinutes(130));

        Assert.Equal((1, 1, 1), (waiting.BatchesUncertain, undecided.BatchesUncertain, resent.BatchesSentNow));
        Assert.Contains(
            "Email Activity API could not be asked (the Email Activity API answered 429)",
            undecided.BatchResults.Single(b => b.Outcome == BatchOutcome.Uncertain).Error,
            StringComparison.Ordinal);
        Assert.Equal(DigestRunStatus.Completed, resent.Status);
        Assert.Equal((5, 0), Deliveries(s));
    }

    [Fact]
    public async Task WithoutTheWebhookSilenceProvesNothingAndStatusSaysSo()
    {
        await using var s = await SetupAsync(webhook: false, autoResend: true);
        await CrashOnTheFirstBatchAsync(s, afterTheRequestLeft: false);

        var later = await RevisitAsync(s, TimeSpan.FromHours(5));

        Assert.Equal((1, 2), (later.BatchesUncertain, s.SendGrid.Accepted.Count));
        var status = await StatusAsync(s, TimeSpan.FromHours(5));
        Assert.False(status.WebhookConfigured);
        var known = Assert.Single(status.Uncertain!);
        Assert.Equal(UncertainVerdict.Unknowable, known.Verdict);
        Assert.Contains(
            "no evidence can arrive (the event webhook is not configured: SendGrid:WebhookPublicKey is empty",
            known.Explanation,
            StringComparison.Ordinal);
    }

    internal sealed class ProcessDiedException() : Exception("the process died");

    internal sealed class DiesBeforeTheRequest : IMailTransport
    {
        public Task<string> SendAsync(MailBatch batch, CancellationToken ct) => throw new ProcessDiedException();
    }

    internal sealed class DiesAfterTheRequest(IMailTransport inner) : IMailTransport
    {
        public async Task<string> SendAsync(MailBatch batch, CancellationToken ct)
        {
            await inner.SendAsync(batch, ct);
            throw new ProcessDiedException();
        }
    }
}
