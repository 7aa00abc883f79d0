using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Core.Tests.Telemetry;

/// <summary>
/// Every log entry of real flows, at Trace level, on Azurite and the strict SendGrid fake: self-service subscribe and confirm, articles
/// rejected with the address as their editor (once valid, once quoted in the rejection), a digest refused by SendGrid with an error that
/// names the address and then sent, the unsubscribe page, and signed Event Webhook events for the address. With the redaction that
/// <c>AddNotifications</c> sets up, no entry holds the address, any token or the SendGrid API key; without it, the same capture does.
/// </summary>
public sealed partial class LogRedactionEndToEndTests(AzuriteFixture azurite) : IDisposable
{
    private const string Address = "a.karimov@customs.uz.example";
    private const string BaseUrl = "https://notify.secretariat.example";
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ECDsa _webhookKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _webhookKey.Dispose();

    private sealed record Flows(LogCapture Capture, IReadOnlyList<string> Tokens, int Requests);

    [Fact]
    public async Task NoLogEntryOfTheRealFlowsHoldsTheAddressOrAToken()
    {
        var flows = await RunFlowsAsync(redaction: true);
        var lines = flows.Capture.Lines;

        // The flows ran and were logged: about this address too, masked.
        Assert.True(lines.Count > 30, $"only {lines.Count} log entries");
        Assert.True(flows.Tokens.Count >= 4, string.Join(", ", flows.Tokens)); // confirm, tampered, unsubscribe, preferences
        Assert.Contains(lines, l => l.Contains("a***@customs.uz.example", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("was not sent", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("invalid-editor", StringComparison.Ordinal));

        foreach (var line in lines)
        {
            Assert.DoesNotContain(Address, line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Address.Replace("@", "%40", StringComparison.Ordinal), line, StringComparison.OrdinalIgnoreCase);
            foreach (var token in flows.Tokens)
                Assert.DoesNotContain(token, line, StringComparison.Ordinal);
            // HttpClient's Trace entry masks header values in its message but not in its structured values.
            Assert.DoesNotContain(FakeSendGrid.ApiKey, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WithoutTheRedactionLayerTheSameCaptureHoldsTheAddress()
    {
        // The check above can fail: the same flows, with the plain logger factory instead of the redacting and scrubbing one.
        var flows = await RunFlowsAsync(redaction: false);

        Assert.Contains(flows.Capture.Lines, l => l.Contains(Address, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(flows.Capture.Lines, l => l.Contains(FakeSendGrid.ApiKey, StringComparison.Ordinal));
    }

    private async Task<Flows> RunFlowsAsync(bool redaction)
    {
        var capture = new LogCapture();
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Links:BaseUrl"] = BaseUrl;
        settings["Articles:EditorsEmail"] = "press@secretariat.example";
        settings["SendGrid:WebhookPublicKey"] = Convert.ToBase64String(_webhookKey.ExportSubjectPublicKeyInfo());
        await using var host = await TestHost.StartAsync(settings, Morning, services =>
        {
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
            if (!redaction)
            {
                services.RemoveAll<ILoggerFactory>();
                services.AddSingleton<ILoggerFactory, LoggerFactory>();
            }
        });
        var pages = host.Get<SubscriptionPages>();
        var tokens = new List<string>();

        // Self-service: subscribe with the address, confirm with the token from the confirmation email.
        var subscribed = await HttpCall.InvokeAsync(host.Services, r => pages.SubscribeAsync(r, Ct), "POST",
            body: "email=a.karimov%40customs.uz.example&name=Aziz+Karimov&organization=State+Customs+Committee&country=uz&language=en&" +
                "frequency=daily&topics=e-commerce",
            contentType: "application/x-www-form-urlencoded", headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.7" });
        Assert.Equal(200, subscribed.Status);
        await host.Get<SubscribeConfirmationQueue>().DrainAsync(
            (m, t) => host.Get<SubscribeConfirmationSender>().SendAsync(m, t), TimeSpan.FromSeconds(30), Ct);
        var confirm = TokensIn(Assert.Single(sendGrid.Accepted)).Single();
        tokens.Add(confirm);
        var tampered = confirm[..^2] + (confirm[^2] == 'A' ? "B" : "A") + confirm[^1];
        tokens.Add(tampered);
        Assert.Equal(400, (await HttpCall.InvokeAsync(host.Services, r => pages.ConfirmAsync(r, Ct), "POST", "?token=" + tampered)).Status);
        Assert.Equal(200, (await HttpCall.InvokeAsync(host.Services, r => pages.ConfirmAsync(r, Ct), "GET", "?token=" + confirm)).Status);
        Assert.Equal(200, (await HttpCall.InvokeAsync(host.Services, r => pages.ConfirmAsync(r, Ct), "POST", "?token=" + confirm)).Status);
        var subscriber = await host.Get<SubscriberStore>().GetAsync(host.Get<SubscriberStore>().IdOf(Address), Ct);
        Assert.Equal(SubscriberStatus.Active, subscriber!.Status);

        // Articles, as the blob trigger ingests them: one accepted, two rejected with the address as their editor.
        await PublishAsync(host, "2026/ptc-241.md", "---\ntitle: PTC closes its 241st session\npublished: 2026-11-20\ntopics: [e-commerce]\n---\nBody.\n");
        await PublishAsync(host, "2026/untitled.md", $"---\neditor: {Address}\ntopics: [e-commerce]\n---\nA body without a title.\n", IngestOutcome.Rejected);
        // "Name <address>" is accepted; with text after the brackets it is not, and the rejection quotes the address.
        await PublishAsync(host, "2026/display-name.md", $"---\ntitle: Quoted\neditor: Aziz Karimov <{Address}> (press)\n---\nBody.\n", IngestOutcome.Rejected);

        // The digest: SendGrid first refuses it with an error that names the address (the batch fails), then the rerun sends it.
        host.Time.Advance(TimeSpan.FromHours(1));
        sendGrid.EnqueueAnswer(
            400, $"The to address {Address} is on your suppression list; remove it at https://app.example/suppressions?email={Uri.EscapeDataString(Address)}");
        var refused = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        Assert.Equal(1, refused.BatchesFailed);
        var sent = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        Assert.Equal((1, 1), (sent.BatchesSentNow, sent.RecipientsSentNow));
        var digest = sendGrid.Accepted[^1];
        Assert.Equal([Address], digest.Recipients);
        var digestTokens = TokensIn(digest);
        Assert.True(digestTokens.Count >= 2, string.Join(", ", digestTokens)); // unsubscribe and preferences links
        tokens.AddRange(digestTokens);

        // The unsubscribe page from the digest's link (GET shows it, changes nothing).
        var unsubscribe = UnsubscribeLink().Match(digest.Body.GetRawText()).Groups[1].Value;
        Assert.Contains(unsubscribe, digestTokens);
        Assert.Equal(200, (await HttpCall.InvokeAsync(host.Services, r => pages.UnsubscribeAsync(r, Ct), "GET", "?token=" + unsubscribe)).Status);

        // SendGrid's Event Webhook: the digest delivered and opened, then a bounce; and an event for an address nobody has.
        var webhook = await PostEventsAsync(host,
            Event("ev-delivered", "delivered", Address, subscriber.Id, sent.RunId),
            Event("ev-open", "open", Address, subscriber.Id, sent.RunId),
            Event("ev-bounce", "bounce", Address, subscriber.Id, sent.RunId, reason: $"550 5.1.1 <{Address}>: Recipient address rejected"),
            Event("ev-unknown", "bounce", "nobody.here@customs.uz.example", null, sent.RunId));
        Assert.Equal(200, webhook.Status);
        Assert.Equal(SubscriberStatus.Bounced, (await host.Get<SubscriberStore>().GetAsync(subscriber.Id, Ct))!.Status);

        tokens.AddRange(sendGrid.Requests.SelectMany(TokensIn));
        return new Flows(capture, tokens.Distinct(StringComparer.Ordinal).ToList(), sendGrid.Requests.Count);
    }

    private static async Task PublishAsync(TestHost host, string name, string content, IngestOutcome expected = IngestOutcome.Accepted)
    {
        await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct);
        Assert.Equal(expected, (await host.Get<ArticlePublished>().IngestAsync(name, Ct)).Outcome);
    }

    private static List<string> TokensIn(SendGridRequest request)
        => TokenParameter().Matches(request.Body.GetRawText()).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    private Task<HttpAnswer> PostEventsAsync(TestHost host, params string[] events)
    {
        var body = "[" + string.Join(",", events) + "]";
        var timestamp = host.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(
            _webhookKey.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var webhook = host.Get<SendGridEventWebhook>();
        return HttpCall.InvokeAsync(host.Services, r => webhook.HandleAsync(r, Ct), "POST", body: body, headers: new Dictionary<string, string>
        {
            [SendGridEventWebhook.TimestampHeader] = timestamp,
            [SendGridEventWebhook.SignatureHeader] = signature,
        });
    }

    private static string Event(string id, string name, string email, string? subscriberId, string run, string? reason = null)
    {
        var e = new Dictionary<string, object?>
        {
            ["email"] = email,
            ["timestamp"] = new DateTimeOffset(2026, 11, 26, 7, 1, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
            ["event"] = name,
            ["sg_event_id"] = id,
            ["sg_message_id"] = "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
            ["run_id"] = run,
            ["batch_id"] = "b00000",
        };
        if (subscriberId is not null) e["subscriber_id"] = subscriberId;
        if (reason is not null)
        {
            e["type"] = "bounce";
            e["reason"] = reason;
        }
        return JsonSerializer.Serialize(e);
    }

    [GeneratedRegex(@"token=([A-Za-z0-9_-]{20,})")]
    private static partial Regex TokenParameter();

    [GeneratedRegex(@"/api/unsubscribe\?token=([A-Za-z0-9_-]{20,})")]
    private static partial Regex UnsubscribeLink();
}
