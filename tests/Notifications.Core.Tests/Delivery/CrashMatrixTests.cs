using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using static Notifications.Core.Tests.Delivery.UncertainBatchTests;
using Notifications.Mail;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// The crash matrix: the process is killed during planning, after a batch's request left, or before it left; with and without
/// the event webhook (and the automatic resend where it matters). Then the deployment goes on as it would: the hourly ticks plan
/// and queue (<see cref="HourPassed.PlanDueAsync"/>, which also revisits the uncertain and failed batches of recent runs:
/// <see cref="FailedBatchHealer"/>), the SendBatch function drains the queue, and SendGrid posts its events. Nobody runs
/// <c>notify digest resume</c>. 7 subscribers in batches of 2, mailed by the 08:00 run. At the end: every batch's state, nobody twice, and nobody lost
/// unless reported uncertain.
/// </summary>
public sealed class CrashMatrixTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Eight = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private const string Run = "daily-2026-11-26T08";
    private const int People = 7;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, bool, bool, int> Cases() => new()
    {
        { "during planning", false, false, 1 },
        { "during planning", true, false, 1 },
        { "after the request left", false, false, 1 },
        { "after the request left", false, true, 1 },
        { "after the request left", true, false, 1 },
        { "after the request left", true, true, 1 },
        { "before the request left", false, false, 1 },
        { "before the request left", false, true, 1 },
        { "before the request left", true, false, 1 },
        { "before the request left", true, true, 1 },
        // Killed with four batches in flight (Delivery:InlineSendConcurrency, the default): each of them dies; the same guarantees.
        { "after the request left", false, false, 4 },
        { "after the request left", true, false, 4 },
        { "before the request left", false, false, 4 },
        { "before the request left", true, true, 4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task NobodyTwiceAndNobodyLostUnlessReportedUncertain(string kill, bool webhook, bool autoResend, int inFlight)
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:InlineSendConcurrency"] = inFlight.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (webhook) settings.WithEventWebhook(sendGrid);
        settings["Delivery:BatchSize"] = "2";
        settings["Delivery:RequestsPerSecond"] = "0";
        settings["Delivery:ResendUncertainAfterQuietPeriod"] = autoResend ? "true" : "false";
        await using (var setup = await TestHost.StartAsync(settings, Morning))
        {
            await setup.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, People).Select(i =>
                new NewSubscriber($"official{i:D2}@customs.example", $"Official {i}", "Customs Administration")), Ct);
            await setup.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
            await setup.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        }

        // 08:00, the killed process.
        await using (var killed = await TestHost.StartAsync(settings, Eight, services =>
        {
            if (kill == "after the request left")
                services.AddSingleton<IMailTransport>(sp => new DiesAfterTheRequest(sp.GetRequiredService<SendGridTransport>()));
            else if (kill == "before the request left")
                services.AddSingleton<IMailTransport>(new DiesBeforeTheRequest());
        }))
        {
            if (kill == "during planning")
                await KillDuringPlanningAsync(killed);
            else
                await Assert.ThrowsAsync<ProcessDiedException>(() => killed.Get<HourPassed>().RunDueAsync(Eight, Ct));
        }

        // The deployment goes on: a restart at 08:20, then the hourly ticks until noon.
        foreach (var at in new[] { Eight.AddMinutes(20), Eight.AddHours(1), Eight.AddHours(2), Eight.AddHours(3), Eight.AddHours(4) })
        {
            await using var host = await TestHost.StartAsync(settings, at);
            await host.Get<HourPassed>().PlanDueAsync(at, Ct);
            await host.Get<SendBatchQueue>().DrainAsync((m, t) => host.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);
            if (webhook)
                await sendGrid.PostEventsAsync(host);
        }

        await using var end = await TestHost.StartAsync(settings, Eight.AddHours(5));
        var status = (await end.Get<DigestRunner>().StatusAsync(Run, ct: Ct))!;
        var everyone = (await end.Get<SubscriberStore>().ListAsync(Ct)).ToDictionary(s => s.Id, s => s.Email);
        var batches = await end.Get<DeliveryLedger>().ListAsync(Run, status.Run.PlanId, Ct);
        var uncertain = batches.Where(b => b.Status == BatchStatus.Uncertain).SelectMany(b => b.RecipientIds).Select(id => everyone[id]).ToList();
        var delivered = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        var duplicates = delivered.Count - delivered.Distinct().Count();
        var lost = People - delivered.Union(uncertain).Count();
        var states = string.Join(" ", batches.Select(b => b.Status.ToString().ToLowerInvariant()));
        var row = $"| {kill} | {(webhook ? "on" : "off")} | {(autoResend ? "on" : "off")} | {status.Run.Status.ToString().ToLowerInvariant()}: {states} | " +
                  $"{delivered.Distinct().Count()}/{People} | {duplicates} | {lost} | {uncertain.Count} |" +
                  (status.Uncertain is { Count: > 0 } u ? " " + string.Join("; ", u.Select(x => $"{x.BatchId} {x.Verdict}")) : "");
        TestContext.Current.SendDiagnosticMessage(row);
        TestContext.Current.TestOutputHelper?.WriteLine(row);
        if (Environment.GetEnvironmentVariable("CRASH_MATRIX_OUT") is { Length: > 0 } file)
            await File.AppendAllTextAsync(file, row + Environment.NewLine, Ct);

        Assert.Equal(0, duplicates);
        Assert.Equal(0, lost);
        Assert.DoesNotContain(batches, b => b.Status is BatchStatus.Planned or BatchStatus.Sending or BatchStatus.Failed);
        if (inFlight > 1)
        {
            // Several batches died at once: each is decided as one alone would be (sent on evidence, resent, or reported uncertain).
            Assert.True(status.Uncertain is not { Count: > 0 } || webhook || status.Uncertain.All(u => u.Verdict == UncertainVerdict.Unknowable), row);
            if (webhook && (kill == "after the request left" || autoResend))
                Assert.Equal((DigestRunStatus.Completed, People, 0), (status.Run.Status, delivered.Count, uncertain.Count));
            return;
        }
        switch (kill, webhook, autoResend)
        {
            case ("during planning", _, _):
            case ("after the request left", true, _):
            case ("before the request left", true, true):
                // Decided: everyone got it once.
                Assert.Equal((DigestRunStatus.Completed, People, 0), (status.Run.Status, delivered.Count, uncertain.Count));
                break;
            case ("before the request left", false, true):
                // Resent by nobody: without the webhook silence proves nothing.
                Assert.Equal(UncertainVerdict.Unknowable, Assert.Single(status.Uncertain!).Verdict);
                break;
            case ("before the request left", true, false):
                Assert.Equal(UncertainVerdict.Proposed, Assert.Single(status.Uncertain!).Verdict);
                break;
            default:
                // No webhook: reported uncertain with the reason, never resent.
                Assert.Equal(UncertainVerdict.Unknowable, Assert.Single(status.Uncertain!).Verdict);
                Assert.Equal(2, uncertain.Count);
                break;
        }
    }

    /// <summary>A planner that claimed the run and wrote part of its plan, then died.</summary>
    private static async Task KillDuringPlanningAsync(TestHost host)
    {
        var runs = host.Get<DigestRunStore>();
        var run = await runs.GetOrCreateAsync(DigestPeriod.Hourly(DigestFrequency.Daily, Eight), Eight, Ct);
        var claimed = (await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planning, PlanId = "killedplan" }, Ct))!;
        var some = (await host.Get<SubscriberStore>().ListAsync(Ct)).Take(2).Select(s => new PlannedRecipient(s.Id, s.Email, s.Name, s.UpdatedAt)).ToList();
        await host.Get<DeliveryLedger>().WriteBatchesAsync(
            claimed.RunId, claimed.PlanId, 0, [new PlannedBatch(DigestVariant.Default, some)], claimed.UpdatedAt, Ct);
    }
}
