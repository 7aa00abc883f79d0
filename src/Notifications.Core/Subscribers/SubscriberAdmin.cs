
namespace Notifications.Subscribers;

/// <summary>A partial update: only the fields that are set change. The address cannot change (it is the identity).</summary>
/// <param name="DeliveryHour">
/// The subscriber's own local delivery hour, as text: <c>"0"</c> to <c>"23"</c> (or <c>"08:00"</c>) sets it; an empty string
/// resets it to the default (<c>Schedule:DeliveryHour</c>); null leaves it as it is.
/// </param>
public sealed record SubscriberPatch(
    string? Name = null,
    string? Organization = null,
    string? Country = null,
    string? Language = null,
    string? Frequency = null,
    IReadOnlyList<string>? Topics = null,
    string? TimeZone = null,
    string? Status = null,
    string? DeliveryHour = null);

/// <summary>
/// What admins do to subscribers, from the HTTP API and the CLI alike: create, change, suspend, activate, erase.
/// Every change is validated field by field and recorded in the audit table with who made it.
/// </summary>
public sealed class SubscriberAdmin(SubscriberStore store, SubscriberRules rules, SubscriberAudit audit, Suppressions suppressions, SubscriberEraser eraser)
{
    /// <param name="overrideSuppression">
    /// Why an erased address (a suppression entry) may be added again; null refuses it. The override is audited with the actor, the
    /// reason given and the suppression it lifts.
    /// </param>
    public async Task<Subscriber> CreateAsync(NewSubscriber input, string actor, CancellationToken ct = default, string? overrideSuppression = null)
    {
        var reason = overrideSuppression is null ? null : Suppressions.CheckOverrideReason(overrideSuppression, "overrideSuppression");
        var candidate = store.Create(input, "admin");
        var suppressed = await suppressions.GetAsync(candidate.Id, ct);
        if (suppressed is not null && reason is null)
            throw new InvalidSubscriberException("overrideSuppression",
                $"This address was erased and is suppressed: the subscriber {suppressed.Describe()}. It is not added again without an explicit override: " +
                "give the reason (API: ?overrideSuppression=<reason>; CLI: --override-suppression \"<reason>\"); the override is audited.")
            { IsConflict = true };
        var added = await store.AddAsync(candidate, ct);
        await audit.RecordAsync(added.Id, actor, "created", new Dictionary<string, string>
        {
            ["status"] = added.Status.ToString().ToLowerInvariant(),
            ["frequency"] = added.Frequency.ToString().ToLowerInvariant(),
            ["consent"] = added.Consent?.Source ?? "",
        }, ct);
        if (suppressed is not null)
        {
            await audit.RecordAsync(added.Id, actor, "suppression overridden", OverrideDetails(suppressed, reason!), ct);
            await suppressions.DeleteAsync(suppressed.Id, ct);
        }
        return added;
    }

    /// <summary>The audit details of an override: the suppression lifted and the admin's reason.</summary>
    public static Dictionary<string, string> OverrideDetails(Suppression suppressed, string reason) => new()
    {
        ["suppression"] = suppressed.Reason,
        ["suppressedAt"] = suppressed.At.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["overrideReason"] = reason,
    };

    /// <summary>By id (32 hex characters, either case) or by address.</summary>
    public Task<Subscriber?> FindAsync(string idOrEmail, CancellationToken ct = default)
        => SubscriberIds.IsId(idOrEmail) ? store.GetAsync(IdKey(idOrEmail), ct) : store.FindByEmailAsync(idOrEmail, ct);

    /// <summary>Applies the patch; null when there is no such subscriber.</summary>
    public async Task<Subscriber?> UpdateAsync(string idOrEmail, SubscriberPatch patch, string actor, CancellationToken ct = default)
    {
        // Validate everything before touching the record, so a bad field changes nothing.
        var name = patch.Name is null ? null : rules.Name(patch.Name);
        var organization = patch.Organization is null ? null : rules.Organization(patch.Organization);
        var country = patch.Country is null ? null : SubscriberRules.Country(patch.Country);
        var language = patch.Language is null ? null : SubscriberRules.Language(patch.Language);
        DigestFrequency? frequency = patch.Frequency is null ? null : SubscriberRules.Frequency(patch.Frequency);
        var topics = patch.Topics is null ? null : rules.Topics(patch.Topics);
        var timeZone = patch.TimeZone is null ? null : SubscriberRules.TimeZone(patch.TimeZone);
        SubscriberStatus? status = patch.Status is null ? null : SubscriberRules.Status(patch.Status);
        FieldChange<int?>? deliveryHour = patch.DeliveryHour is null ? null : new(SubscriberRules.DeliveryHour(patch.DeliveryHour));

        var id = await IdOfAsync(idOrEmail, ct);
        if (id is null) return null;
        var result = await store.UpdateAsync(
            id,
            s => EnsureConsent(s, status).With(name, organization, country, language, frequency, topics, timeZone, status, deliveryHour),
            ct);
        if (result is not { } r) return null;
        var changes = SubscriberAudit.Diff(r.Before, r.After);
        if (changes.Count > 0)
            await audit.RecordAsync(id, actor, "updated", changes, ct);
        return r.After;
    }

    public Task<Subscriber?> SuspendAsync(string idOrEmail, string actor, CancellationToken ct = default)
        => UpdateAsync(idOrEmail, new SubscriberPatch(Status: nameof(SubscriberStatus.Suspended)), actor, ct);

    public Task<Subscriber?> ActivateAsync(string idOrEmail, string actor, CancellationToken ct = default)
        => UpdateAsync(idOrEmail, new SubscriberPatch(Status: nameof(SubscriberStatus.Active)), actor, ct);

    /// <summary>Erasure (GDPR): see <see cref="SubscriberEraser"/>. Null when there was no such subscriber.</summary>
    public Task<ErasureReport?> EraseAsync(string idOrEmail, string actor, CancellationToken ct = default)
        => eraser.EraseAsync(IdKey(idOrEmail), actor, ct);

    /// <summary>
    /// Consent is the subscriber's: an admin may lift a suspension or a bounce, but never re-subscribe someone who
    /// unsubscribed or reported spam. Only they can, through the subscribe form and its confirmation.
    /// </summary>
    private static Subscriber EnsureConsent(Subscriber current, SubscriberStatus? to)
        => to is SubscriberStatus.Active or SubscriberStatus.Pending && current.Status is SubscriberStatus.Unsubscribed or SubscriberStatus.Complained
            ? throw new InvalidSubscriberException("status",
                $"This subscriber {(current.Status == SubscriberStatus.Complained ? "reported the digest as spam" : "unsubscribed")}; " +
                "an admin cannot subscribe them again. They can subscribe themselves at /api/subscribe and confirm by email.")
            : current;

    private async Task<string?> IdOfAsync(string idOrEmail, CancellationToken ct)
        => SubscriberIds.IsId(idOrEmail) ? IdKey(idOrEmail) : (await store.FindByEmailAsync(idOrEmail, ct))?.Id;

    /// <summary>An id as stored (lower case) when the value is an id in either case; an address as given.</summary>
    private static string IdKey(string idOrEmail) => SubscriberIds.IsId(idOrEmail) ? idOrEmail.ToLowerInvariant() : idOrEmail;
}
