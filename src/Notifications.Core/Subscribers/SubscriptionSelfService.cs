using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Subscribers;

/// <summary>Limits of the public subscribe form (section <c>SelfService</c>).</summary>
public sealed class SelfServiceOptions
{
    public const string Section = "SelfService";

    /// <summary>Subscribe requests one client address may make per hour (per instance); more get 429.</summary>
    [Range(1, 100_000, ErrorMessage = "SelfService:SubscribeRequestsPerHour must be from 1 to 100000, e.g. 10.")]
    public int SubscribeRequestsPerHour { get; set; } = 10;

    /// <summary>The least time between two confirmation emails to one pending address.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "SelfService:ConfirmationResendInterval must be from 00:00:01 to 7.00:00:00, e.g. 00:10:00.")]
    public TimeSpan ConfirmationResendInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>What became of a subscribe request, as far as the requester may know: never whether the address was known.</summary>
public enum SubscribeOutcome
{
    /// <summary>Taken: a confirmation went out, or will not because one went out recently, or the address needs none. The answer is the same.</summary>
    Accepted,
    /// <summary>Too many requests from the client address: nothing was looked at.</summary>
    RateLimited,
}

public enum ConfirmOutcome
{
    /// <summary>Pending → Active now.</summary>
    Confirmed,
    /// <summary>It was active already: nothing changed.</summary>
    AlreadyConfirmed,
    /// <summary>Unsubscribed, bounced, complained or suspended: the link does not reactivate it.</summary>
    NotReactivated,
    /// <summary>No record (erased): nothing to confirm.</summary>
    NotFound,
}

public sealed record ConfirmResult(ConfirmOutcome Outcome, Subscriber? Subscriber);

/// <summary>The subscriber after the unsubscribe (null when there is no record), and whether this call changed the status.</summary>
public sealed record UnsubscribeResult(Subscriber? Subscriber, bool Changed);

/// <summary>Everything the preferences form sets. Topics empty = all topics.</summary>
/// <param name="DeliveryHour">
/// The local hour digests go out: <c>"0"</c> to <c>"23"</c> sets it, an empty string means the default (<c>Schedule:DeliveryHour</c>),
/// null (a form without the field) leaves it as it is.
/// </param>
public sealed record PreferencesChange(string? Frequency, IReadOnlyList<string>? Topics, string? Language, string? TimeZone, bool UnsubscribeAll,
    string? DeliveryHour = null);

/// <summary>The record before and after a preferences change, and the audit's words for what changed (empty when nothing did).</summary>
public sealed record PreferencesResult(Subscriber Before, Subscriber After, IReadOnlyDictionary<string, string> Changes);

/// <summary>
/// Subscriber self-service: subscribe (double opt-in), confirm, unsubscribe, preferences. Every link is a signed token
/// (<see cref="SubscriptionTokens"/>); every change is audited with actor <c>subscriber</c>. The answers never tell whether
/// an address is known. The HTTP side is <see cref="SubscriptionPages"/>.
/// </summary>
public sealed class SubscriptionSelfService
{
    public const string Actor = "subscriber";
    public const string ConsentSource = "self-service";
    public const string ConfirmationCategory = "subscribe-confirm";

    private readonly SubscriberStore store;
    private readonly SubscriberRules rules;
    private readonly SubscriberAudit audit;
    private readonly SubscriptionTokens tokens;
    private readonly SubscriptionLinks links;
    private readonly TemplateSet templates;
    private readonly IMailTransport transport;
    private readonly IOptions<DigestOptions> digest;
    private readonly IOptions<TokenOptions> tokenOptions;
    private readonly TimeProvider time;
    private readonly ILogger<SubscriptionSelfService> logger;
    private readonly TimeSpan resendInterval;

    public SubscriptionSelfService(
        SubscriberStore store,
        SubscriberRules rules,
        SubscriberAudit audit,
        SubscriptionTokens tokens,
        SubscriptionLinks links,
        TemplateSet templates,
        IMailTransport transport,
        IOptions<DigestOptions> digest,
        IOptions<TokenOptions> tokenOptions,
        IOptions<SelfServiceOptions> options,
        TimeProvider time,
        ILogger<SubscriptionSelfService> logger)
    {
        this.store = store;
        this.rules = rules;
        this.audit = audit;
        this.tokens = tokens;
        this.links = links;
        this.templates = templates;
        this.transport = transport;
        this.digest = digest;
        this.tokenOptions = tokenOptions;
        this.time = time;
        this.logger = logger;
        resendInterval = options.Value.ConfirmationResendInterval;
    }

    /// <summary>
    /// A subscribe request from the public form. A new address becomes Pending and gets a confirmation email; a pending one gets
    /// it again at most once per <see cref="SelfServiceOptions.ConfirmationResendInterval"/>; any other is left alone.
    /// The outcome is the same in all three cases. Invalid input throws <see cref="InvalidSubscriberException"/> (it depends
    /// only on the input, so it tells nothing about the address either).
    /// </summary>
    public async Task<SubscribeOutcome> SubscribeAsync(
        string? email, string? name, string? organization, string? country, string? language, DigestFrequency frequency,
        IReadOnlyList<string>? topics, string? clientAddress, CancellationToken ct = default)
    {
        // Validates every field (the same rules as the admin API) before anything is read or written.
        var candidate = store.Create(
            new NewSubscriber(email ?? "", name ?? "", organization ?? "", language ?? "", frequency, SubscriberStatus.Pending, country, topics),
            ConsentSource);
        var masked = EmailAddress.Mask(candidate.Email);

        var existing = await store.GetAsync(candidate.Id, ct);
        if (existing is null)
        {
            var record = candidate with { ConfirmationSentAt = time.GetUtcNow() };
            try
            {
                await store.AddAsync(record, ct);
                await audit.RecordAsync(record.Id, Actor, "subscribed", new Dictionary<string, string>
                {
                    ["status"] = "pending",
                    ["frequency"] = record.Frequency.ToString().ToLowerInvariant(),
                    ["consent"] = ConsentSource,
                }, ct);
                logger.LogInformation("New self-service subscriber {Email} ({SubscriberId}) is pending confirmation", masked, record.Id);
                await SendConfirmationAsync(record, previousSentAt: null, ct);
                return SubscribeOutcome.Accepted;
            }
            catch (InvalidSubscriberException e) when (e.IsConflict)
            {
                // Added by a concurrent request meanwhile: go on as for an existing address.
                existing = await store.GetAsync(candidate.Id, ct);
                if (existing is null) return SubscribeOutcome.Accepted;
            }
        }

        if (existing.Status == SubscriberStatus.Unsubscribed)
        {
            // They left and want back in: pending again, with fresh consent, confirmed by email like the first time.
            var at = time.GetUtcNow();
            var again = await store.UpdateAsync(existing.Id, s => s.Status == SubscriberStatus.Unsubscribed
                ? candidate with { Status = SubscriberStatus.Pending, ConfirmationSentAt = at, Consent = new Consent(ConsentSource, at, null) }
                : s, ct);
            if (again is { } a && a.Before.Status == SubscriberStatus.Unsubscribed)
            {
                await audit.RecordAsync(existing.Id, Actor, "subscribed again", SubscriberAudit.Diff(a.Before, a.After), ct);
                logger.LogInformation("Unsubscribed {Email} asked to subscribe again: pending confirmation", masked);
                await SendConfirmationAsync(a.After, previousSentAt: null, ct);
            }
            return SubscribeOutcome.Accepted;
        }

        if (existing.Status != SubscriberStatus.Pending)
        {
            logger.LogInformation("Subscribe request for {Email}, which is {Status}: nothing sent", masked, existing.Status);
            return SubscribeOutcome.Accepted;
        }

        // Claim the resend on the record itself (ETag-guarded), so the limit holds across instances and restarts.
        var now = time.GetUtcNow();
        var claimed = false;
        var result = await store.UpdateAsync(existing.Id, s =>
        {
            claimed = s.Status == SubscriberStatus.Pending && (s.ConfirmationSentAt is not { } sent || now - sent >= resendInterval);
            return claimed ? s with { ConfirmationSentAt = now } : s;
        }, ct);
        if (!claimed || result is not { } r)
        {
            logger.LogInformation("Subscribe request for pending {Email}: a confirmation went out less than {Interval} ago, nothing sent", masked, resendInterval);
            return SubscribeOutcome.Accepted;
        }
        logger.LogInformation("Subscribe request for pending {Email}: sending the confirmation again", masked);
        await SendConfirmationAsync(r.After, r.Before.ConfirmationSentAt, ct);
        return SubscribeOutcome.Accepted;
    }

    /// <summary>The confirmation link was opened: Pending → Active, with the time of confirmation in the consent.</summary>
    /// <exception cref="InvalidTokenException">The token is damaged, expired, or for another purpose: nothing changes.</exception>
    public async Task<ConfirmResult> ConfirmAsync(string? token, CancellationToken ct = default)
    {
        var verified = tokens.Verify(token, TokenPurpose.Confirm);
        var now = time.GetUtcNow();
        var result = await store.UpdateAsync(verified.SubscriberId, s => s.Status == SubscriberStatus.Pending
            ? s with
            {
                Status = SubscriberStatus.Active,
                Consent = (s.Consent ?? new Consent(ConsentSource, s.CreatedAt, null)) with { ConfirmedAt = now },
            }
            : s, ct);
        if (result is not { } r)
            return new ConfirmResult(ConfirmOutcome.NotFound, null);
        switch (r.Before.Status)
        {
            case SubscriberStatus.Pending:
                var changes = new Dictionary<string, string>(SubscriberAudit.Diff(r.Before, r.After)) { ["consent"] = "confirmed" };
                await audit.RecordAsync(r.After.Id, Actor, "confirmed", changes, ct);
                logger.LogInformation("Subscriber {SubscriberId} confirmed the subscription", r.After.Id);
                return new ConfirmResult(ConfirmOutcome.Confirmed, r.After);
            case SubscriberStatus.Active:
                return new ConfirmResult(ConfirmOutcome.AlreadyConfirmed, r.After);
            default:
                logger.LogInformation("Confirmation link opened for subscriber {SubscriberId}, who is {Status}: not reactivated", r.After.Id, r.After.Status);
                return new ConfirmResult(ConfirmOutcome.NotReactivated, r.After);
        }
    }

    /// <summary>The subscriber behind an unsubscribe link, to show the page (null when the record is gone).</summary>
    /// <exception cref="InvalidTokenException">The token is damaged or for another purpose.</exception>
    public Task<Subscriber?> FindForUnsubscribeAsync(string? token, CancellationToken ct = default)
        => store.GetAsync(tokens.Verify(token, TokenPurpose.Unsubscribe).SubscriberId, ct);

    /// <summary>
    /// Any status → Unsubscribed; idempotent (a second call changes and records nothing).
    /// <paramref name="via"/> says how (<c>one-click</c>, <c>page</c>, <c>preferences</c>) for the audit.
    /// </summary>
    /// <exception cref="InvalidTokenException">The token is damaged or for another purpose: nothing changes.</exception>
    public async Task<UnsubscribeResult> UnsubscribeAsync(string? token, string via, CancellationToken ct = default)
    {
        var verified = tokens.Verify(token, TokenPurpose.Unsubscribe);
        var result = await store.UpdateAsync(verified.SubscriberId, s => s with { Status = SubscriberStatus.Unsubscribed }, ct);
        if (result is not { } r)
            return new UnsubscribeResult(null, false);
        if (r.Before.Status == SubscriberStatus.Unsubscribed)
            return new UnsubscribeResult(r.After, false);
        var changes = new Dictionary<string, string>(SubscriberAudit.Diff(r.Before, r.After)) { ["via"] = via };
        await audit.RecordAsync(r.After.Id, Actor, "unsubscribed", changes, ct);
        logger.LogInformation("Subscriber {SubscriberId} unsubscribed ({Via})", r.After.Id, via);
        return new UnsubscribeResult(r.After, true);
    }

    /// <summary>The subscriber behind a preferences link (null when the record is gone).</summary>
    /// <exception cref="InvalidTokenException">The token is damaged or for another purpose.</exception>
    public Task<Subscriber?> GetPreferencesAsync(string? token, CancellationToken ct = default)
        => store.GetAsync(tokens.Verify(token, TokenPurpose.Preferences).SubscriberId, ct);

    /// <summary>
    /// Saves the preferences form: frequency, topics, language, time zone, delivery hour, and optionally "unsubscribe from everything".
    /// Everything is validated before the record is touched. Null when the record is gone.
    /// </summary>
    /// <exception cref="InvalidTokenException">The token is damaged or for another purpose: nothing changes.</exception>
    /// <exception cref="InvalidSubscriberException">A field is not valid: nothing changes.</exception>
    public async Task<PreferencesResult?> UpdatePreferencesAsync(string? token, PreferencesChange change, CancellationToken ct = default)
    {
        var verified = tokens.Verify(token, TokenPurpose.Preferences);
        DigestFrequency? frequency = change.Frequency is null ? null : SubscriberRules.Frequency(change.Frequency);
        var topics = change.Topics is null ? null : rules.Topics(change.Topics);
        var language = change.Language is null ? null : SubscriberRules.Language(change.Language);
        var timeZone = change.TimeZone is null ? null : SubscriberRules.TimeZone(change.TimeZone);
        FieldChange<int?>? deliveryHour = change.DeliveryHour is null ? null : new(SubscriberRules.DeliveryHour(change.DeliveryHour));

        var result = await store.UpdateAsync(verified.SubscriberId, s => s with
        {
            Frequency = frequency ?? s.Frequency,
            Topics = topics is null || topics.SequenceEqual(s.TopicList) ? s.Topics : topics,
            Language = language ?? s.Language,
            TimeZone = timeZone ?? s.TimeZone,
            DeliveryHour = deliveryHour is { } hour ? hour.Value : s.DeliveryHour,
            Status = change.UnsubscribeAll ? SubscriberStatus.Unsubscribed : s.Status,
        }, ct);
        if (result is not { } r) return null;
        var changes = SubscriberAudit.Diff(r.Before, r.After);
        if (changes.Count > 0)
        {
            var unsubscribed = r.Before.Status != SubscriberStatus.Unsubscribed && r.After.Status == SubscriberStatus.Unsubscribed;
            var recorded = unsubscribed ? new Dictionary<string, string>(changes) { ["via"] = "preferences" } : changes;
            await audit.RecordAsync(r.After.Id, Actor, unsubscribed ? "unsubscribed" : "updated", recorded, ct);
            logger.LogInformation("Subscriber {SubscriberId} changed their preferences: {Fields}", r.After.Id, string.Join(", ", changes.Keys));
        }
        return new PreferencesResult(r.Before, r.After, changes);
    }

    /// <summary>
    /// Renders and sends the confirmation email. A failed send is logged, and the resend claim is given back so the
    /// requester can try again at once; the HTTP answer stays the same (it must not depend on the address).
    /// </summary>
    private async Task SendConfirmationAsync(Subscriber subscriber, DateTimeOffset? previousSentAt, CancellationToken ct)
    {
        var lifetime = tokenOptions.Value.ConfirmationLifetime;
        var model = new ScriptObject
        {
            ["lang"] = subscriber.Language,
            ["name"] = subscriber.Name,
            ["sender"] = digest.Value.Sender,
            ["organization"] = digest.Value.Organization,
            ["link"] = links.Confirm(subscriber.Id),
            ["days"] = Math.Max(1, (int)Math.Round(lifetime.TotalDays)),
        };
        try
        {
            var content = new MailContent(
                string.Join(' ', templates.RenderText("subscribe-confirm.subject.sbn", model).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim(),
                templates.RenderHtml("subscribe-confirm.html.sbn", model),
                templates.RenderText("subscribe-confirm.txt.sbn", model));
            var runId = $"{ConfirmationCategory}-{subscriber.Id[..12]}-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
            await transport.SendAsync(new MailBatch(runId, "notice", ConfirmationCategory, content,
                [new Recipient(subscriber.Id, subscriber.Email, subscriber.Name)]), ct);
            logger.LogInformation("Sent the confirmation email to {Email}", EmailAddress.Mask(subscriber.Email));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not send the confirmation email to {Email}; the next request may try again at once", EmailAddress.Mask(subscriber.Email));
            var claimedAt = subscriber.ConfirmationSentAt;
            await store.UpdateAsync(subscriber.Id, s => s.ConfirmationSentAt == claimedAt ? s with { ConfirmationSentAt = previousSentAt } : s, CancellationToken.None);
        }
    }
}
