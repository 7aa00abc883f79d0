using System.Text;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// The fault matrix: SendGrid misbehaves on the first request(s) of a run of 7 recipients in 4 batches; the run is then run
/// again. Whatever the fault, every recipient got the digest exactly once or is reported Uncertain, and nobody twice.
/// </summary>
public sealed class FaultMatrixTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const int People = 7;

    public static TheoryData<string> Faults() =>
    [
        "none", "429 once", "500 once", "503 always", "400 once", "401 once", "413 once", "slow answer (timeout)", "connection dropped after the body",
    ];

    private static void Inject(FakeSendGrid fake, string fault)
    {
        switch (fault)
        {
            case "429 once": fake.EnqueueRateLimit(TimeSpan.FromSeconds(1)); break;
            case "500 once": fake.EnqueueServerError(500); break;
            case "503 always": for (var i = 0; i < 3; i++) fake.EnqueueServerError(503); break;   // MaxRetries 2: all three attempts fail
            case "400 once": fake.EnqueueAnswer(400, "The from address does not match a verified Sender Identity."); break;
            case "401 once": fake.EnqueueAnswer(401, "The provided authorization grant is invalid, expired, or revoked"); break;
            case "413 once": fake.EnqueueAnswer(413, "Payload Too Large"); break;
            case "slow answer (timeout)": fake.EnqueueSlowAnswer(TimeSpan.FromSeconds(3)); break;
            case "connection dropped after the body": fake.EnqueueDropAfterBody(); break;
        }
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task EveryoneExactlyOnceOrUncertainNeverTwice(string fault)
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:BatchSize"] = "2";
        settings["Delivery:MaxRetries"] = "2";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.020";
        settings["Delivery:RequestTimeout"] = "00:00:01";
        settings["Delivery:RequestsPerSecond"] = "0";
        await using var host = await TestHost.StartAsync(settings, new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        await host.Get<SubscriberStore>().UpsertManyAsync(
            Enumerable.Range(0, People).Select(i => new NewSubscriber($"p{i}@customs.example", $"P {i}", "Org")), Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        Inject(sendGrid, fault);

        var first = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        host.Time.Advance(TimeSpan.FromMinutes(30));
        var rerun = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        // What SendGrid took (a slow answer was taken too: it answered 202, only too late) ...
        var delivered = sendGrid.Requests.Where(r => r.Status == 202).SelectMany(r => r.Recipients).ToList();
        // ... and what the ledger reports as uncertain.
        var status = (await host.Get<DigestRunner>().StatusAsync("daily-2026-11-26", ct: Ct))!;
        var everyone = (await host.Get<SubscriberStore>().ListAsync(Ct)).ToDictionary(s => s.Id, s => s.Email);
        var uncertain = status.Problems.Where(b => b.Status == BatchStatus.Uncertain).SelectMany(b => b.RecipientIds).Select(id => everyone[id]).ToList();

        Assert.Equal(delivered.Count, delivered.Distinct().Count());                    // nobody twice
        Assert.Equal(People, delivered.Union(uncertain).Count());                      // nobody lost
        Assert.DoesNotContain(status.Problems, b => b.Status != BatchStatus.Uncertain);   // nothing left failed or stuck
        TestContext.Current.SendDiagnosticMessage(
            $"{fault}: first run {first.Status} (sent {first.BatchesSentNow}, failed {first.BatchesFailed}, uncertain {first.BatchesUncertain}); " +
            $"rerun {rerun.Status} (sent {rerun.BatchesSentNow}); delivered {delivered.Count}, uncertain {uncertain.Count}, duplicates " +
                $"{delivered.Count - delivered.Distinct().Count()}, lost {People - delivered.Union(uncertain).Count()}");
        if (fault is "slow answer (timeout)" or "connection dropped after the body")
            Assert.Equal(BatchStatus.Uncertain, Assert.Single(status.Problems).Status);
        else
            Assert.Equal((DigestRunStatus.Completed, People), (rerun.Status, delivered.Count));
    }
}
