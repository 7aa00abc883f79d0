using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Notifications.Mail;

namespace Notifications.Delivery;

public enum DeliveryMode
{
    /// <summary>Through the SendGrid v3 Mail Send API.</summary>
    SendGrid,
    /// <summary>Written to a local folder as .eml and .html files (local runs and the demo).</summary>
    Outbox,
}

/// <summary>How mail leaves (section <c>Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    public DeliveryMode Mode { get; set; } = DeliveryMode.SendGrid;

    [Required(ErrorMessage = "Delivery:FromEmail is empty: give the sender address, verified in SendGrid, e.g. digests@secretariat.example.")]
    [EmailAddress(ErrorMessage = "Delivery:FromEmail is not an email address.")]
    public string FromEmail { get; set; } = "";

    public string FromName { get; set; } = "";

    /// <summary>An address whose mail unsubscribes (the mailto: part of List-Unsubscribe); empty: the https link only.</summary>
    [EmailAddress(ErrorMessage = "Delivery:UnsubscribeMailto is not an email address.")]
    public string? UnsubscribeMailto { get; set; }

    /// <summary>Where the Outbox mode writes messages.</summary>
    public string OutboxPath { get; set; } = "./out/outbox";

    /// <summary>How long a batch may stay in Sending before it counts as abandoned (its sender crashed) and becomes Uncertain.</summary>
    public TimeSpan SendingLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After this many batches in a row fail, the run pauses instead of burning through the list.</summary>
    [Range(1, 1000, ErrorMessage = "Delivery:PauseAfterFailures must be between 1 and 1000.")]
    public int PauseAfterFailures { get; set; } = 3;

    /// <summary>Recipients per SendGrid request (one personalization each); SendGrid allows at most 1000.</summary>
    [Range(1, 1000, ErrorMessage = "Delivery:BatchSize must be between 1 and 1000 (SendGrid's limit of personalizations per request).")]
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// Batches a run sent inline (the hourly timer without the queue, <c>notify digest run</c>) sends at once; the run's record is
    /// updated after each, one at a time. SendGrid's pace stays <see cref="RequestsPerSecond"/> (one token bucket for all sends).
    /// </summary>
    [Range(1, 32, ErrorMessage = "Delivery:InlineSendConcurrency must be between 1 and 32 (batches a run sent inline sends at once), e.g. 4.")]
    public int InlineSendConcurrency { get; set; } = 4;

    // How SendGrid requests are retried and paced: see SendGridResilience for what is retried and what never is.

    /// <summary>Retries after the first attempt of a SendGrid request, for 429, 5xx and a connection that could not be made.</summary>
    [Range(0, 10, ErrorMessage = "Delivery:MaxRetries must be between 0 and 10 (retries of a SendGrid request after its first attempt; 0 = no retry).")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay after a 5xx or an unreachable SendGrid; doubled for each further retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30", ParseLimitsInInvariantCulture = true,
        ErrorMessage =
            "Delivery:RetryBaseDelay must be between 00:00:00.001 and 00:00:30 (the first retry's delay, doubled for each further retry), e.g. 00:00:01.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a 429 answer is waited out (until X-RateLimit-Reset or Retry-After); longer, and the batch is given up as not sent.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Delivery:MaxRateLimitWait must be between 00:00:00 and 01:00:00 (the longest wait for SendGrid's rate limit to reset), e.g. 00:01:00.")]
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many 429 answers one send waits out. They have their own budget: a rate limit is SendGrid pacing us, not an error, so its
    /// waits do not spend <see cref="MaxRetries"/>. Beyond this (or <see cref="MaxRateLimitWaitTotal"/>) the batch is not sent (Failed).
    /// </summary>
    [Range(0, 20, ErrorMessage = "Delivery:MaxRateLimitWaits must be between 0 and 20 (how many 429 answers one send waits out; 0 = none), e.g. 5.")]
    public int MaxRateLimitWaits { get; set; } = 5;

    /// <summary>The longest one send waits for SendGrid's rate limit in all, so a permanently rate-limited account cannot hold a sender.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Delivery:MaxRateLimitWaitTotal must be between 00:00:00 and 01:00:00 (how long one send may wait for SendGrid's rate limit " +
            "in all), e.g. 00:03:00.")]
    public TimeSpan MaxRateLimitWaitTotal { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long one SendGrid request may take, connection included. When it runs out after the request was sent, the batch's outcome
    /// is unknown and it is never resent automatically.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Delivery:RequestTimeout must be between 00:00:00.050 and 00:10:00 (how long one SendGrid request may take), e.g. 00:00:30.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long establishing the connection to SendGrid may take (nothing has been sent yet, so it is retried).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:02:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Delivery:ConnectTimeout must be between 00:00:00.050 and 00:02:00 (how long connecting to SendGrid may take), e.g. 00:00:10.")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>SendGrid requests per second from this process, retries included (a token bucket shared by all sends); 0 = unlimited.</summary>
    [Range(0.0, 10_000.0,
        ErrorMessage = "Delivery:RequestsPerSecond must be between 0 and 10000 (SendGrid requests per second from this process; 0 = unlimited).")]
    public double RequestsPerSecond { get; set; } = 10;

    // How the hourly timer retries Failed batches of recent runs (FailedBatchHealer).

    /// <summary>
    /// The wait after a batch's first failed attempt before the hourly timer retries it; doubled after each further attempt, up to
    /// <see cref="HealBackoffMax"/>. Retries stop at the run's lateness limit (Schedule:LatenessLimit).
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Delivery:HealBackoff must be between 00:01:00 and 1.00:00:00 (the wait before the timer retries a failed batch, doubled " +
            "per attempt), e.g. 00:30:00.")]
    public TimeSpan HealBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest wait between two retries of a failed batch by the hourly timer.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Delivery:HealBackoffMax must be between 00:01:00 and 7.00:00:00 (the longest wait between two retries of a failed batch by " +
            "the timer), e.g. 04:00:00.")]
    public TimeSpan HealBackoffMax { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How long an Uncertain batch must go without any SendGrid event for any of its recipients (counted from its last claim) before
    /// it is proposed for resend (<see cref="UncertainBatchResolver"/>). Only with the event webhook (or the Email Activity API):
    /// without either, no silence means anything.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Delivery:UncertainQuietPeriod must be between 00:05:00 and 7.00:00:00 (how long an uncertain batch goes without any " +
            "SendGrid event before it is proposed for resend), e.g. 01:00:00.")]
    public TimeSpan UncertainQuietPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// True: an Uncertain batch proposed for resend after <see cref="UncertainQuietPeriod"/> is resent by the next sender that meets it,
    /// once (recorded on the batch and in each recipient's history). False: only proposed (<c>notify digest status</c>); an admin
    /// decides with <c>notify digest resume &lt;run&gt; --resend-uncertain</c>.
    /// </summary>
    public bool ResendUncertainAfterQuietPeriod { get; set; }

    /// <summary>
    /// Whether SendGrid tracks opens (a pixel) and clicks (rewritten links) for this deployment. Off by default: readers are officials
    /// of member administrations, and tracking is personal data (docs/admins.md, "Tracking, honestly"). When off, the console and the
    /// CLI show "not tracked" instead of zero opens and clicks.
    /// </summary>
    public bool TrackOpensAndClicks { get; set; }
}

/// <summary>The SendGrid client's settings (section <c>SendGrid</c>).</summary>
public sealed class SendGridOptions
{
    public const string Section = "SendGrid";

    public string ApiKey { get; set; } = "";

    /// <summary>The API host. Override for EU data residency (https://api.eu.sendgrid.com) or a local test endpoint.</summary>
    public string Host { get; set; } = "https://api.sendgrid.com";

    /// <summary>
    /// The Signed Event Webhook's verification key, as SendGrid shows it: base64 of the DER SubjectPublicKeyInfo of an ECDSA P-256 key.
    /// Empty: the event webhook (<c>POST /api/sendgrid/events</c>) answers 503. Checked at start by <see cref="SendGridWebhookKeyValidator"/>.
    /// </summary>
    public string WebhookPublicKey { get; set; } = "";

    /// <summary>
    /// True when the account has the Email Activity add-on (and the API key its read access): an Uncertain batch without webhook
    /// evidence is looked up there by run and batch id before it is proposed or resent (<see cref="EmailActivityLookup"/>).
    /// </summary>
    public bool EmailActivityApi { get; set; }
}

/// <summary>Delivery through SendGrid needs SendGrid's settings; the outbox does not.</summary>
public sealed class DeliveryOptionsValidator(IOptions<SendGridOptions> sendGrid) : IValidateOptions<DeliveryOptions>
{
    /// <summary>The longest one send can take with these settings: every attempt timing out, every wait at its longest.</summary>
    /// <remarks>
    /// Errors: an attempt each plus a backoff of at most 30 s before each retry. Rate limits: an attempt per 429 waited out, and their waits,
    /// at most <see cref="DeliveryOptions.MaxRateLimitWaitTotal"/> in all.
    /// </remarks>
    public static TimeSpan WorstCaseSend(DeliveryOptions o)
        => o.RequestTimeout * (o.MaxRetries + o.MaxRateLimitWaits + 1) + SendRetryBudget.MaxBackoff * o.MaxRetries
           + Min(o.MaxRateLimitWaitTotal, Max(o.MaxRateLimitWait, SendRetryBudget.MaxBackoff) * o.MaxRateLimitWaits);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var errors = new List<string>();
        // A send still in flight must never look abandoned: the lease has to outlast the slowest possible send.
        if (options.SendingLease <= WorstCaseSend(options))
            errors.Add($"Delivery:SendingLease ({options.SendingLease}) must be longer than the slowest possible send with these retry settings " +
                       $"({WorstCaseSend(options)}: RequestTimeout × (MaxRetries + MaxRateLimitWaits + 1) + 30 s × MaxRetries + the rate-limit " +
                           $"waits, at most MaxRateLimitWaitTotal); " +
                       "raise the lease or lower the retries.");
        if (options.HealBackoffMax < options.HealBackoff)
            errors.Add($"Delivery:HealBackoffMax ({options.HealBackoffMax}) must not be shorter than Delivery:HealBackoff ({options.HealBackoff}): " +
                $"it caps the doubling waits between the timer's retries of a failed batch.");
        if (options.Mode != DeliveryMode.SendGrid)
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        var sg = sendGrid.Value;
        if (string.IsNullOrWhiteSpace(sg.ApiKey))
            errors.Add("SendGrid:ApiKey is empty while Delivery:Mode is SendGrid: set the API key (a Key Vault reference in Azure), or set " +
                "Delivery:Mode to Outbox for local runs.");
        if (!Uri.TryCreate(sg.Host, UriKind.Absolute, out var host) || (host.Scheme != Uri.UriSchemeHttps && host.Scheme != Uri.UriSchemeHttp))
            errors.Add($"SendGrid:Host '{sg.Host}' is not an absolute http(s) address, e.g. https://api.sendgrid.com.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
