using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;
using Notifications.Mail;
using Notifications.Delivery;

namespace Notifications.Web;

/// <summary>
/// SendGrid's Event Webhook (<c>POST /api/sendgrid/events</c>): verifies the Signed Event Webhook signature, records each event
/// once (SendGrid delivers duplicates), moves subscribers to Bounced, Complained or Unsubscribed, and counts events per digest run.
/// What is stored of an event holds nothing personal (<see cref="DeliveryEvents"/>): the JSON, the address and the reason are read
/// here and dropped, so an event that arrives after its subscriber was erased stores their address nowhere.
/// <para>
/// Effects, by event (anything else is only counted):
/// <list type="bullet">
/// <item><c>bounce</c> of type <c>bounce</c> (hard) → Bounced. Type <c>blocked</c> (or none) changes nothing; blocked is counted as <c>blocked</c>.</item>
/// <item><c>dropped</c> whose reason says the address is unusable (<c>Bounced Address</c>, <c>Invalid</c>, <c>Invalid Address</c>) → Bounced;
/// other reasons (Unsubscribed Address, Spam Reporting Address, Invalid SMTPAPI header, Spam Content, over quota…) change nothing.</item>
/// <item><c>spamreport</c> → Complained.</item>
/// <item><c>unsubscribe</c>, <c>group_unsubscribe</c> → Unsubscribed.</item>
/// </list>
/// A subscriber only ever moves "down": Pending, Active and Suspended may become Bounced; anything but Unsubscribed and Complained
/// may become Unsubscribed or Complained; Unsubscribed and Complained stay as they are. The subscriber is the one named by the
/// subscriber_id custom arg, else the one whose id is the hash of the event's address. Every change is audited (actor "sendgrid").
/// Any event that names a digest batch (run_id, batch_id, plan_id custom args) is also evidence that SendGrid accepted the batch
/// (<see cref="UncertainBatchResolver.RecordEventsAsync"/>): an Uncertain batch becomes Sent.
/// </para>
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
    DeliveryEvents events,
    SubscriberStore subscribers,
    SubscriberAudit audit,
    TimeProvider time,
    ILogger<SendGridEventWebhook> logger,
    UncertainBatchResolver uncertain)
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";
    public const string Actor = "sendgrid";
    public static readonly TimeSpan TimestampTolerance = TimeSpan.FromMinutes(5);
    private const int MaxKeyLength = 256;
    private const int Parallelism = 8;

    /// <summary>Dropped reasons that say the address itself cannot receive mail.</summary>
    private static readonly HashSet<string> UnusableAddressReasons = new(StringComparer.OrdinalIgnoreCase) { "Bounced Address", "Invalid", "Invalid Address" };

    private readonly Lazy<byte[]?> _publicKey = new(() => SendGridWebhookKey.TryParse(options.Value.WebhookPublicKey, out var key, out _) ? key : null);

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        if (_publicKey.Value is not { } publicKey)
            return Problems.Problem(503, "Service unavailable.",
                "The SendGrid event webhook is not configured: set SendGrid:WebhookPublicKey to the verification key of SendGrid's Signed Event Webhook.", null);

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

        var summary = await ProcessAsync(received, ct);
        await events.PruneIfDueAsync(ct);
        logger.LogInformation(
            "SendGrid events: {Received} received, {New} new, {Duplicates} duplicates, {Changed} status changes, {Unknown} for unknown subscribers, {Malformed} malformed",
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

    /// <summary>A run's event counts (<see cref="DeliveryEvents.CountersAsync"/>), for <c>notify digest status</c>.</summary>
    public Task<IReadOnlyDictionary<string, long>> CountersAsync(string runId, CancellationToken ct = default) => events.CountersAsync(runId, ct);

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

    private sealed class Summary
    {
        public int New;
        public int Duplicates;
        public int Changed;
        public int Unknown;
    }

    /// <summary>
    /// Claims each event (skipping those seen before), applies status changes (in parallel across subscribers, in time order for one),
    /// then adds to the run counters and marks the events processed. On failure the claims not yet counted are released, so that
    /// SendGrid's retry processes them again (status changes are idempotent).
    /// </summary>
    private async Task<Summary> ProcessAsync(List<DeliveryEvent> received, CancellationToken ct)
    {
        var summary = new Summary();
        var claimed = new ConcurrentDictionary<string, EventClaim>();
        var groups = received
            .DistinctBy(e => e.EventId)
            .Select(e => (Event: e, Target: TargetIdOf(e)))
            .GroupBy(x => x.Target ?? "event:" + x.Event.EventId)
            .Select(g => g.OrderBy(x => x.Event.Timestamp).ToList())
            .ToList();
        summary.Duplicates = received.Count - groups.Sum(g => g.Count);
        try
        {
            await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (group, token) =>
            {
                foreach (var (e, target) in group)
                {
                    if (await events.TryClaimAsync(e, token) is not { } claim)
                    {
                        Interlocked.Increment(ref summary.Duplicates);
                        continue;
                    }
                    claimed[e.EventId] = claim;
                    Interlocked.Increment(ref summary.New);
                    switch (await ApplyAsync(e, target, token))
                    {
                        case Outcome.Changed: Interlocked.Increment(ref summary.Changed); break;
                        case Outcome.UnknownSubscriber: Interlocked.Increment(ref summary.Unknown); break;
                    }
                }
            });

            // Any event naming a batch proves SendGrid accepted its request: recorded, and an Uncertain batch becomes Sent.
            await uncertain.RecordEventsAsync(claimed.Values.Select(c => c.Event), ct);

            foreach (var counter in claimed.Values.GroupBy(c => (RunId: CounterRunOf(c.Event), c.Event.CounterName)))
            {
                var list = counter.ToList();
                if (counter.Key.RunId is { } runId)
                    await events.IncrementAsync(runId, counter.Key.CounterName, list.Count, ct);
                await events.MarkProcessedAsync(list, ct);
                foreach (var c in list) claimed.TryRemove(c.Event.EventId, out _);
            }
        }
        catch
        {
            await events.ReleaseAsync(claimed.Values);
            throw;
        }
        return summary;
    }

    private enum Outcome { NoChange, Changed, UnknownSubscriber }

    private async Task<Outcome> ApplyAsync(DeliveryEvent e, string? subscriberId, CancellationToken ct)
    {
        if (TargetStatusOf(e) is not { } target)
            return Outcome.NoChange;
        if (subscriberId is null)
        {
            logger.LogInformation("SendGrid {Event} event {EventId} names no subscriber and no usable address", e.Event, e.EventId);
            return Outcome.UnknownSubscriber;
        }
        var result = await subscribers.UpdateAsync(subscriberId, s => Rank(target.Status) > Rank(s.Status) ? s with { Status = target.Status } : s, ct);
        if (result is not { } r)
        {
            logger.LogInformation("SendGrid {Event} event {EventId} for {Email}: no such subscriber", e.Event, e.EventId, EmailAddress.Mask(e.Email ?? ""));
            return Outcome.UnknownSubscriber;
        }
        if (r.Before.Status == r.After.Status)
            return Outcome.NoChange;
        var changes = new Dictionary<string, string>(SubscriberAudit.Diff(r.Before, r.After)) { ["event"] = e.Event };
        await audit.RecordAsync(r.After.Id, Actor, target.Action, changes, ct);
        logger.LogInformation("Subscriber {SubscriberId} ({Email}) {Action} after a SendGrid {Event} event", r.After.Id, EmailAddress.Mask(r.After.Email), target.Action, e.Event);
        return Outcome.Changed;
    }

    /// <summary>What an event makes of the subscriber, if anything (see the class summary for the rules).</summary>
    public static (SubscriberStatus Status, string Action)? TargetStatusOf(DeliveryEvent e) => e.Event switch
    {
        "bounce" when string.Equals(e.Type, "bounce", StringComparison.OrdinalIgnoreCase) => (SubscriberStatus.Bounced, "bounced"),
        "dropped" when e.Reason is { } reason && UnusableAddressReasons.Contains(reason.Trim()) => (SubscriberStatus.Bounced, "bounced"),
        "spamreport" => (SubscriberStatus.Complained, "complained"),
        "unsubscribe" or "group_unsubscribe" => (SubscriberStatus.Unsubscribed, "unsubscribed"),
        _ => null,
    };

    /// <summary>How far "down" a status is: a webhook event only ever moves a subscriber to a higher rank.</summary>
    private static int Rank(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Bounced => 1,
        SubscriberStatus.Unsubscribed or SubscriberStatus.Complained => 2,
        _ => 0,
    };

    /// <summary>The subscriber_id custom arg, else the id of the event's (normalised) address; null when neither is usable.</summary>
    private string? TargetIdOf(DeliveryEvent e)
    {
        if (e.SubscriberId is { Length: > 0 } id)
            return id.Trim().ToLowerInvariant();
        if (e.Email is not { Length: > 0 } email)
            return null;
        try
        {
            return subscribers.IdOf(email);
        }
        catch (InvalidSubscriberException)
        {
            return null;
        }
    }

    private static string? CounterRunOf(DeliveryEvent e) => e.RunId is { Length: > 0 and <= MaxKeyLength } runId ? runId : null;

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
            timestamp, Text(element, "run_id"), Text(element, "batch_id"), Text(element, "subscriber_id"), Text(element, "plan_id"));
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

/// <summary>The Signed Event Webhook's verification key: base64 of the DER SubjectPublicKeyInfo of an ECDSA P-256 public key.</summary>
public static class SendGridWebhookKey
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The DER bytes of a usable key; false (with the reason) when the value is empty or is not such a key.</summary>
    public static bool TryParse(string? value, out byte[] key, out string error)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "it is empty";
            return false;
        }
        var bytes = new byte[value.Length];
        if (!Convert.TryFromBase64String(value.Trim(), bytes, out var length))
        {
            error = "it is not base64";
            return false;
        }
        bytes = bytes[..length];
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(bytes, out var read);
            if (read != bytes.Length)
            {
                error = "it has bytes after the key";
                return false;
            }
            var curve = ecdsa.ExportParameters(false).Curve;
            if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
            {
                error = $"it is an ECDSA key on another curve ({curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "explicit"}); SendGrid signs with P-256";
                return false;
            }
        }
        catch (CryptographicException)
        {
            error = "it is not an ECDSA public key (base64 of a DER SubjectPublicKeyInfo)";
            return false;
        }
        key = bytes;
        error = "";
        return true;
    }
}

/// <summary>Checks <c>SendGrid:WebhookPublicKey</c> at start when it is set; the message names the setting and never shows the key.</summary>
public sealed class SendGridWebhookKeyValidator : IValidateOptions<SendGridOptions>
{
    public ValidateOptionsResult Validate(string? name, SendGridOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.WebhookPublicKey) || SendGridWebhookKey.TryParse(options.WebhookPublicKey, out _, out var error))
            return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(
            $"SendGrid:WebhookPublicKey is not a usable verification key: {error}. Copy the Verification Key of the Signed Event Webhook " +
            "from SendGrid (Settings > Mail Settings > Event Webhooks), base64 as shown; or leave the setting empty to turn the event webhook off.");
    }
}
