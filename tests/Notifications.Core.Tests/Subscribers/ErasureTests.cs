using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>
/// Erasure at each stage of a digest's life (a batch planned with them, a batch that failed with an error text quoting them, SendGrid
/// events received for them, events arriving after the erasure, a subscribe request never confirmed), then every table, blob and
/// queue of the test's storage on Azurite is searched for their address and name.
/// </summary>
public sealed class ErasureTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 27, 5, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Eight = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ECDsa _webhookKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    // Fresh per test, so that nothing another test wrote can match.
    private readonly string _email = $"zq.{Guid.NewGuid().ToString("N")[..10]}@customs.example";
    private readonly string _name = "Zebulon " + new string(Guid.NewGuid().ToString("N").Select(c => (char)('a' + c % 26)).Take(10).ToArray());

    public void Dispose() => _webhookKey.Dispose();

    private async Task<(TestHost Host, Dictionary<string, string?> Settings)> StartAsync(FakeSendGrid sendGrid)
    {
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:RequestsPerSecond"] = "0";
        settings["Delivery:MaxRetries"] = "2";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.010";
        settings["SendGrid:WebhookPublicKey"] = Convert.ToBase64String(_webhookKey.ExportSubjectPublicKeyInfo());
        var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync(
            [
                new NewSubscriber(_email, _name, "Customs Administration"),
                .. Enumerable.Range(0, 4).Select(i => new NewSubscriber($"other{i}@customs.example", $"Other {i}", "Customs Administration"))
            ],
            Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.SetUtcNow(Eight);
        return (host, settings);
    }

    /// <summary>Everywhere the address or the name is in the test's tables, blobs and queues.</summary>
    private Task<IReadOnlyList<string>> ScanAsync(Dictionary<string, string?> settings)
    {
        var prefix = settings["Storage:SubscribersTable"]![..11];
        return StorageScan.FindAsync(
            settings["AzureWebJobsStorage"]!, name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase), [_email, _name], Ct);
    }

    private async Task PostEventsAsync(TestHost host, Subscriber target, string? statusEvent = null)
    {
        var at = host.Time.GetUtcNow();
        object Event(string id, string name, bool withSubscriberId, string? reason = null)
        {
            var e = new Dictionary<string, object?>
            {
                ["email"] = _email, ["timestamp"] = at.ToUnixTimeSeconds(), ["event"] = name, ["sg_event_id"] = id,
                ["sg_message_id"] = "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", ["run_id"] = "daily-2026-11-27T08", ["batch_id"] = "b00000",
            };
            if (withSubscriberId) e["subscriber_id"] = target.Id;
            if (reason is not null) e["reason"] = reason;
            return e;
        }
        var events = new List<object>
        {
            Event("ev-delivered-" + target.Id[..8], "delivered", true),
            Event("ev-open-" + target.Id[..8], "open", false),
            Event("ev-deferred-" + target.Id[..8], "deferred", true, $"451 4.2.0 <{_email}>: mailbox of {_name} is busy, try later"),
        };
        if (statusEvent is not null)
            events.Add(Event($"ev-{statusEvent}-" + target.Id[..8], statusEvent, true, $"<{_email}> ({_name}) reported"));
        var body = JsonSerializer.Serialize(events);
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(
            _webhookKey.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var webhook = host.Get<SendGridEventWebhook>();
        var answer = await HttpCall.InvokeAsync(host.Services, r => webhook.HandleAsync(r, Ct), "POST", body: body, headers: new Dictionary<string, string>
        {
            [SendGridEventWebhook.TimestampHeader] = timestamp,
            [SendGridEventWebhook.SignatureHeader] = signature,
        });
        Assert.Equal(200, answer.Status);
    }

    [Theory]
    [InlineData("planned")]
    [InlineData("failed")]
    [InlineData("after webhook events")]
    public async Task ErasedSubscribersAddressAndNameAreNowhereInStorage(string stage)
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var (host, settings) = await StartAsync(sendGrid);
        await using var _ = host;
        var target = (await host.Get<SubscriberStore>().FindByEmailAsync(_email, Ct))!;
        // An entry whose actor and details quote them (an admin signed in as themselves, a note naming them).
        await host.Get<SubscriberAudit>().RecordAsync(
            target.Id, _email, "updated", new Dictionary<string, string> { ["note"] = $"asked by {_name} on the phone" }, Ct);

        switch (stage)
        {
            case "planned":
                await host.Get<HourPassed>().PlanDueAsync(Eight, Ct); // planned and queued, not sent
                break;
            case "failed":
                for (var i = 0; i < 3; i++) sendGrid.EnqueueAnswer(500, $"Internal error while processing personalization to {_email} ({_name})");
                await host.Get<HourPassed>().RunDueAsync(Eight, Ct);
                var run = (await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, "2026-11-27T08", Ct))!;
                Assert.Contains(
                    await host.Get<DeliveryLedger>().ListAsync(run.RunId, run.PlanId, Ct),
                    b => b.Status == BatchStatus.Failed && b.Error!.Contains(_email, StringComparison.Ordinal));
                break;
            default:
                await host.Get<HourPassed>().RunDueAsync(Eight, Ct);
                Assert.Contains(_email, sendGrid.Accepted.SelectMany(r => r.Recipients));
                await PostEventsAsync(host, target);
                break;
        }
        var before = await ScanAsync(settings);

        var report = await host.Get<SubscriberAdmin>().EraseAsync(_email, "admin@secretariat.example", Ct);
        var after = await ScanAsync(settings);

        TestContext.Current.SendDiagnosticMessage($"{stage}: before erasure the address or name was in:\n  " + string.Join("\n  ", before));
        Assert.NotNull(report);
        Assert.Empty(report.Left);
        Assert.True(after.Count == 0, $"{stage}: after erasure the address or name is still in:\n  " + string.Join("\n  ", after));
        Assert.Contains(before, b => !b.Contains("Subscribers, subscriber/", StringComparison.Ordinal)); // copies beyond the record itself were there
        // What stays: the suppression entry and an "erased" entry in the audit, neither with personal data.
        Assert.Equal("erased", (await host.Get<Suppressions>().GetAsync(target.Id, Ct))!.Reason);
        Assert.Contains(await host.Get<SubscriberAudit>().ListAsync(target.Id, Ct), e => e.Action == "erased" && e.Actor == "admin@secretariat.example");
    }

    [Theory]
    [InlineData("spamreport")]
    [InlineData("unsubscribe")]
    public async Task WebhookEventsArrivingAfterTheErasureStoreTheirAddressNowhere(string statusEvent)
    {
        // SendGrid reports for hours after a send (opens, a late bounce): the events name the address the erasure just removed.
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var (host, settings) = await StartAsync(sendGrid);
        await using var _ = host;
        await host.Get<HourPassed>().RunDueAsync(Eight, Ct);
        var target = (await host.Get<SubscriberStore>().FindByEmailAsync(_email, Ct))!;
        Assert.NotNull(await host.Get<SubscriberAdmin>().EraseAsync(_email, "admin@secretariat.example", Ct));

        host.Time.Advance(TimeSpan.FromHours(3));
        await PostEventsAsync(host, target, statusEvent);
        var after = await ScanAsync(settings);

        Assert.True(after.Count == 0, "after events for an erased subscriber, the address or name is in:\n  " + string.Join("\n  ", after));
        Assert.Null(await host.Get<SubscriberStore>().GetAsync(target.Id, Ct)); // not re-created by the status change
        Assert.Equal("Processed", (await host.Get<DeliveryEvents>().GetAsync("ev-open-" + target.Id[..8], Ct))!.State); // still de-duplicated
        Assert.Equal(1, (await host.Get<DeliveryEvents>().CountersAsync("daily-2026-11-27T08", Ct))["open"]);
    }

    [Fact]
    public async Task SomeoneWithOnlyAPendingSubscribeRequestIsErasedByAddressWithoutASuppression()
    {
        // The public form: a request row (address, name, organisation) and a queue message holding only ids; no subscriber record.
        var settings = TestSettings.For(azurite);
        await using var host = await TestHost.StartAsync(settings, Morning);
        await host.Get<SubscriptionSelfService>().SubscribeAsync(
            _email, _name, "Customs Administration", "UZ", "en", DigestFrequency.Daily, null, "203.0.113.7", Ct);
        var queue = new Azure.Storage.Queues.QueueClient(settings["AzureWebJobsStorage"], settings["Storage:SubscribeConfirmationsQueue"]);
        Assert.Single((await queue.PeekMessagesAsync(32, Ct)).Value);
        Assert.Null(await host.Get<SubscriberStore>().FindByEmailAsync(_email, Ct));
        var before = await ScanAsync(settings);

        var report = await host.Get<SubscriberAdmin>().EraseAsync(_email, "admin@secretariat.example", Ct);
        var after = await ScanAsync(settings);

        TestContext.Current.SendDiagnosticMessage("pending request: before erasure the address or name was in:\n  " + string.Join("\n  ", before));
        Assert.Contains(before, b => b.Contains("SubscribeRequests", StringComparison.Ordinal));
        Assert.NotNull(report);
        Assert.True(after.Count == 0, "pending request: after erasure the address or name is still in:\n  " + string.Join("\n  ", after));
        Assert.Equal(1, Assert.Single(report.Steps, s => s.Store == "subscribe requests").Removed);
        Assert.False(report.AlreadyErased);
        // Never confirmed: no suppression (an admin may add them later without an override); the erasure is audited, without personal data.
        Assert.Null(report.Reason);
        Assert.Null(await host.Get<Suppressions>().GetAsync(report.Id, Ct));
        var erased = Assert.Single(await host.Get<SubscriberAudit>().ListAsync(report.Id, Ct), e => e.Action == "erased");
        Assert.Equal("false", erased.Changes["suppressed"]);
        // Erasing again finds nothing; an admin may add them later without an override.
        Assert.Null(await host.Get<SubscriberAdmin>().EraseAsync(_email, "admin@secretariat.example", Ct));
        await host.Get<SubscriberAdmin>().CreateAsync(new NewSubscriber(_email, _name, "Customs Administration"), "admin@secretariat.example", ct: Ct);
    }

    [Fact]
    public async Task ASenderThatReadsThePlannedBatchAfterErasureSkipsThemAndSendsTheOthersOnce()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var (host, _) = await StartAsync(sendGrid);
        await using var __ = host;
        await host.Get<HourPassed>().PlanDueAsync(Eight, Ct);

        await host.Get<SubscriberAdmin>().EraseAsync(_email, "admin@secretariat.example", Ct);
        await host.Get<SendBatchQueue>().DrainAsync((m, t) => host.Get<BatchDue>().SendAsync(m, t), TimeSpan.FromMinutes(1), Ct);

        var recipients = sendGrid.Accepted.SelectMany(r => r.Recipients).ToList();
        Assert.Equal(4, recipients.Count);
        Assert.Equal(4, recipients.Distinct().Count());
        Assert.DoesNotContain(_email, recipients);
    }

    [Fact]
    public async Task ErasingAgainFindsTheSuppressionAndAnUnknownAddressIsNotFound()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var (host, _) = await StartAsync(sendGrid);
        await using var __ = host;
        var admin = host.Get<SubscriberAdmin>();

        var first = await admin.EraseAsync(_email, "admin", Ct);
        var again = await admin.EraseAsync(_email, "admin", Ct);

        Assert.False(first!.AlreadyErased);
        Assert.True(again!.AlreadyErased);
        Assert.Null(await admin.EraseAsync("nobody@customs.example", "admin", Ct));
    }
}
