using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Notifications.Delivery;

/// <summary>What is known of a batch whose request may or may not have reached SendGrid, and so what becomes of it.</summary>
public enum UncertainVerdict
{
    /// <summary>SendGrid reported it (a webhook event, or the Email Activity API): it was sent; recorded Sent, never resent.</summary>
    Evidence,
    /// <summary>No evidence yet, and quiet for less than <c>Delivery:UncertainQuietPeriod</c>: wait.</summary>
    Waiting,
    /// <summary>Quiet for longer than the period: proposed for resend; an admin decides (or it was resent once already).</summary>
    Proposed,
    /// <summary>Quiet for longer than the period and <c>Delivery:ResendUncertainAfterQuietPeriod</c> is on: resent now, once.</summary>
    Resend,
    /// <summary>The Email Activity API could not be asked: nothing decided until the next revisit.</summary>
    Undecided,
    /// <summary>No webhook and no Email Activity API: no evidence can arrive, silence means nothing.</summary>
    Unknowable,
}

/// <param name="QuietSince">When the batch was last claimed: its request left no earlier, and no event for it has arrived since.</param>
/// <param name="QuietUntil">When the quiet period ends (the batch is proposed for resend then, if nothing arrives).</param>
/// <param name="Explanation">One sentence for a person (<c>notify digest status</c>, the logs).</param>
public sealed record UncertainAssessment(
    string BatchId,
    BatchStatus Status,
    int Recipients,
    UncertainVerdict Verdict,
    BatchEvidence? Evidence,
    DateTimeOffset QuietSince,
    DateTimeOffset QuietUntil,
    BatchResend? Resent,
    string Explanation);

/// <summary>
/// Decides Uncertain batches (and those left in Sending past <c>Delivery:SendingLease</c>) on evidence, not on a guess:
/// <list type="number">
/// <item>Evidence that SendGrid accepted the request (<see cref="DeliveryEvidence"/>: any webhook event that named the batch, recorded
/// before or after it became uncertain) → Sent, never resent. The webhook applies it as events arrive (<see cref="RecordEventsAsync"/>);
/// a sender that meets the batch checks it first.</item>
/// <item>With <c>SendGrid:EmailActivityApi</c>: the Email Activity API is asked by run and batch id; messages found → evidence; an
/// error → undecided (logged), asked again at the next revisit.</item>
/// <item>No evidence for longer than <c>Delivery:UncertainQuietPeriod</c> since the batch was claimed → proposed for resend; with
/// <c>Delivery:ResendUncertainAfterQuietPeriod</c>, resent by the sender, once: a batch resent before is never resent again
/// automatically. Without the webhook (<c>SendGrid:WebhookPublicKey</c>) and the Email Activity API, silence proves nothing: never
/// proposed, never resent automatically.</item>
/// </list>
/// An admin's <c>notify digest resume &lt;run&gt; --resend-uncertain</c> resends every uncertain batch that has no evidence.
/// </summary>
public sealed class UncertainBatchResolver(
    DeliveryEvidence evidence,
    EmailActivityLookup emailActivity,
    DeliveryLedger ledger,
    IOptions<DeliveryOptions> delivery,
    IOptions<SendGridOptions> sendGrid,
    TimeProvider time,
    ILogger<UncertainBatchResolver> logger)
{
    public const string AutomaticReason = "no SendGrid event within Delivery:UncertainQuietPeriod (Delivery:ResendUncertainAfterQuietPeriod)";
    public const string AdminReason = "an admin's decision (notify digest resume --resend-uncertain)";

    /// <summary>True when SendGrid's signed event webhook is set up here, so that evidence can arrive.</summary>
    public bool WebhookConfigured => SendGridWebhookKey.TryParse(sendGrid.Value.WebhookPublicKey, out _, out _);

    /// <summary>True when a batch left in Sending this long ago was abandoned by its sender.</summary>
    public bool IsAbandoned(DeliveryBatch batch) => batch.Status == BatchStatus.Sending && time.GetUtcNow() - batch.UpdatedAt >= delivery.Value.SendingLease;

    /// <summary>
    /// What to do with an Uncertain batch, or one left in Sending past the lease, that a sender meets. <paramref name="adminResend"/>:
    /// an admin asked to resend it (resent unless there is evidence).
    /// </summary>
    public async Task<UncertainAssessment> DecideAsync(DeliveryBatch batch, bool adminResend, CancellationToken ct)
    {
        var known = batch.Evidence ?? await evidence.GetAsync(batch.RunId, batch.PlanId, batch.BatchId, ct);
        string? lookupError = null;
        if (known is null && emailActivity.Enabled)
        {
            var answer = await emailActivity.FindAsync(batch.RunId, batch.BatchId, ct);
            if (answer is { Found: true, Evidence: { } found })
            {
                known = found;
                await evidence.TryRecordAsync(new RecordedEvidence(batch.RunId, batch.PlanId, batch.BatchId, found), ct);
            }
            lookupError = answer.Error;
        }
        if (known is null && adminResend)
            return Assess(batch, null, null) with { Verdict = UncertainVerdict.Resend, Explanation = "resent: " + AdminReason };
        return Assess(batch, known, lookupError);
    }

    /// <summary>What is known of these batches (the Uncertain ones, and those left in Sending past the lease) from recorded evidence only.</summary>
    public async Task<IReadOnlyList<UncertainAssessment>> ReportAsync(string runId, IReadOnlyList<DeliveryBatch> batches, CancellationToken ct = default)
    {
        var open = batches.Where(b => b.Status == BatchStatus.Uncertain || IsAbandoned(b)).ToList();
        if (open.Count == 0) return [];
        var recorded = await evidence.ListAsync(runId, ct);
        return open.Select(b => Assess(b, b.Evidence ?? DeliveryEvidence.For(recorded, b.PlanId, b.BatchId), null)).ToList();
    }

    /// <summary>
    /// The webhook's part: records the evidence these events carry (one per batch, the first), and moves each batch that had none
    /// and is Uncertain, or in Sending past the lease, to Sent (ETag-guarded). Nothing else moves: a Sent batch stays Sent, and a batch
    /// being sent again right now (Sending within the lease) is left to its sender, whatever events of an earlier send arrive.
    /// </summary>
    public async Task RecordEventsAsync(IEnumerable<DeliveryEvent> events, CancellationToken ct)
    {
        foreach (var found in DeliveryEvidence.Of(events))
        {
            if (!await evidence.TryRecordAsync(found, ct)) continue;
            IReadOnlyList<DeliveryBatch> batches = found.PlanId is { } planId
                ? await ledger.GetAsync(found.RunId, planId, found.BatchId, ct) is { } one ? [one] : []
                : await ledger.ListOpenAsync(found.RunId, found.BatchId, ct);
            foreach (var batch in batches.Where(b => b.Status == BatchStatus.Uncertain || IsAbandoned(b)))
                if (await ledger.TryMoveAsync(batch, BatchStatus.Sent, ct: ct, evidence: found.Evidence) is not null)
                    logger.LogInformation("Batch {BatchId} of run {RunId} was {Status}; SendGrid reported it ({Event} at {At:u}): recorded Sent, not resent",
                        batch.BatchId, batch.RunId, batch.Status, found.Evidence.Event, found.Evidence.At);
        }
    }

    private UncertainAssessment Assess(DeliveryBatch batch, BatchEvidence? known, string? lookupError)
    {
        var o = delivery.Value;
        var quietSince = batch.ClaimedAt ?? batch.UpdatedAt;
        var quietUntil = quietSince + o.UncertainQuietPeriod;
        var state = (batch.Status == BatchStatus.Sending ? "left in Sending past its lease" : "uncertain")
                    + (batch.Resent is { } before ? $" (resent at {before.At:u}: {before.Reason})" : "");
        UncertainAssessment Verdict(UncertainVerdict verdict, string explanation)
            => new(batch.BatchId, batch.Status, batch.RecipientIds.Count, verdict, known, quietSince, quietUntil, batch.Resent, explanation);

        if (known is not null)
            return Verdict(UncertainVerdict.Evidence, $"SendGrid accepted it: {known.Event} event at {known.At:u}; never resent" +
                (batch.Status == BatchStatus.Sent ? "" : " (recorded Sent by the next sender that meets it: a revisit of the run)"));
        if (lookupError is not null)
            return Verdict(UncertainVerdict.Undecided, $"{state}: no webhook evidence, and the Email Activity API could not be asked " +
                $"({lookupError}); undecided until the next revisit");
        if (!WebhookConfigured && !emailActivity.Enabled)
            return Verdict(UncertainVerdict.Unknowable,
                $"{state}: no evidence can arrive (the event webhook is not configured: SendGrid:WebhookPublicKey is empty; " +
                    $"SendGrid:EmailActivityApi is off). " +
                $"Look the batch up in SendGrid's Activity Feed; if it was not processed, `notify digest resume {batch.RunId} --resend-uncertain` resends it");
        if (time.GetUtcNow() < quietUntil)
            return Verdict(UncertainVerdict.Waiting,
                $"{state}: no SendGrid event for any of its recipients yet, quiet since {quietSince:u}; proposed for resend at {quietUntil:u} if none arrives");
        if (batch.Resent is { } resent)
            return Verdict(UncertainVerdict.Proposed,
                $"uncertain again after it was resent at {resent.At:u} ({resent.Reason}), no SendGrid event since {quietSince:u}: never resent " +
                    $"automatically a second time; " +
                $"`notify digest resume {batch.RunId} --resend-uncertain` if SendGrid's Activity Feed confirms it was not processed");
        if (o.ResendUncertainAfterQuietPeriod)
            return Verdict(UncertainVerdict.Resend,
                $"{state}: no SendGrid event for any of its recipients since {quietSince:u}, longer than Delivery:UncertainQuietPeriod " +
                    $"({o.UncertainQuietPeriod}): resent once (Delivery:ResendUncertainAfterQuietPeriod)");
        return Verdict(UncertainVerdict.Proposed,
            $"{state}: proposed for resend because no SendGrid event arrived for any of its recipients since {quietSince:u}, longer than " +
                $"Delivery:UncertainQuietPeriod " +
            $"({o.UncertainQuietPeriod}), so its request most likely never reached SendGrid; `notify digest resume {batch.RunId} " +
                $"--resend-uncertain` resends it " +
            "(or set Delivery:ResendUncertainAfterQuietPeriod)");
    }
}
