using Microsoft.Extensions.Logging;
using Notifications.Mail;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>What an erasure did.</summary>
/// <param name="Reason">The suppression entry's reason; null when none was written (someone who only had pending subscribe requests).</param>
/// <param name="AlreadyErased">The record was gone already (an earlier erasure, run again to finish or to catch late copies).</param>
public sealed record ErasureReport(string Id, string? Reason, bool AlreadyErased, IReadOnlyList<ErasureStep> Steps)
{
    /// <summary>What could not be removed yet (a batch being sent right now): run the erasure again later.</summary>
    public IReadOnlyList<string> Left => Steps.Where(s => s.Left is not null).Select(s => $"{s.Store}: {s.Left}").ToList();
}

/// <summary>
/// Erasure (GDPR), in one place. In this order, so that a crash half-way never loses the suppression and running it again finishes it:
/// <list type="number">
/// <item>the suppression entry (keyed id, reason from the status, date) is written;</item>
/// <item>the subscriber row goes (and its old-id alias), logged as a departure so that senders skip them;</item>
/// <item>every <see cref="IPersonalDataStore"/> forgets them (unsent ledger batches, raw webhook events, pending requests);</item>
/// <item>their audit history keeps its entries but loses any detail holding the address or the name;</item>
/// <item>an "erased" audit entry (actor, reason, what was removed; no personal data) is added.</item>
/// </list>
/// What stays: the suppression entry, the audit history without personal details, and the id (a keyed hash) in sent batches and counters.
/// <para>
/// Someone with no subscriber record but pending subscribe requests (they used the form and never confirmed) is erased too: the
/// requests and any other copy go, and an "erased" audit entry is added, but no suppression entry is written. They never consented,
/// so there is nothing to protect from a re-subscription; and the request may have been typed by someone else with their address,
/// which must not block an admin from adding them later. Only when nothing at all is held (no record, no suppression, no copy) is
/// the answer "not found".
/// </para>
/// </summary>
public sealed class SubscriberEraser(SubscriberStore store, SubscriberAudit audit, Suppressions suppressions, IEnumerable<IPersonalDataStore> stores,
    TimeProvider time, ILogger<SubscriberEraser> logger)
{
    /// <summary>Erases by id or address; null when there is no such subscriber, none was erased under that id, and no store holds anything of them.</summary>
    public async Task<ErasureReport?> EraseAsync(string idOrEmail, string actor, CancellationToken ct = default)
    {
        var value = (idOrEmail ?? "").Trim();
        var email = SubscriberIds.IsId(value) ? null : SubscriberEmail.Normalize(value);
        var id = email is null ? value : store.IdOf(email);

        var subscriber = await store.GetAsync(id, ct);
        Suppression? suppression;
        if (subscriber is not null)
        {
            id = subscriber.Id;
            suppression = new Suppression(id, Suppression.ReasonFor(subscriber.Status), time.GetUtcNow());
            await suppressions.PutAsync(suppression, ct);
            await store.DeleteAsync(id, ct);
        }
        else
            suppression = await suppressions.GetAsync(id, ct); // null: perhaps only pending requests (no suppression for them)

        var who = new ErasedSubscriber(id, subscriber?.Email ?? email, subscriber?.Name);
        if (who.Email is { } address)
            await store.DeleteAliasAsync(SubscriberIds.LegacyOf(address), ct);
        var steps = new List<ErasureStep>();
        foreach (var personal in stores)
            steps.Add(await personal.ForgetAsync(who, ct));
        steps.Add(new ErasureStep("audit", await audit.ForgetAsync(who, ct)));
        if (subscriber is null && suppression is null && steps.All(s => s.Removed == 0 && s.Left is null))
            return null; // nothing known of this address or id

        var details = suppression is null
            ? new Dictionary<string, string> { ["reason"] = "never confirmed", ["suppressed"] = "false" }
            : new Dictionary<string, string> { ["reason"] = suppression.Reason, ["suppressed"] = "true" };
        foreach (var step in steps.Where(s => s.Removed > 0))
            details[step.Store] = step.Removed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var again = subscriber is null && suppression is not null;
        await audit.RecordAsync(id, actor, again ? "erased again" : "erased", details, ct);
        var report = new ErasureReport(id, suppression?.Reason, again, steps);
        logger.LogInformation("Erased subscriber {SubscriberId} ({Reason}); removed: {Removed}; left: {Left}",
            id, suppression?.Reason ?? "never confirmed, not suppressed",
            string.Join(", ", steps.Select(s => $"{s.Store} {s.Removed}")), report.Left.Count == 0 ? "nothing" : string.Join("; ", report.Left));
        return report;
    }
}
