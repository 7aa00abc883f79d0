using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Notifications.Delivery;
using Notifications.Subscribers;
using Notifications.Web;

namespace Notifications.MicroBenchmarks;

/// <summary>
/// <see cref="SendGridEventWebhook.Verify"/>: SendGrid's Signed Event Webhook check, ECDSA P-256 / SHA-256 over the timestamp header
/// and the raw body, on a body of delivery events for a digest batch, signed the way SendGrid signs it (DER, base64) with a key
/// generated here. One event (the fixed cost of the signature check) and a batch of 100 (SendGrid groups events into such posts).
/// </summary>
[MemoryDiagnoser]
public class WebhookSignatureBenchmarks
{
    private byte[] _publicKey = null!;
    private string _timestamp = null!;
    private byte[] _body = null!;
    private string _signature = null!;

    [Params(1, 100)]
    public int Events { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // As the webhook reads SendGrid:WebhookPublicKey: base64 of the DER SubjectPublicKeyInfo.
        if (!SendGridWebhookKey.TryParse(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), out _publicKey, out var error))
            throw new InvalidOperationException("The generated key is not usable: " + error);
        _timestamp = BenchmarkInputs.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _body = Encoding.UTF8.GetBytes(Body(Events));
        _signature = Convert.ToBase64String(key.SignData([.. Encoding.UTF8.GetBytes(_timestamp), .. _body], HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence));
    }

    [Benchmark]
    public bool Verify() => SendGridEventWebhook.Verify(_publicKey, _timestamp, _body, _signature);

    /// <summary>A JSON array of events as SendGrid posts them: processed, delivered, open, click, a bounce now and then.</summary>
    private static string Body(int count)
    {
        string[] kinds = ["processed", "delivered", "open", "click", "delivered", "bounce"];
        var events = Enumerable.Range(0, count).Select(i =>
        {
            var name = kinds[i % kinds.Length];
            var email = $"official{i:D4}.{i % 97}@customs.example";
            var e = new Dictionary<string, object?>
            {
                ["email"] = email,
                ["timestamp"] = BenchmarkInputs.Now.AddSeconds(i).ToUnixTimeSeconds(),
                ["smtp-id"] = $"<14c5d75ce93.dfd.{i:x6}@ismtpd-555>",
                ["event"] = name,
                ["category"] = new[] { "digest", "daily" },
                ["sg_event_id"] = Convert.ToBase64String(SHA256.HashData(BitConverter.GetBytes(i)))[..22],
                ["sg_message_id"] = $"14c5d75ce93.dfd.64b469.filter0001.16648.{i:X8}.0",
                ["run_id"] = "daily-2026-11-26T07",
                ["batch_id"] = "b00000",
                ["subscriber_id"] = BenchmarkInputs.Get<SubscriberIds>().Of(email),
            };
            if (name == "open") e["useragent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
            if (name == "click") e["url"] = "https://secretariat.example/news/ptc-241-242";
            if (name == "bounce")
            {
                e["type"] = "bounce";
                e["reason"] = "550 5.1.1 The email account that you tried to reach does not exist.";
                e["status"] = "5.1.1";
            }
            return JsonSerializer.Serialize(e);
        });
        return "[" + string.Join(",", events) + "]";
    }
}
