using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Notifications.Delivery;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// SendGrid's Event Webhook on Azurite, signed with a real P-256 key pair the way SendGrid signs (ECDSA/SHA-256 over the
/// timestamp header followed by the raw body, DER signature, base64).
/// </summary>
public sealed class SendGridEventWebhookTests(AzuriteFixture azurite) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Run = "run-2026-11-26-daily";
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _key.Dispose();

    private async Task<TestHost> StartAsync(bool configured = true)
    {
        var settings = TestSettings.For(azurite);
        if (configured)
            settings["SendGrid:WebhookPublicKey"] = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
        return await TestHost.StartAsync(settings);
    }

    private static string Sign(ECDsa key, string timestamp, string body)
        => Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    private static string Now(TestHost host) => host.Time.GetUtcNow().ToUnixTimeSeconds().ToString();

    /// <summary>Posts the body signed by <paramref name="signer"/> (the configured key by default) at <paramref name="timestamp"/> (now by default).</summary>
    private Task<HttpAnswer> PostAsync(TestHost host, string body, string? timestamp = null, ECDsa? signer = null, string? sentBody = null)
    {
        timestamp ??= Now(host);
        var headers = new Dictionary<string, string>
        {
            [SendGridEventWebhook.TimestampHeader] = timestamp,
            [SendGridEventWebhook.SignatureHeader] = Sign(signer ?? _key, timestamp, body),
        };
        return PostRawAsync(host, sentBody ?? body, headers);
    }

    private static Task<HttpAnswer> PostRawAsync(TestHost host, string body, IDictionary<string, string> headers)
    {
        var webhook = host.Get<SendGridEventWebhook>();
        return HttpCall.InvokeAsync(host.Services, r => webhook.HandleAsync(r, Ct), "POST", body: body, headers: headers);
    }

    private static string Event(string id, string name, string email, Subscriber? subscriber = null, string run = Run, DateTimeOffset? at = null,
        string? type = null, string? reason = null)
    {
        var e = new Dictionary<string, object?>
        {
            ["email"] = email,
            ["timestamp"] = (at ?? new DateTimeOffset(2026, 11, 26, 6, 58, 0, TimeSpan.Zero)).ToUnixTimeSeconds(),
            ["smtp-id"] = "<14c5d75ce93.dfd.64b469@ismtpd-555>",
            ["event"] = name,
            ["category"] = new[] { "digest", "daily" },
            ["sg_event_id"] = id,
            ["sg_message_id"] = "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
            ["run_id"] = run,
            ["batch_id"] = "b00000",
        };
        if (subscriber is not null) e["subscriber_id"] = subscriber.Id;
        if (type is not null) e["type"] = type;
        if (reason is not null) e["reason"] = reason;
        return JsonSerializer.Serialize(e);
    }

    private static string Batch(params string[] events) => "[" + string.Join(",", events) + "]";

    private static async Task<Subscriber> AddAsync(TestHost host, string email, SubscriberStatus status = SubscriberStatus.Active)
        => await host.Get<SubscriberStore>().AddAsync(new NewSubscriber(email, "Official " + email[0], "Customs Administration", Status: status), Ct);

    private static async Task<SubscriberStatus> StatusAsync(TestHost host, Subscriber s) => (await host.Get<SubscriberStore>().GetAsync(s.Id, Ct))!.Status;

    private static Task<IReadOnlyList<AuditEntry>> AuditAsync(TestHost host, Subscriber s) => host.Get<SubscriberAudit>().ListAsync(s.Id, Ct);

    private static Task<IReadOnlyDictionary<string, long>> CountersAsync(TestHost host, string run = Run) => host.Get<DeliveryEvents>().CountersAsync(run, Ct);

    [Fact]
    public async Task ValidBatchIsProcessedWithItsEffects()
    {
        await using var host = await StartAsync();
        var bounced = await AddAsync(host, "a.karimov@customs.uz.example");
        var complained = await AddAsync(host, "b.smith@hmrc.example");
        var unsubscribed = await AddAsync(host, "c.dupont@douane.example");
        var delivered = await AddAsync(host, "d.ivanova@customs.example");
        var body = Batch(
            Event("ev-delivered", "delivered", delivered.Email, delivered),
            Event("ev-open", "open", delivered.Email, delivered),
            Event("ev-click", "click", delivered.Email, delivered),
            Event("ev-deferred", "deferred", bounced.Email, bounced),
            Event("ev-bounce", "bounce", bounced.Email, bounced, type: "bounce", reason: "550 5.1.1 The email account does not exist."),
            Event("ev-spam", "spamreport", complained.Email, complained),
            Event("ev-unsub", "unsubscribe", unsubscribed.Email, unsubscribed));

        var answer = await PostAsync(host, body);

        Assert.Equal(200, answer.Status);
        Assert.Equal(7, answer.Json.GetProperty("processed").GetInt32());
        Assert.Equal(3, answer.Json.GetProperty("statusChanges").GetInt32());
        Assert.Equal(SubscriberStatus.Bounced, await StatusAsync(host, bounced));
        Assert.Equal(SubscriberStatus.Complained, await StatusAsync(host, complained));
        Assert.Equal(SubscriberStatus.Unsubscribed, await StatusAsync(host, unsubscribed));
        Assert.Equal(SubscriberStatus.Active, await StatusAsync(host, delivered));

        var entry = Assert.Single(await AuditAsync(host, bounced), a => a.Actor == "sendgrid");
        Assert.Equal("bounced", entry.Action);
        Assert.Equal("active → bounced", entry.Changes["status"]);
        Assert.Equal("bounce", entry.Changes["event"]);
        Assert.Equal("complained", Assert.Single(await AuditAsync(host, complained), a => a.Actor == "sendgrid").Action);
        Assert.Equal("unsubscribed", Assert.Single(await AuditAsync(host, unsubscribed), a => a.Actor == "sendgrid").Action);
        Assert.DoesNotContain(await AuditAsync(host, delivered), a => a.Actor == "sendgrid");

        var counters = await CountersAsync(host);
        Assert.Equal((1, 1, 1, 1, 1, 1, 1, 0, 0), (counters["delivered"], counters["open"], counters["click"], counters["deferred"], counters["bounce"],
            counters["spamreport"], counters["unsubscribe"], counters["dropped"], counters["blocked"]));

        var stored = await host.Get<DeliveryEvents>().GetAsync("ev-bounce", Ct);
        Assert.Equal(("bounce", "Processed", Run, "b00000"), (stored!.Event, stored.State, stored.RunId, stored.BatchId));
    }

    [Fact]
    public async Task AProcessedEventKeepsOnlyWhatDeduplicationAndCountingNeed()
    {
        // Data minimisation: no JSON, no address, no reason text, no subscriber id outlives processing, whoever the event is about.
        await using var host = await StartAsync();
        var known = await AddAsync(host, "a.karimov@customs.uz.example");
        var body = Batch(
            Event("ev-bounce", "bounce", known.Email, known, type: "bounce", reason: $"550 5.1.1 <{known.Email}>: no such user"),
            Event("ev-unknown", "deferred", "nobody.known@customs.example", reason: "451 <nobody.known@customs.example> try later"));

        Assert.Equal(200, (await PostAsync(host, body)).Status);

        var storage = host.Get<StorageResources>();
        var rows = new List<TableEntity>();
        await foreach (var e in storage.DeliveryEvents.QueryAsync<TableEntity>(cancellationToken: Ct))
            rows.Add(e);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(["BatchId", "ClaimedAt", "Event", "ProcessedAt", "ReceivedAt", "RunId", "State"],
            row.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).Order(StringComparer.Ordinal)));
        var settings = TestSettings.For(azurite);
        Assert.Empty(await StorageScan.FindAsync(settings["AzureWebJobsStorage"]!, name => name == storage.DeliveryEvents.Name,
            ["a.karimov", "nobody.known", known.Id, "no such user", "try later"], Ct));
        Assert.Equal(SubscriberStatus.Bounced, await StatusAsync(host, known)); // read, applied, then dropped
        Assert.Equal(0, (await PostAsync(host, body)).Json.GetProperty("processed").GetInt32()); // and still de-duplicated
    }

    [Fact]
    public async Task RowsStoredRawBeforeAreCutDownByTheDailyPruneAndStillDeduplicate()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var storage = host.Get<StorageResources>();
        await storage.EnsureCreatedAsync();
        var raw = Event("ev-spam", "spamreport", s.Email, s);
        await storage.DeliveryEvents.AddEntityAsync(new TableEntity(DeliveryEvents.PartitionOf("ev-spam"), "ev-spam")
        {
            ["Event"] = "spamreport", ["RunId"] = Run, ["BatchId"] = "b00000", ["SubscriberId"] = s.Id, ["Raw"] = raw, ["RawTruncated"] = false,
            ["State"] = "Processed", ["ClaimedAt"] = host.Time.GetUtcNow(), ["ReceivedAt"] = host.Time.GetUtcNow(), ["ProcessedAt"] = host.Time.GetUtcNow(),
        }, Ct);

        Assert.Equal(0, await host.Get<DeliveryEvents>().PruneAsync(Ct));

        var row = (await storage.DeliveryEvents.GetEntityAsync<TableEntity>(DeliveryEvents.PartitionOf("ev-spam"), "ev-spam", cancellationToken: Ct)).Value;
        Assert.False(row.ContainsKey("Raw") || row.ContainsKey("SubscriberId") || row.ContainsKey("RawTruncated"));
        Assert.Equal(("spamreport", "Processed", Run), (row.GetString("Event"), row.GetString("State"), row.GetString("RunId")));
        Assert.Equal(1, (await PostAsync(host, Batch(raw))).Json.GetProperty("duplicates").GetInt32());
        Assert.Equal(SubscriberStatus.Active, await StatusAsync(host, s));
    }

    [Fact]
    public async Task ErasureCutsDownRowsStoredRawBeforeWhetherProcessedOrStillClaimed()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var other = await AddAsync(host, "b.smith@hmrc.example");
        var storage = host.Get<StorageResources>();
        await storage.EnsureCreatedAsync();
        async Task AddLegacyAsync(string id, string state, string? subscriberId, string? raw)
        {
            var e = new TableEntity(DeliveryEvents.PartitionOf(id), id)
            { ["Event"] = "open", ["RunId"] = Run, ["State"] = state, ["ClaimedAt"] = host.Time.GetUtcNow() };
            if (subscriberId is not null) e["SubscriberId"] = subscriberId;
            if (raw is not null) e["Raw"] = raw;
            await storage.DeliveryEvents.AddEntityAsync(e, Ct);
        }
        await AddLegacyAsync("ev-processed", "Processed", null, Event("ev-processed", "open", s.Email)); // found by the address in its JSON
        await AddLegacyAsync("ev-claimed", "Claimed", s.Id, null); // found by the id
        await AddLegacyAsync("ev-other", "Processed", other.Id, Event("ev-other", "open", other.Email));

        var step = await host.Get<DeliveryEvents>().ForgetSubscriberAsync(new ErasedSubscriber(s.Id, s.Email, s.Name), Ct);

        Assert.Equal(2, step.Removed);
        foreach (var id in new[] { "ev-processed", "ev-claimed" })
        {
            var row = (await storage.DeliveryEvents.GetEntityAsync<TableEntity>(DeliveryEvents.PartitionOf(id), id, cancellationToken: Ct)).Value;
            Assert.False(row.ContainsKey("Raw") || row.ContainsKey("SubscriberId"), id);
            Assert.True(row.GetBoolean("Erased"));
        }
        Assert.Equal("Claimed", (await host.Get<DeliveryEvents>().GetAsync("ev-claimed", Ct))!.State);
        var untouched = (await storage.DeliveryEvents.GetEntityAsync<TableEntity>(
            DeliveryEvents.PartitionOf("ev-other"), "ev-other", cancellationToken: Ct)).Value;
        Assert.Equal(other.Id, untouched.GetString("SubscriberId"));
    }

    [Fact]
    public async Task TamperedBodyIsRefusedAndChangesNothing()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var body = Batch(Event("ev-1", "spamreport", s.Email, s), Event("ev-2", "delivered", s.Email, s));
        var index = body.IndexOf("spamreport", StringComparison.Ordinal);
        var tampered = body[..index] + "Spamreport" + body[(index + "spamreport".Length)..]; // one byte changed

        var answer = await PostAsync(host, body, sentBody: tampered);

        Assert.Equal(401, answer.Status);
        Assert.Equal("application/problem+json", answer.Headers.ContentType.ToString());
        Assert.Equal(SubscriberStatus.Active, await StatusAsync(host, s));
        Assert.All(await CountersAsync(host), c => Assert.Equal(0, c.Value));
        Assert.Null(await host.Get<DeliveryEvents>().GetAsync("ev-1", Ct));
        Assert.DoesNotContain(await AuditAsync(host, s), a => a.Actor == "sendgrid");
    }

    [Fact]
    public async Task SignatureByAnotherKeyIsRefused()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var answer = await PostAsync(host, Batch(Event("ev-1", "spamreport", s.Email, s)), signer: other);

        Assert.Equal(401, answer.Status);
        Assert.Equal(SubscriberStatus.Active, await StatusAsync(host, s));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task MissingHeadersAreRefused(bool withSignature, bool withTimestamp)
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var body = Batch(Event("ev-1", "spamreport", s.Email, s));
        var timestamp = Now(host);
        var headers = new Dictionary<string, string>();
        if (withSignature) headers[SendGridEventWebhook.SignatureHeader] = Sign(_key, timestamp, body);
        if (withTimestamp) headers[SendGridEventWebhook.TimestampHeader] = timestamp;

        var answer = await PostRawAsync(host, body, headers);

        Assert.Equal(401, answer.Status);
        Assert.Equal(SubscriberStatus.Active, await StatusAsync(host, s));
    }

    [Fact]
    public async Task GarbageSignatureIsRefused()
    {
        await using var host = await StartAsync();
        var body = Batch(Event("ev-1", "delivered", "a@x.example"));

        var answer = await PostRawAsync(host, body, new Dictionary<string, string>
        {
            [SendGridEventWebhook.TimestampHeader] = Now(host),
            [SendGridEventWebhook.SignatureHeader] = "not base64 at all!",
        });

        Assert.Equal(401, answer.Status);
        Assert.DoesNotContain("not base64 at all", answer.Body);
    }

    [Theory]
    [InlineData(-6 * 60, 401)] // six minutes old
    [InlineData(6 * 60, 401)] // six minutes in the future
    [InlineData(-4 * 60, 200)]
    [InlineData(4 * 60, 200)]
    public async Task TimestampMustBeWithinFiveMinutes(int offsetSeconds, int expected)
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var timestamp = host.Time.GetUtcNow().AddSeconds(offsetSeconds).ToUnixTimeSeconds().ToString();

        var answer = await PostAsync(host, Batch(Event("ev-1", "spamreport", s.Email, s)), timestamp);

        Assert.Equal(expected, answer.Status);
        Assert.Equal(expected == 200 ? SubscriberStatus.Complained : SubscriberStatus.Active, await StatusAsync(host, s));
    }

    [Fact]
    public async Task SameEventTwiceIsCountedOnceWithOneAuditEntry()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var body = Batch(Event("ev-bounce", "bounce", s.Email, s, type: "bounce"), Event("ev-open", "open", s.Email, s));

        var first = await PostAsync(host, body);
        var second = await PostAsync(host, body);

        Assert.Equal((200, 200), (first.Status, second.Status));
        Assert.Equal((2, 0), (first.Json.GetProperty("processed").GetInt32(), first.Json.GetProperty("duplicates").GetInt32()));
        Assert.Equal((0, 2), (second.Json.GetProperty("processed").GetInt32(), second.Json.GetProperty("duplicates").GetInt32()));
        var counters = await CountersAsync(host);
        Assert.Equal((1, 1), (counters["bounce"], counters["open"]));
        Assert.Single(await AuditAsync(host, s), a => a.Actor == "sendgrid");
    }

    [Fact]
    public async Task SameEventIdWithATimestampOnAnotherDayIsAppliedOnce()
    {
        // Deduplication is by sg_event_id alone: a redelivery whose timestamp falls on another UTC day is still the same event.
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var day1 = new DateTimeOffset(2026, 11, 25, 23, 59, 0, TimeSpan.Zero);

        var first = await PostAsync(host, Batch(Event("ev-same", "unsubscribe", s.Email, s, at: day1)));
        var again = await PostAsync(host, Batch(Event("ev-same", "unsubscribe", s.Email, s, at: day1.AddMinutes(2))));

        Assert.Equal((1, 0), (first.Json.GetProperty("processed").GetInt32(), first.Json.GetProperty("duplicates").GetInt32()));
        Assert.Equal((0, 1), (again.Json.GetProperty("processed").GetInt32(), again.Json.GetProperty("duplicates").GetInt32()));
        Assert.Equal(1, (await CountersAsync(host))["unsubscribe"]);
        Assert.Single(await AuditAsync(host, s), a => a.Actor == "sendgrid");
        Assert.Equal(SubscriberStatus.Unsubscribed, await StatusAsync(host, s));
    }

    [Fact]
    public async Task DuplicateWithinOneBatchIsCountedOnce()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var e = Event("ev-1", "delivered", s.Email, s);

        var answer = await PostAsync(host, Batch(e, e, e));

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, (await CountersAsync(host))["delivered"]);
    }

    [Fact]
    public async Task SameBatchDeliveredConcurrentlyIsCountedOnceWithOneAuditEntry()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var others = Enumerable.Range(0, 20).Select(i => Event($"ev-delivered-{i}", "delivered", $"x{i}@customs.example")).ToArray();
        var body = Batch([Event("ev-spam", "spamreport", s.Email, s), .. others]);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(host, body)));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Equal(21, answers.Sum(a => a.Json.GetProperty("processed").GetInt32()));
        var counters = await CountersAsync(host);
        Assert.Equal((1, 20), (counters["spamreport"], counters["delivered"]));
        var entry = Assert.Single(await AuditAsync(host, s), a => a.Actor == "sendgrid");
        Assert.Equal("complained", entry.Action);
    }

    [Fact]
    public async Task CountersAreExactUnderConcurrentDeliveriesOfDistinctEvents()
    {
        await using var host = await StartAsync();
        var bodies = Enumerable.Range(0, 10).Select(b => Batch(
            Event($"d-{b}-1", "delivered", $"a{b}@customs.example"),
            Event($"d-{b}-2", "delivered", $"b{b}@customs.example"),
            Event($"o-{b}", "open", $"a{b}@customs.example"),
            Event($"c-{b}", "click", $"a{b}@customs.example"),
            Event($"f-{b}", "deferred", $"c{b}@customs.example"),
            Event($"other-run-{b}", "delivered", $"a{b}@customs.example", run: "run-2026-11-25-daily"))).ToList();

        var answers = await Task.WhenAll(bodies.Select(b => PostAsync(host, b)));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        var counters = await CountersAsync(host);
        Assert.Equal((20L, 10L, 10L, 10L), (counters["delivered"], counters["open"], counters["click"], counters["deferred"]));
        Assert.Equal(10, (await CountersAsync(host, "run-2026-11-25-daily"))["delivered"]);
        Assert.All(await CountersAsync(host, "run-unknown"), c => Assert.Equal(0, c.Value));
    }

    [Fact]
    public async Task ClaimLeftUnfinishedIsTakenOverAfterFiveMinutes()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var at = new DateTimeOffset(2026, 11, 26, 6, 58, 0, TimeSpan.Zero);
        var storage = host.Get<StorageResources>();
        await storage.EnsureCreatedAsync();
        // A delivery that claimed the event a minute ago and has not finished (or died).
        await storage.DeliveryEvents.AddEntityAsync(new TableEntity(DeliveryEvents.PartitionOf("ev-spam"), "ev-spam")
        {
            ["State"] = "Claimed",
            ["ClaimedAt"] = host.Time.GetUtcNow().AddMinutes(-1),
        }, Ct);
        var body = Batch(Event("ev-spam", "spamreport", s.Email, s, at: at));

        var whileInFlight = await PostAsync(host, body);
        host.Time.Advance(TimeSpan.FromMinutes(4));
        var afterTimeout = await PostAsync(host, body);

        Assert.Equal((200, 1), (whileInFlight.Status, whileInFlight.Json.GetProperty("duplicates").GetInt32()));
        Assert.Equal((200, 1), (afterTimeout.Status, afterTimeout.Json.GetProperty("processed").GetInt32()));
        Assert.Equal(SubscriberStatus.Complained, await StatusAsync(host, s));
        Assert.Equal(1, (await CountersAsync(host))["spamreport"]);
        Assert.Equal(0, (await PostAsync(host, body)).Json.GetProperty("processed").GetInt32());
    }

    [Fact]
    public async Task HardBounceBouncesButBlockedDoesNot()
    {
        await using var host = await StartAsync();
        var hard = await AddAsync(host, "a.karimov@customs.uz.example");
        var blocked = await AddAsync(host, "b.smith@hmrc.example");

        var answer = await PostAsync(host, Batch(
            Event("ev-hard", "bounce", hard.Email, hard, type: "bounce", reason: "550 5.1.1 user unknown"),
            Event("ev-blocked", "bounce", blocked.Email, blocked, type: "blocked", reason: "unable to get mx info")));

        Assert.Equal(200, answer.Status);
        Assert.Equal(SubscriberStatus.Bounced, await StatusAsync(host, hard));
        Assert.Equal(SubscriberStatus.Active, await StatusAsync(host, blocked));
        Assert.DoesNotContain(await AuditAsync(host, blocked), a => a.Actor == "sendgrid");
        var counters = await CountersAsync(host);
        Assert.Equal((1, 1), (counters["bounce"], counters["blocked"]));
    }

    [Theory]
    [InlineData("Bounced Address", SubscriberStatus.Bounced)]
    [InlineData("Invalid", SubscriberStatus.Bounced)]
    [InlineData("Unsubscribed Address", SubscriberStatus.Active)]
    [InlineData("Spam Reporting Address", SubscriberStatus.Active)]
    [InlineData("Invalid SMTPAPI header", SubscriberStatus.Active)]
    public async Task DroppedBouncesOnlyWhenTheAddressIsUnusable(string reason, SubscriberStatus expected)
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");

        var answer = await PostAsync(host, Batch(Event("ev-dropped", "dropped", s.Email, s, reason: reason)));

        Assert.Equal(200, answer.Status);
        Assert.Equal(expected, await StatusAsync(host, s));
        Assert.Equal(1, (await CountersAsync(host))["dropped"]);
    }

    [Fact]
    public async Task SpamReportMakesTheSubscriberComplained()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");

        await PostAsync(host, Batch(Event("ev-spam", "spamreport", s.Email, s)));

        Assert.Equal(SubscriberStatus.Complained, await StatusAsync(host, s));
        var entry = Assert.Single(await AuditAsync(host, s), a => a.Actor == "sendgrid");
        Assert.Equal(("complained", "active → complained"), (entry.Action, entry.Changes["status"]));
    }

    [Theory]
    [InlineData("unsubscribe")]
    [InlineData("group_unsubscribe")]
    public async Task UnsubscribeEventsUnsubscribe(string name)
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");

        await PostAsync(host, Batch(Event("ev-unsub", name, s.Email, s)));

        Assert.Equal(SubscriberStatus.Unsubscribed, await StatusAsync(host, s));
        Assert.Equal("unsubscribed", Assert.Single(await AuditAsync(host, s), a => a.Actor == "sendgrid").Action);
        Assert.Equal(1, (await CountersAsync(host))[name]);
    }

    [Theory]
    [InlineData(SubscriberStatus.Complained, "bounce", SubscriberStatus.Complained)]
    [InlineData(SubscriberStatus.Complained, "unsubscribe", SubscriberStatus.Complained)]
    [InlineData(SubscriberStatus.Unsubscribed, "bounce", SubscriberStatus.Unsubscribed)]
    [InlineData(SubscriberStatus.Unsubscribed, "spamreport", SubscriberStatus.Unsubscribed)]
    [InlineData(SubscriberStatus.Bounced, "spamreport", SubscriberStatus.Complained)]
    [InlineData(SubscriberStatus.Pending, "bounce", SubscriberStatus.Bounced)]
    public async Task SubscribersNeverMoveBackUp(SubscriberStatus from, string name, SubscriberStatus expected)
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example", from);

        var answer = await PostAsync(host, Batch(Event("ev-1", name, s.Email, s, type: name == "bounce" ? "bounce" : null)));

        Assert.Equal(200, answer.Status);
        Assert.Equal(expected, await StatusAsync(host, s));
        Assert.Equal(from == expected ? 0 : 1, (await AuditAsync(host, s)).Count(a => a.Actor == "sendgrid"));
    }

    [Fact]
    public async Task WithoutSubscriberIdTheAddressFindsTheSubscriber()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");

        await PostAsync(host, Batch(Event("ev-1", "bounce", " A.Karimov@Customs.UZ.example", type: "bounce")));

        Assert.Equal(SubscriberStatus.Bounced, await StatusAsync(host, s));
    }

    [Fact]
    public async Task UnknownSubscriberIsAcceptedAndCounted()
    {
        await using var host = await StartAsync();

        var answer = await PostAsync(host, Batch(
            Event("ev-1", "bounce", "nobody@customs.example", type: "bounce"),
            Event("ev-2", "spamreport", "gone@customs.example", subscriber: null) is var spam
                ? spam.Replace("\"run_id\"", "\"subscriber_id\":\"0123456789abcdef0123456789abcdef\",\"run_id\"") : "",
            Event("ev-3", "delivered", "nobody@customs.example")));

        Assert.Equal(200, answer.Status);
        Assert.Equal((3, 2), (answer.Json.GetProperty("processed").GetInt32(), answer.Json.GetProperty("unknownSubscribers").GetInt32()));
        var counters = await CountersAsync(host);
        Assert.Equal((1, 1, 1), (counters["bounce"], counters["spamreport"], counters["delivered"]));
    }

    [Fact]
    public async Task MalformedEventsAreSkippedAndTheRestProcessed()
    {
        await using var host = await StartAsync();

        var answer = await PostAsync(host, Batch("42", "{\"email\":\"a@x.example\"}", Event("ev-1", "delivered", "a@x.example")));

        Assert.Equal(200, answer.Status);
        Assert.Equal((3, 1, 2), (answer.Json.GetProperty("received").GetInt32(), answer.Json.GetProperty("processed").GetInt32(),
            answer.Json.GetProperty("malformed").GetInt32()));
        Assert.Equal(1, (await CountersAsync(host))["delivered"]);
    }

    [Theory]
    [InlineData("{\"event\":\"delivered\"}")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task BodyThatIsNotAJsonArrayIsABadRequest(string body)
    {
        await using var host = await StartAsync();

        var answer = await PostAsync(host, body);

        Assert.Equal(400, answer.Status);
        Assert.Equal("body", answer.Json.GetProperty("field").GetString());
    }

    [Fact]
    public async Task EventsAreKeptThirtyDaysFromTheirReceiptWhateverTheirTimestamp()
    {
        await using var host = await StartAsync();
        var now = host.Time.GetUtcNow();
        var events = host.Get<DeliveryEvents>();

        // Received today: an event stamped 31 days ago stays as long as one stamped now (its id must keep meeting its row).
        Assert.Equal(200, (await PostAsync(host,
            Batch(Event("ev-old", "open", "a@x.example", at: now.AddDays(-31)), Event("ev-recent", "open", "a@x.example", at: now)))).Status);
        Assert.NotNull(await events.GetAsync("ev-old", Ct));
        Assert.NotNull(await events.GetAsync("ev-recent", Ct));

        // 29 days later the day's first delivery prunes, and both are still within the 30 days.
        host.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(200, (await PostAsync(host, Batch(Event("ev-day29", "open", "a@x.example", at: host.Time.GetUtcNow())))).Status);
        Assert.NotNull(await events.GetAsync("ev-old", Ct));
        Assert.NotNull(await events.GetAsync("ev-recent", Ct));

        // 32 days after they were received, they go; the later one stays.
        host.Time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(200, (await PostAsync(host, Batch(Event("ev-day32", "open", "a@x.example", at: host.Time.GetUtcNow())))).Status);
        Assert.Null(await events.GetAsync("ev-old", Ct));
        Assert.Null(await events.GetAsync("ev-recent", Ct));
        Assert.NotNull(await events.GetAsync("ev-day29", Ct));
        // Counters are not pruned.
        Assert.Equal(4, (await CountersAsync(host))["open"]);
    }

    [Fact]
    public async Task PruneKeepsWholeDaysOfTheLastThirtyDaysOfRowsOfTheEarlierDayPartitionedScheme()
    {
        await using var host = await StartAsync();
        var storage = host.Get<StorageResources>();
        await storage.EnsureCreatedAsync();
        foreach (var day in new[] { "2026-10-25", "2026-10-26", "2026-10-27", "2026-11-26" })
            foreach (var i in Enumerable.Range(0, 3))
                await storage.DeliveryEvents.AddEntityAsync(new TableEntity(day, $"e{i}") { ["Raw"] = "{}" }, Ct);

        var deleted = await host.Get<DeliveryEvents>().PruneAsync(Ct); // now is 2026-11-26 07:00 UTC

        Assert.Equal(6, deleted);
        var left = new List<string>();
        await foreach (var e in storage.DeliveryEvents.QueryAsync<TableEntity>(cancellationToken: Ct))
            left.Add(e.PartitionKey);
        Assert.Equal(["2026-10-27", "2026-11-26"], left.Distinct().Order());
    }

    [Fact]
    public async Task NotConfiguredAnswers503()
    {
        await using var host = await StartAsync(configured: false);

        var answer = await PostAsync(host, Batch(Event("ev-1", "delivered", "a@x.example")));

        Assert.Equal(503, answer.Status);
        Assert.Equal("application/problem+json", answer.Headers.ContentType.ToString());
        Assert.Contains("SendGrid:WebhookPublicKey", answer.Json.GetProperty("detail").GetString());
        Assert.Contains("not configured", answer.Json.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("not-base64!")]
    [InlineData("AAAA")]
    [InlineData("p384")]
    [InlineData("rsa")]
    public async Task UnusableKeyStopsTheStartNamingTheSetting(string value)
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        var settings = TestSettings.For(azurite);
        settings["SendGrid:WebhookPublicKey"] = value switch
        {
            "p384" => Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo()),
            "rsa" => Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()),
            _ => value,
        };

        var e = await Assert.ThrowsAnyAsync<Exception>(() => TestHost.StartAsync(settings));

        Assert.Contains("SendGrid:WebhookPublicKey", AllMessages(e));
    }

    /// <summary>The test vector SendGrid's own libraries verify against (key, payload, timestamp and DER signature from SendGrid).</summary>
    [Theory]
    [InlineData(SendGridKey, SendGridPayload, "1588788367", SendGridSignature, true)]
    [InlineData(SendGridKey, SendGridPayload, "1588788368", SendGridSignature, false)]
    [InlineData(SendGridKey, "payload", "1588788367", SendGridSignature, false)]
    [InlineData(SendGridKey, SendGridPayload, "1588788367",
        "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=", false)]
    [InlineData("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==",
        SendGridPayload, "1588788367", SendGridSignature, false)]
    public void VerifiesSendGridsTestVector(string key, string payload, string timestamp, string signature, bool valid)
    {
        Assert.True(SendGridWebhookKey.TryParse(key, out var spki, out _));
        Assert.Equal(valid, SendGridEventWebhook.Verify(spki, timestamp, Encoding.UTF8.GetBytes(payload), signature));
    }

    private const string SendGridKey =
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
    private const string SendGridPayload = """{"category":"example_payload","event":"test_event","message_id":"message_id"}""";
    private const string SendGridSignature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";

    [Fact]
    public void IeeeSignatureIsNotAccepted()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = Encoding.UTF8.GetBytes("[]");
        var ieee = Convert.ToBase64String(
            key.SignData(Encoding.UTF8.GetBytes("1588788367[]"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var der = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes("1588788367[]"), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.False(SendGridEventWebhook.Verify(key.ExportSubjectPublicKeyInfo(), "1588788367", body, ieee));
        Assert.True(SendGridEventWebhook.Verify(key.ExportSubjectPublicKeyInfo(), "1588788367", body, der));
    }

    private static string AllMessages(Exception e)
        => e is AggregateException a
            ? string.Join("\n", a.InnerExceptions.Select(AllMessages))
            : e.Message + (e.InnerException is { } inner ? "\n" + AllMessages(inner) : "");
}
