using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>
/// What the admin's profile screen does to one subscriber, on Azurite: why a subscriber stopped receiving (a signed webhook bounce's
/// reason and date), the digests they were in, the manage link by mail, the address change that the new address confirms, and erasure
/// of what these keep.
/// </summary>
public sealed partial class SubscriberProfileActionsTests(AzuriteFixture azurite) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "profile-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _key.Dispose();
        if (Directory.Exists(_outbox)) Directory.Delete(_outbox, recursive: true);
    }

    private Dictionary<string, string?> _settings = [];

    private async Task<TestHost> StartAsync()
    {
        var settings = _settings = TestSettings.For(azurite, _outbox);
        settings["SendGrid:WebhookPublicKey"] = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
        return await TestHost.StartAsync(settings);
    }

    private static Task<Subscriber> AddAsync(TestHost host, string email, string name = "Akmal Karimov")
        => host.Get<SubscriberAdmin>().CreateAsync(new NewSubscriber(email, name, "State Customs Committee", "ru", DigestFrequency.Weekly,
            Country: "UZ", TimeZone: "Asia/Tashkent"), "user:admin@secretariat.example", Ct);

    private Task<HttpAnswer> PostEventsAsync(TestHost host, string body)
    {
        var timestamp = host.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence));
        var webhook = host.Get<SendGridEventWebhook>();
        return HttpCall.InvokeAsync(host.Services, r => webhook.HandleAsync(r, Ct), "POST", body: body, headers: new Dictionary<string, string>
        {
            [SendGridEventWebhook.TimestampHeader] = timestamp,
            [SendGridEventWebhook.SignatureHeader] = signature,
        });
    }

    private static string Event(string id, string name, Subscriber s, DateTimeOffset at, string run, string? type = null, string? reason = null)
    {
        var e = new Dictionary<string, object?>
        {
            ["email"] = s.Email, ["timestamp"] = at.ToUnixTimeSeconds(), ["event"] = name, ["sg_event_id"] = id, ["run_id"] = run,
            ["batch_id"] = "b00000", ["subscriber_id"] = s.Id,
        };
        if (type is not null) e["type"] = type;
        if (reason is not null) e["reason"] = reason;
        return JsonSerializer.Serialize(e);
    }

    [Fact]
    public async Task ASignedBounceLeavesItsSmtpReasonAndDateOnTheSubscriberAndTheRunInTheirTimeline()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var delivered = new DateTimeOffset(2026, 11, 19, 6, 0, 0, TimeSpan.Zero);
        var bounced = new DateTimeOffset(2026, 11, 26, 6, 1, 0, TimeSpan.Zero);
        const string Reason = "550 5.1.1 The email account that you tried to reach does not exist.";

        var answer = await PostEventsAsync(host, "[" + string.Join(",",
            Event("ev-1", "delivered", s, delivered, "weekly-2026-11-19T06"),
            Event("ev-2", "open", s, delivered.AddHours(2), "weekly-2026-11-19T06"),
            Event("ev-3", "bounce", s, bounced, "weekly-2026-11-26T06", type: "bounce", reason: Reason)) + "]");

        Assert.True(answer.Status == 200, answer.Body);
        var after = (await host.Get<SubscriberStore>().GetAsync(s.Id, Ct))!;
        Assert.Equal(SubscriberStatus.Bounced, after.Status);
        Assert.Equal(Reason, after.StatusReason);
        Assert.Equal(bounced, after.StatusChangedAt);
        var runs = await host.Get<RecipientTimeline>().OfAsync(s.Id, Ct);
        Assert.Equal(["weekly-2026-11-26T06", "weekly-2026-11-19T06"], runs.Select(r => r.RunId));
        Assert.Equal(["bounce"], runs[0].Events);
        Assert.Equal(["delivered", "open"], runs[1].Events);
    }

    [Fact]
    public async Task TheManageLinkGoesToTheSubscriberOnlyInTheirLanguageWithWorkingLinks()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");

        await host.Get<ManageLinkMailer>().SendAsync(s.Id, "user:admin@secretariat.example", Ct);

        var mail = Assert.Single(OutboxMail.ReadAll(_outbox));
        Assert.Equal(s.Email, mail.To());
        Assert.Contains("настройки", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        var token = PreferencesLink().Match(mail.TextBody ?? "").Groups[1].Value;
        Assert.Equal(s.Id, host.Get<SubscriptionTokens>().Verify(token, TokenPurpose.Preferences).SubscriberId);
        Assert.Contains(await host.Get<SubscriberAudit>().ListAsync(s.Id, Ct),
            a => a.Action == "manage link sent" && a.Actor == "user:admin@secretariat.example");
    }

    [Fact]
    public async Task NoManageLinkGoesToAnAddressThatBounced()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        await host.Get<IRecipientEventHandler>().HandleAsync(new RecipientEvent(s.Id, RecipientFact.Bounced, "sendgrid", "bounce", "ev", s.Email), Ct);

        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(() => host.Get<ManageLinkMailer>().SendAsync(s.Id, "user:admin", Ct));

        Assert.Equal("status", e.Field);
        Assert.False(Directory.Exists(_outbox) && OutboxMail.ReadAll(_outbox).Count > 0);
    }

    [Fact]
    public async Task AnAddressChangeMovesTheSubscriberOnlyOnceTheNewAddressConfirms()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        await host.Get<SubscriberAdmin>().UpdateAsync(s.Id, new SubscriberPatch(Topics: ["e-commerce"]), "user:admin", Ct);
        var changes = host.Get<AddressChanges>();
        const string NewAddress = "akmal.karimov@customs.uz.example";

        var pending = await changes.StartAsync(s, "Akmal.Karimov@Customs.UZ.example", "user:admin@secretariat.example", Ct);

        // Nothing changed yet; the link went to the new address only.
        Assert.Equal(NewAddress, pending!.NewEmail);
        Assert.NotNull(await host.Get<SubscriberStore>().GetAsync(s.Id, Ct));
        Assert.Null(await host.Get<SubscriberStore>().FindByEmailAsync(NewAddress, Ct));
        var mail = Assert.Single(OutboxMail.ReadAll(_outbox));
        Assert.Equal(NewAddress, mail.To());
        var token = AddressLink().Match(mail.TextBody ?? "").Groups[1].Value;
        Assert.Throws<InvalidTokenException>(() => host.Get<SubscriptionTokens>().Verify(token, TokenPurpose.Preferences));

        var read = await changes.ReadAsync(token, Ct);
        var moved = await host.Get<SubscriberAddressMove>().ApplyAsync(read!, Ct);

        Assert.Null(await host.Get<SubscriberStore>().GetAsync(s.Id, Ct));
        var now = (await host.Get<SubscriberStore>().FindByEmailAsync(NewAddress, Ct))!;
        Assert.Equal(moved.Id, now.Id);
        Assert.Equal((s.Name, "ru", DigestFrequency.Weekly, "Asia/Tashkent", SubscriberStatus.Active, s.CreatedAt),
            (now.Name, now.Language, now.Frequency, now.TimeZone, now.Status, now.CreatedAt));
        Assert.Equal(["e-commerce"], now.TopicList);
        var history = await host.Get<SubscriberAudit>().ListAsync(now.Id, Ct);
        Assert.Contains(history, h => h.Action == "created");
        Assert.Contains(history, h => h.Action == "address changed");
        Assert.DoesNotContain(history, h => h.Changes.Values.Any(v => v.Contains('@')));
        Assert.Null(await changes.ReadAsync(token, Ct)); // used: the link works once
    }

    [Fact]
    public async Task AnAddressChangeToAnotherSubscribersAddressIsRefusedNamingTheAddressInFull()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        var other = await AddAsync(host, "b.smith@hmrc.example", "Bea Smith");

        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(
            () => host.Get<AddressChanges>().StartAsync(s, other.Email, "user:admin", Ct));

        Assert.Equal("newEmail", e.Field);
        Assert.Contains("b.smith@hmrc.example", e.ForAdmin);
        Assert.DoesNotContain("b.smith@hmrc.example", e.Message); // the message may reach a log
        Assert.False(Directory.Exists(_outbox) && OutboxMail.ReadAll(_outbox).Count > 0);
    }

    [Fact]
    public async Task ErasureForgetsAWaitingAddressChangeAndTheDeliveryTimeline()
    {
        await using var host = await StartAsync();
        var s = await AddAsync(host, "a.karimov@customs.uz.example");
        await PostEventsAsync(host, "[" + Event("ev-1", "delivered", s, host.Time.GetUtcNow(), "weekly-2026-11-26T06") + "]");
        await host.Get<AddressChanges>().StartAsync(s, "akmal.karimov@customs.uz.example", "user:admin", Ct);
        var token = AddressLink().Match(Assert.Single(OutboxMail.ReadAll(_outbox)).TextBody ?? "").Groups[1].Value;

        await host.Get<SubscriberAdmin>().EraseAsync(s.Id, "user:admin", Ct);

        Assert.Empty(await host.Get<RecipientTimeline>().OfAsync(s.Id, Ct));
        Assert.Null(await host.Get<AddressChanges>().ReadAsync(token, Ct));
        var prefix = _settings["Storage:SubscribersTable"]![..11];
        Assert.Empty(await StorageScan.FindAsync(_settings["AzureWebJobsStorage"]!, name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase),
            ["akmal.karimov@customs.uz.example", s.Email], Ct));
    }

    [GeneratedRegex(@"/api/preferences\?token=([A-Za-z0-9_-]+)")]
    private static partial Regex PreferencesLink();

    [GeneratedRegex(@"/api/address\?token=([A-Za-z0-9_-]+)")]
    private static partial Regex AddressLink();
}
