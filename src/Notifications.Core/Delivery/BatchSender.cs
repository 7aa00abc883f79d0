using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Telemetry;
using Notifications.Mail;

namespace Notifications.Delivery;

public enum BatchOutcome
{
    /// <summary>Sent now.</summary>
    Sent,
    /// <summary>Already sent before: skipped.</summary>
    AlreadySent,
    /// <summary>Provably not sent; a rerun tries again.</summary>
    Failed,
    /// <summary>May or may not have left: recorded Uncertain; resent only as <see cref="UncertainBatchResolver"/> decides.</summary>
    Uncertain,
    /// <summary>Another sender holds it right now (Sending within its lease): left alone.</summary>
    InProgress,
    /// <summary>Not sent, and never will be (<see cref="BatchStatus.Cancelled"/>): <see cref="BatchResult.Error"/> says why.</summary>
    Cancelled,
}

public sealed record BatchResult(string BatchId, BatchOutcome Outcome, int RecipientsSent, int RecipientsSkipped, string? Error);

/// <summary>
/// Sends one planned batch: claim it (Planned/Failed → Sending, ETag-guarded), send it, record Sent with the message id.
/// Recipients are checked at send time: whoever is no longer active is left out. A batch whose request may have left
/// without an answer becomes Uncertain, and so does one left in Sending past the lease (its sender crashed): what becomes of
/// either is decided on evidence by <see cref="UncertainBatchResolver"/> (SendGrid reported it → Sent; silent past the quiet
/// period → proposed for resend, or resent once when the setting says so; an admin's <c>resendUncertain</c> resends it unless
/// SendGrid reported it).
/// <para>
/// When the provider refuses a batch because of some of its recipients (SendGrid's 400 naming personalizations), nothing was sent:
/// those recipients are recorded refused on the batch (with the reason; <c>notify digest status</c>) and in their history, and the
/// batch goes to the others in the same claim, once. A retry of the batch leaves the refused out.
/// </para>
/// </summary>
public sealed class BatchSender(DeliveryLedger ledger, IRecipientDirectory directory, IMailTransport transport, IOptions<DeliveryOptions> options,
    TimeProvider time, ILogger<BatchSender> logger, PipelineTelemetry telemetry, IRecipientHistory history, UncertainBatchResolver resolver)
{
    /// <summary>Rounds of refused recipients one claim goes through; beyond that the batch counts as failed.</summary>
    private const int MaxRefusalRounds = 5;

    /// <param name="category">What kind of mail it is (the mail's category, and the batch's tag in telemetry): <c>daily</c>, <c>weekly</c>,
    /// <c>instant</c>.</param>
    public Task<BatchResult> SendAsync(DeliveryBatch batch, string category, MailContent content, CancellationToken ct, bool resendUncertain = false)
        => telemetry.TraceBatchAsync(batch.RunId, batch.BatchId, category, uncertainCounts: batch.Status != BatchStatus.Uncertain || resendUncertain,
            () => SendOnceAsync(batch, category, content, ct, resendUncertain),
            r => new SentBatchTags(r.Outcome.ToString(), r.RecipientsSent, r.RecipientsSkipped, r.Error));

    private async Task<BatchResult> SendOnceAsync(DeliveryBatch batch, string category, MailContent content, CancellationToken ct, bool resendUncertain)
    {
        // Listed without its recipients (a sender going through a whole plan): read it whole, now, before deciding anything on its
        // state. A Sent batch never changes again: no need.
        if (batch is { Listed: true, Status: not BatchStatus.Sent })
            batch = await ledger.GetAsync(batch.RunId, batch.PlanId, batch.BatchId, ct) ?? batch;
        BatchResend? resend = null;
        switch (batch.Status)
        {
            case BatchStatus.Sent:
                return new BatchResult(batch.BatchId, BatchOutcome.AlreadySent, 0, 0, null);
            case BatchStatus.Cancelled:
                // Cancelled before anyone claimed it: never claimed, never sent.
                return new BatchResult(batch.BatchId, BatchOutcome.Cancelled, 0, 0, batch.Error ?? "cancelled");
            case BatchStatus.Sending when time.GetUtcNow() - batch.UpdatedAt < options.Value.SendingLease:
                return new BatchResult(batch.BatchId, BatchOutcome.InProgress, 0, 0, null);
            case BatchStatus.Sending or BatchStatus.Uncertain:
                // Left in Sending past the lease (its sender stopped), or Uncertain: SendGrid's word first (UncertainBatchResolver).
                var decision = await resolver.DecideAsync(batch, resendUncertain, ct);
                if (decision.Verdict == UncertainVerdict.Evidence)
                    return await RecordEvidenceAsync(batch, decision.Evidence!, ct);
                if (batch.Status == BatchStatus.Sending)
                {
                    logger.LogWarning("Batch {BatchId} of run {RunId} was left in Sending past its lease: recorded Uncertain", batch.BatchId, batch.RunId);
                    var stale = await ledger.TryMoveAsync(batch, BatchStatus.Uncertain, error: "left in Sending by a sender that stopped", ct: ct);
                    if (stale is null)
                        return new BatchResult(batch.BatchId, BatchOutcome.Uncertain, 0, 0, "left in Sending by a sender that stopped");
                    batch = stale;
                }
                if (decision.Verdict != UncertainVerdict.Resend)
                {
                    logger.LogWarning("Batch {BatchId} of run {RunId} is uncertain, not resent: {Known}", batch.BatchId, batch.RunId, decision.Explanation);
                    return new BatchResult(batch.BatchId, BatchOutcome.Uncertain, 0, 0, decision.Explanation);
                }
                resend = new BatchResend(time.GetUtcNow(), resendUncertain ? UncertainBatchResolver.AdminReason : UncertainBatchResolver.AutomaticReason);
                logger.LogWarning("Batch {BatchId} of run {RunId} is resent: {Known}", batch.BatchId, batch.RunId, decision.Explanation);
                break;
            case BatchStatus.Failed when batch.Resent is not null:
                // Uncertain before, resent, and that send failed: events of the first send may have arrived since.
                if (await resolver.DecideAsync(batch, adminResend: false, ct) is { Verdict: UncertainVerdict.Evidence, Evidence: { } late })
                    return await RecordEvidenceAsync(batch, late, ct);
                break;
        }

        var claimed = await ledger.TryMoveAsync(batch, BatchStatus.Sending, ct: ct, resent: resend);
        if (claimed is null)
            return new BatchResult(batch.BatchId, BatchOutcome.InProgress, 0, 0, null);

        var recipients = await RecipientsAsync(claimed, ct);
        var skipped = batch.RecipientIds.Count - recipients.Count;

        string messageId;
        var rounds = 0;
        try
        {
            while (true)
            {
                try
                {
                    messageId = recipients.Count == 0
                        ? ""
                        : await transport.SendAsync(new MailBatch(batch.RunId, batch.BatchId, category, content, recipients, batch.PlanId), ct);
                    break;
                }
                catch (MailRecipientsRefusedException e) when (++rounds <= MaxRefusalRounds)
                {
                    // Nothing was sent: record who was refused, then send the same batch to the others.
                    claimed = await RecordRefusedAsync(claimed, e.Refused, ct)
                              ?? throw new MailOutcomeUnknownException(
                                  $"Batch {batch.BatchId} changed in the ledger while its refused recipients were recorded.");
                    var refusedIds = e.Refused.Select(r => r.Recipient.SubscriberId).ToHashSet(StringComparer.Ordinal);
                    recipients.RemoveAll(r => refusedIds.Contains(r.SubscriberId));
                    skipped += refusedIds.Count;
                }
            }
        }
        catch (MailRecipientsRefusedException e)
        {
            logger.LogError("Batch {BatchId} of run {RunId} was not sent: SendGrid kept refusing recipients after {Rounds} rounds",
                batch.BatchId, batch.RunId, MaxRefusalRounds);
            await ledger.TryMoveAsync(claimed, BatchStatus.Failed, error: e.Message, ct: CancellationToken.None);
            return new BatchResult(batch.BatchId, BatchOutcome.Failed, 0, 0, e.Message);
        }
        catch (MailNotSentException e)
        {
            logger.LogError("Batch {BatchId} of run {RunId} was not sent: {Reason}", batch.BatchId, batch.RunId, e.Message);
            await ledger.TryMoveAsync(claimed, BatchStatus.Failed, error: e.Message, ct: CancellationToken.None);
            return new BatchResult(batch.BatchId, BatchOutcome.Failed, 0, 0, e.Message);
        }
        catch (MailOutcomeUnknownException e)
        {
            logger.LogError("Batch {BatchId} of run {RunId} may or may not have been sent: {Reason}. Recorded Uncertain; not resent automatically",
                batch.BatchId, batch.RunId, e.Message);
            await ledger.TryMoveAsync(claimed, BatchStatus.Uncertain, error: e.Message, ct: CancellationToken.None);
            return new BatchResult(batch.BatchId, BatchOutcome.Uncertain, 0, 0, e.Message);
        }

        // The mail has left: record it even if the caller is cancelling.
        await ledger.TryMoveAsync(claimed, BatchStatus.Sent, messageId: messageId, ct: CancellationToken.None);
        if (resend is not null)
            await RecordResentAsync(claimed, recipients, resend);
        return new BatchResult(batch.BatchId, BatchOutcome.Sent, recipients.Count, skipped, null);
    }

    /// <summary>SendGrid reported the batch: Sent (ETag-guarded), with the evidence; not sent again.</summary>
    private async Task<BatchResult> RecordEvidenceAsync(DeliveryBatch batch, BatchEvidence evidence, CancellationToken ct)
    {
        if (await ledger.TryMoveAsync(batch, BatchStatus.Sent, ct: ct, evidence: evidence) is null)
            return new BatchResult(batch.BatchId, BatchOutcome.InProgress, 0, 0, null);
        logger.LogInformation("Batch {BatchId} of run {RunId} was {Status}; SendGrid reported it ({Event} at {At:u}): recorded Sent, not resent",
            batch.BatchId, batch.RunId, batch.Status, evidence.Event, evidence.At);
        return new BatchResult(batch.BatchId, BatchOutcome.AlreadySent, 0, 0, null);
    }

    /// <summary>An uncertain batch was sent again: in each recipient's history, with when and why (also on the batch).</summary>
    private async Task RecordResentAsync(DeliveryBatch batch, IReadOnlyList<Recipient> recipients, BatchResend resend)
    {
        var actor = resend.Reason == UncertainBatchResolver.AdminReason ? "admin" : "pipeline";
        foreach (var r in recipients)
            await history.RecordAsync(r.SubscriberId, actor, "resent", new Dictionary<string, string>
            {
                ["run"] = batch.RunId,
                ["batch"] = batch.BatchId,
                ["reason"] = resend.Reason,
            }, CancellationToken.None);
    }

    /// <summary>The refused recipients on the batch (ETag-guarded; null if it moved) and in each one's history.</summary>
    private async Task<DeliveryBatch?> RecordRefusedAsync(DeliveryBatch claimed, IReadOnlyList<RefusedRecipient> refused, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        var recorded = await ledger.RecordRefusedAsync(
            claimed,
            refused.Select(r => new RecipientRefusal(r.Recipient.SubscriberId, r.Reason, at)).ToList(),
            CancellationToken.None);
        if (recorded is null) return null;
        foreach (var r in refused)
        {
            logger.LogWarning("Subscriber {SubscriberId} ({Email}) was refused by the provider in batch {BatchId} of run {RunId}: {Reason}",
                r.Recipient.SubscriberId, EmailAddress.Mask(r.Recipient.Email), claimed.BatchId, claimed.RunId, r.Reason);
            await history.RecordAsync(r.Recipient.SubscriberId, "sendgrid", "refused", new Dictionary<string, string>
            {
                ["run"] = claimed.RunId,
                ["batch"] = claimed.BatchId,
                ["reason"] = r.Reason,
            }, CancellationToken.None);
        }
        return recorded;
    }

    /// <summary>
    /// Who the batch goes to now: the recipients as planned, except those refused on an earlier try, and those who left since (asked
    /// of the <see cref="IRecipientDirectory"/>: whoever is no longer active, or was erased, is left out).
    /// </summary>
    private async Task<List<Recipient>> RecipientsAsync(DeliveryBatch batch, CancellationToken ct)
    {
        if (batch is not { Planned: { } planned, PlannedAt: { } plannedAt })
            throw new InvalidOperationException(
                $"Batch {batch.BatchId} of run {batch.RunId} carries no recipients' addresses: it was not written by the planner.");
        var asPlanned = planned.ToDictionary(p => p.SubscriberId, StringComparer.Ordinal);
        // Refused by the provider on an earlier try of this batch: not sent again.
        var refused = (batch.Refusals ?? []).Select(r => r.SubscriberId).ToHashSet(StringComparer.Ordinal);
        var due = batch.RecipientIds.Where(id => !refused.Contains(id) && asPlanned.ContainsKey(id)).Select(id => asPlanned[id]).ToList();
        return [.. await directory.StillActiveAsync(due, plannedAt, ct)];
    }
}
