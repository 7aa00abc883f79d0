using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>Limits of the public subscribe form (section <c>SelfService</c>).</summary>
public sealed class SelfServiceOptions
{
    public const string Section = "SelfService";

    /// <summary>Subscribe requests one client address may make per hour (per instance); more get 429.</summary>
    [Range(1, 100_000, ErrorMessage = "SelfService:SubscribeRequestsPerHour must be from 1 to 100000, e.g. 10.")]
    public int SubscribeRequestsPerHour { get; set; } = 10;

    /// <summary>The least time between two confirmation emails to one address (new, pending or unsubscribed).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00",
        ErrorMessage = "SelfService:ConfirmationResendInterval must be from 00:00:01 to 7.00:00:00, e.g. 00:10:00.")]
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
public sealed partial class SubscriptionSelfService
{
    public const string Actor = "subscriber";
    public const string ConsentSource = "self-service";
    public const string ConfirmationCategory = "subscribe-confirm";

    private readonly SubscriberStore store;
    private readonly SubscriberRules rules;
    private readonly SubscribeFormCheck check;
    private readonly SubscriberAudit audit;
    private readonly SubscriptionTokens tokens;
    private readonly SubscribeRequestStore requests;
    private readonly SubscribeConfirmationQueue confirmations;
    private readonly IOptions<TokenOptions> tokenOptions;
    private readonly IOptions<SelfServiceRecoveryOptions> recovery;
    private readonly TimeProvider time;
    private readonly ILogger<SubscriptionSelfService> logger;

    public SubscriptionSelfService(
        SubscriberStore store,
        SubscriberRules rules,
        SubscribeFormCheck check,
        SubscriberAudit audit,
        SubscriptionTokens tokens,
        SubscribeRequestStore requests,
        SubscribeConfirmationQueue confirmations,
        IOptions<TokenOptions> tokenOptions,
        IOptions<SelfServiceOptions> options,
        IOptions<SelfServiceRecoveryOptions> recovery,
        TimeProvider time,
        ILogger<SubscriptionSelfService> logger)
    {
        this.recovery = recovery;
        this.store = store;
        this.rules = rules;
        this.check = check;
        this.audit = audit;
        this.tokens = tokens;
        this.requests = requests;
        this.confirmations = confirmations;
        this.tokenOptions = tokenOptions;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>
    /// A subscribe request from the public form. It is validated, held as a <see cref="SubscribeRequest"/> (the subscriber record,
    /// if any, is not read or touched), and its key is queued for <see cref="SubscribeConfirmationSender"/>, which looks the address
    /// up and sends the confirmation email, or nothing. So the request path does the same two writes, in the same time, whatever
    /// the address; and nothing anyone types reaches a stored record before the address's owner confirms.
    /// Invalid input throws <see cref="InvalidSubscriberException"/> (it depends only on the input, so it tells nothing about the address either).
    /// </summary>
    public async Task<SubscribeOutcome> SubscribeAsync(
        string? email, string? name, string? organization, string? country, string? language, DigestFrequency frequency,
        IReadOnlyList<string>? topics, string? clientAddress, CancellationToken ct = default)
    {
        try
        {
            return await SubscribeAsync(
                new SubscribeForm(email, name, organization, country, language, frequency.ToString().ToLowerInvariant(), topics), clientAddress, ct);
        }
        catch (InvalidSubscribeFormException e)
        {
            throw e.Errors[0];
        }
    }

    /// <summary>
    /// The subscriber a subscribe form describes, when every field is valid; it depends only on the input and reads nothing, so the
    /// form can be checked before a request is counted against any limit.
    /// </summary>
    /// <exception cref="InvalidSubscribeFormException">Every field that is wrong, at once.</exception>
    public Subscriber Check(SubscribeForm form) => check.Candidate(form, ConsentSource);

    /// <summary>
    /// The language the page of a confirmation link speaks: its subscribe request's (what the person chose on the form), else the
    /// subscriber's; null when neither is found (the page then follows the browser).
    /// </summary>
    public async Task<string?> LanguageOfAsync(VerifiedToken verified, CancellationToken ct = default)
    {
        if (verified.RequestId is { } requestId && await requests.GetAsync(verified.SubscriberId, requestId, ct) is { } request)
            return request.Candidate.Language;
        return (await store.GetAsync(verified.SubscriberId, ct))?.Language;
    }

    /// <summary>A subscribe request from the public form, as <see cref="SubscribeAsync(string?, string?, string?, string?, string?,
    /// DigestFrequency, IReadOnlyList{string}?, string?, CancellationToken)"/>, with the time zone, delivery hour, weekly day and
    /// member administration the form also asks for.</summary>
    /// <exception cref="InvalidSubscribeFormException">Every field that is wrong, at once; nothing is written.</exception>
    public async Task<SubscribeOutcome> SubscribeAsync(SubscribeForm form, string? clientAddress, CancellationToken ct = default)
    {
        // Validates every field (the same rules as the admin API) before anything is read or written.
        var candidate = Check(form);
        var now = time.GetUtcNow();
        var request = new SubscribeRequest(candidate.Id, SubscribeRequestStore.NewRequestId(), candidate, now, now + tokenOptions.Value.ConfirmationLifetime);
        await requests.AddAsync(request, ct);
        await confirmations.EnqueueAsync(new SubscribeConfirmationMessage(request.SubscriberId, request.RequestId), ct);
        logger.LogInformation("Subscribe request {RequestId} for {Email} is held until its confirmation link is used",
            request.RequestId, EmailAddress.Mask(candidate.Email));
        return SubscribeOutcome.Accepted;
    }

    /// <summary>
    /// The confirmation link was used (the button on its page). A link for a subscribe request applies that request, and drops
    /// the address's other pending requests: no record → a new Active one with the request's data; Pending or Unsubscribed →
    /// Active with the request's data and a fresh, confirmed consent; Active → the request's preferences (name, organisation,
    /// country, language, frequency, topics) replace the stored ones, since whoever confirms has shown they read that mailbox;
    /// Bounced, Complained or Suspended → not reactivated, nothing applied. A link sent before requests existed confirms its
    /// Pending record as it is.
    /// </summary>
    /// <exception cref="InvalidTokenException">The token is damaged, expired, or for another purpose: nothing changes.</exception>
    public async Task<ConfirmResult> ConfirmAsync(string? token, CancellationToken ct = default)
    {
        var verified = tokens.Verify(token, TokenPurpose.Confirm);
        if (verified.RequestId is not { } requestId)
            return await ConfirmRecordAsync(verified.SubscriberId, ct);

        var id = verified.SubscriberId;
        var request = await requests.GetAsync(id, requestId, ct);
        if (request is null || request.ExpiresAt <= time.GetUtcNow())
        {
            // Used already, superseded by another confirmed request, purged, or erased: nothing to apply.
            return await store.GetAsync(id, ct) switch
            {
                null => new ConfirmResult(ConfirmOutcome.NotFound, null),
                { Status: SubscriberStatus.Active } active => new ConfirmResult(ConfirmOutcome.AlreadyConfirmed, active),
                var other => new ConfirmResult(ConfirmOutcome.NotReactivated, other),
            };
        }

        var now = time.GetUtcNow();
        var confirmedConsent = new Consent(ConsentSource, request.CreatedAt, now);
        if (await store.GetAsync(id, ct) is null)
        {
            var record = request.Candidate with { Status = SubscriberStatus.Active, CreatedAt = now, UpdatedAt = now, Consent = confirmedConsent };
            try
            {
                await store.AddAsync(record, ct);
                await requests.DeleteForAsync(id, ct);
                await audit.RecordAsync(id, Actor, "subscribed", new Dictionary<string, string>
                {
                    ["status"] = "active",
                    ["frequency"] = record.Frequency.ToString().ToLowerInvariant(),
                    ["consent"] = ConsentSource + ", confirmed",
                }, ct);
                logger.LogInformation("Subscriber {SubscriberId} confirmed a subscribe request: subscribed", id);
                return new ConfirmResult(ConfirmOutcome.Confirmed, record);
            }
            catch (InvalidSubscriberException e) when (e.IsConflict)
            {
                // Added meanwhile (another link, an admin): apply the request to that record below.
            }
        }

        var result = await store.UpdateAsync(id, s => s.Status switch
        {
            SubscriberStatus.Pending or SubscriberStatus.Unsubscribed
                => Apply(s, request) with { Status = SubscriberStatus.Active, Consent = confirmedConsent },
            SubscriberStatus.Active => Apply(s, request),
            _ => s,
        }, ct);
        await requests.DeleteForAsync(id, ct);
        if (result is not { } r)
            return new ConfirmResult(ConfirmOutcome.NotFound, null);
        var changes = new Dictionary<string, string>(SubscriberAudit.Diff(r.Before, r.After));
        switch (r.Before.Status)
        {
            case SubscriberStatus.Pending or SubscriberStatus.Unsubscribed:
                changes["consent"] = ConsentSource + ", confirmed";
                await audit.RecordAsync(id, Actor, r.Before.Status == SubscriberStatus.Pending ? "confirmed" : "subscribed again", changes, ct);
                logger.LogInformation("Subscriber {SubscriberId} confirmed a subscribe request: {Before} → active", id, r.Before.Status);
                return new ConfirmResult(ConfirmOutcome.Confirmed, r.After);
            case SubscriberStatus.Active:
                if (changes.Count > 0)
                {
                    changes["via"] = "confirmation";
                    await audit.RecordAsync(id, Actor, "updated", changes, ct);
                }
                logger.LogInformation("Active subscriber {SubscriberId} confirmed a subscribe request: its preferences applied", id);
                return new ConfirmResult(ConfirmOutcome.Confirmed, r.After);
            default:
                logger.LogInformation("Confirmation link opened for subscriber {SubscriberId}, who is {Status}: not reactivated", id, r.After.Status);
                return new ConfirmResult(ConfirmOutcome.NotReactivated, r.After);
        }
    }

    /// <summary>The request's fields in place of the record's (the address, id, time zone and delivery hour stay).</summary>
    private static Subscriber Apply(Subscriber s, SubscribeRequest request) => s with
    {
        Name = request.Candidate.Name,
        Organization = request.Candidate.Organization,
        Country = request.Candidate.Country,
        Language = request.Candidate.Language,
        Frequency = request.Candidate.Frequency,
        Topics = request.Candidate.TopicList.SequenceEqual(s.TopicList) ? s.Topics : request.Candidate.Topics,
        TimeZone = Chose(request, SubscriberFields.TimeZone) ? request.Candidate.TimeZone : s.TimeZone,
        DeliveryHour = Chose(request, SubscriberFields.DeliveryHour) ? request.Candidate.DeliveryHour : s.DeliveryHour,
        WeeklyDay = Chose(request, SubscriberFields.WeeklyDay) ? request.Candidate.WeeklyDay : s.WeeklyDay,
        Member = request.Candidate.Member.Length > 0 ? request.Candidate.Member : s.Member,
        ChosenBySubscriber = request.Candidate.ChosenFields.Count > 0 ? s.ChosenFields.Union(request.Candidate.ChosenFields).ToList() : s.ChosenBySubscriber,
    };

    /// <summary>Whether the request's form gave this field (<see cref="SubscribeFormCheck"/>): else the stored value stays.</summary>
    private static bool Chose(SubscribeRequest request, string field) => request.Candidate.ChosenFields.Contains(field);

    /// <summary>A confirmation link sent before subscribe requests existed (it names only the subscriber): Pending → Active,
    /// with the time of confirmation in the consent.</summary>
    private async Task<ConfirmResult> ConfirmRecordAsync(string subscriberId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var result = await store.UpdateAsync(subscriberId, s => s.Status == SubscriberStatus.Pending
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

        var result = await store.UpdateAsync(verified.SubscriberId, s => Chosen(s, s with
        {
            Frequency = frequency ?? s.Frequency,
            Topics = topics is null || topics.SequenceEqual(s.TopicList) ? s.Topics : topics,
            Language = language ?? s.Language,
            TimeZone = timeZone ?? s.TimeZone,
            DeliveryHour = deliveryHour is { } hour ? hour.Value : s.DeliveryHour,
            Status = change.UnsubscribeAll ? SubscriberStatus.Unsubscribed : s.Status,
        }), ct);
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
    /// The changed record with each preference the subscriber changed marked as theirs (<see cref="Subscriber.ChosenBySubscriber"/>),
    /// added to those they chose before, so that an import does not overwrite it. A preference saved as it was is not marked: the form
    /// sends every field, and a value the subscriber left alone is not one they chose.
    /// </summary>
    private static Subscriber Chosen(Subscriber before, Subscriber after)
    {
        var changed = new List<string>();
        if (before.Frequency != after.Frequency) changed.Add(SubscriberFields.Frequency);
        if (!before.TopicList.SequenceEqual(after.TopicList)) changed.Add(SubscriberFields.Topics);
        if (before.Language != after.Language) changed.Add(SubscriberFields.Language);
        if (before.TimeZone != after.TimeZone) changed.Add(SubscriberFields.TimeZone);
        if (before.DeliveryHour != after.DeliveryHour) changed.Add(SubscriberFields.DeliveryHour);
        if (changed.All(before.ChosenFields.Contains)) return after;
        return after with { ChosenBySubscriber = SubscriberFields.SelfChosen.Where(f => before.ChosenFields.Contains(f) || changed.Contains(f)).ToList() };
    }
}
