using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Delivery;

namespace Notifications.Web;

/// <summary>
/// SendGrid's Event Webhook (<c>POST /api/sendgrid/events</c>), the HTTP of it: verifies the Signed Event Webhook signature, reads the
/// events, and answers. What becomes of them is <see cref="SendGridEventProcessor"/>'s: each recorded once (SendGrid delivers
/// duplicates), counted per digest run, evidence for the batch it names, and its fact about the recipient (bounced, complained,
/// unsubscribed) applied to the subscriber. What is stored of an event holds nothing personal (<see cref="DeliveryEvents"/>): the JSON,
/// the address and the reason are read here and dropped, so an event that arrives after its subscriber was erased stores their address nowhere.
/// <para>
/// Answers: 200 once the batch is processed (duplicates, unknown subscribers and malformed events included: SendGrid retries
/// anything else); 401 without a valid signature or with a timestamp more than 5 minutes from now (the headers and the
/// timestamp are checked before the body is read); 413 when the body is larger than <c>Requests:WebhookMaxBytes</c> (2 MB by
/// default; at most that + 1 byte is read, into one buffer); 400 when the body is not a JSON array; 503 while
/// <c>SendGrid:WebhookPublicKey</c> is not set. Addresses are logged masked; the signature never.
/// </para>
/// </summary>
public sealed class SendGridEventWebhook(
    IOptions<SendGridOptions> options,
    IOptions<RequestLimitOptions> limits,
    SendGridEventProcessor processor,
    TimeProvider time,
    ILogger<SendGridEventWebhook> logger)
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";
    public static readonly TimeSpan TimestampTolerance = TimeSpan.FromMinutes(5);
    private const int MaxKeyLength = SendGridEventProcessor.MaxKeyLength;

    private readonly Lazy<byte[]?> _publicKey = new(() => SendGridWebhookKey.TryParse(options.Value.WebhookPublicKey, out var key, out _) ? key : null);

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        if (_publicKey.Value is not { } publicKey)
            return Problems.Problem(
                503,
                "Service unavailable.",
                "The SendGrid event webhook is not configured: set SendGrid:WebhookPublicKey to the verification key of SendGrid's Signed Event Webhook.",
                null);

        var signature = request.Headers[SignatureHeader];
        var timestamp = request.Headers[TimestampHeader];
        if (signature.Count != 1 || string.IsNullOrEmpty(signature[0]) || timestamp.Count != 1 || string.IsNullOrEmpty(timestamp[0]))
            return Unauthorized($"The {SignatureHeader} and {TimestampHeader} headers are required (enable the Signed Event Webhook in SendGrid).");
        if (!TryParseUnixSeconds(timestamp[0]!, out var signedAt))
            return Unauthorized($"The {TimestampHeader} header is not a Unix time in seconds.");
        var age = time.GetUtcNow() - signedAt;
        if (age > TimestampTolerance || -age > TimestampTolerance)
            return Unauthorized($"The {TimestampHeader} header is more than {TimestampTolerance.TotalMinutes:0} minutes from the current time.");

        // Only now is the body read: at most the cap, into one buffer, and verified there.
        var maxBytes = limits.Value.WebhookMaxBytes;
        if (await BoundedBody.ReadAsync(request, maxBytes, ct) is not { } body)
        {
            logger.LogWarning("Refused a SendGrid event webhook request: the body is larger than {MaxBytes} bytes", maxBytes);
            return BoundedBody.TooLarge(maxBytes);
        }
        if (!Verify(publicKey, timestamp[0]!, body, signature[0]!))
        {
            logger.LogWarning("Refused a SendGrid event webhook request: the signature does not verify");
            return Unauthorized("The signature does not verify against SendGrid:WebhookPublicKey over the timestamp and the body.");
        }

        List<DeliveryEvent> received;
        var malformed = 0;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                return Problems.BadRequest("body", "The body must be a JSON array of events.");
            received = [];
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (Parse(element) is { } e) received.Add(e);
                else malformed++;
            }
        }
        catch (JsonException)
        {
            return Problems.BadRequest("body", "The body is not valid JSON: it must be a JSON array of events.");
        }

        var summary = await processor.ProcessAsync(received, ct);
        logger.LogInformation(
            "SendGrid events: {Received} received, {New} new, {Duplicates} duplicates, {Changed} status changes, {Unknown} for unknown " +
                "subscribers, {Malformed} malformed",
            received.Count + malformed, summary.New, summary.Duplicates, summary.Changed, summary.Unknown, malformed);
        return Results.Json(new
        {
            received = received.Count + malformed,
            processed = summary.New,
            duplicates = summary.Duplicates,
            statusChanges = summary.Changed,
            unknownSubscribers = summary.Unknown,
            malformed,
        }, Problems.Json);
    }

    /// <summary>
    /// SendGrid's Signed Event Webhook: an ECDSA P-256 / SHA-256 signature, base64 of its DER (ASN.1) form, over the timestamp header's
    /// bytes followed by the body's bytes exactly as received.
    /// </summary>
    public static bool Verify(byte[] publicKey, string timestamp, ReadOnlySpan<byte> body, string signatureBase64)
    {
        var signature = new byte[signatureBase64.Length];
        if (!Convert.TryFromBase64String(signatureBase64.Trim(), signature, out var length))
            return false;
        // Hashed in place (timestamp, then body), so the body is never copied.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(timestamp));
        hash.AppendData(body);
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
            return ecdsa.VerifyHash(hash.GetHashAndReset(), signature.AsSpan(0, length), DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>One event of the array; null when it is not an object with an event name.</summary>
    private DeliveryEvent? Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || Text(element, "event") is not { Length: > 0 } name)
            return null;
        var raw = element.GetRawText();
        var eventId = Text(element, "sg_event_id") is { Length: > 0 and <= MaxKeyLength } id
            ? id
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));
        var timestamp = element.TryGetProperty("timestamp", out var t) && TryUnixSeconds(t, out var at) ? at : time.GetUtcNow();
        return new DeliveryEvent(eventId, name.Trim().ToLowerInvariant(), Text(element, "type"), Text(element, "reason"), Text(element, "email"),
            timestamp, Text(element, "run_id"), Text(element, "batch_id"), Text(element, "subscriber_id"), Text(element, "plan_id"),
            DeliveryEvents.LinkOf(Text(element, "url")));
    }

    private static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static bool TryUnixSeconds(JsonElement value, out DateTimeOffset at)
    {
        at = default;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out var seconds) && FromUnix(seconds, out at),
            JsonValueKind.String => TryParseUnixSeconds(value.GetString() ?? "", out at),
            _ => false,
        };
    }

    private static bool TryParseUnixSeconds(string text, out DateTimeOffset at)
    {
        at = default;
        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && FromUnix(seconds, out at);
    }

    private static bool FromUnix(long seconds, out DateTimeOffset at)
    {
        at = default;
        if (seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()) return false;
        at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static IResult Unauthorized(string detail) => Problems.Problem(401, "Unauthorized.", detail, null);
}
