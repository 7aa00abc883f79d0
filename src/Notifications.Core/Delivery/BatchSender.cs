using Microsoft.Extensions.Logging;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Delivery;

public enum BatchOutcome
{
    /// <summary>Sent now.</summary>
    Sent,
    /// <summary>Already sent before: skipped.</summary>
    AlreadySent,
    /// <summary>Provably not sent; a rerun tries again.</summary>
    Failed,
    /// <summary>Left in Sending by an earlier attempt, or claimed by another sender right now: not resent.</summary>
    Uncertain,
}

public sealed record BatchResult(string BatchId, BatchOutcome Outcome, int RecipientsSent, int RecipientsSkipped, string? Error);

/// <summary>
/// Sends one planned batch: claim it (Planned/Failed → Sending, ETag-guarded), send it, record Sent with the message id.
/// Recipients are checked at send time: whoever is no longer active is left out.
/// </summary>
public sealed class BatchSender(DeliveryLedger ledger, IMailTransport transport, ILogger<BatchSender> logger)
{
    public async Task<BatchResult> SendAsync(
        DeliveryBatch batch, DigestFrequency frequency, MailContent content, IReadOnlyDictionary<string, Subscriber> subscribers, CancellationToken ct)
    {
        switch (batch.Status)
        {
            case BatchStatus.Sent:
                return new BatchResult(batch.BatchId, BatchOutcome.AlreadySent, 0, 0, null);
            case BatchStatus.Sending:
                logger.LogWarning("Batch {BatchId} of run {RunId} was left in Sending by an earlier attempt; it is not resent automatically", batch.BatchId, batch.RunId);
                return new BatchResult(batch.BatchId, BatchOutcome.Uncertain, 0, 0, "left in Sending by an earlier attempt");
        }

        var claimed = await ledger.TryMoveAsync(batch, BatchStatus.Sending, ct: ct);
        if (claimed is null)
            return new BatchResult(batch.BatchId, BatchOutcome.Uncertain, 0, 0, "claimed by another sender");

        var recipients = batch.RecipientIds
            .Select(id => subscribers.GetValueOrDefault(id))
            .Where(s => s is { Status: SubscriberStatus.Active })
            .Select(s => new Recipient(s!.Id, s.Email, s.Name))
            .ToList();
        var skipped = batch.RecipientIds.Count - recipients.Count;

        string messageId;
        try
        {
            messageId = recipients.Count == 0
                ? ""
                : await transport.SendAsync(new MailBatch(batch.RunId, batch.BatchId, frequency.ToString().ToLowerInvariant(), content, recipients), ct);
        }
        catch (MailNotSentException e)
        {
            logger.LogError("Batch {BatchId} of run {RunId} was not sent: {Reason}", batch.BatchId, batch.RunId, e.Message);
            await ledger.TryMoveAsync(claimed, BatchStatus.Failed, error: e.Message, ct: CancellationToken.None);
            return new BatchResult(batch.BatchId, BatchOutcome.Failed, 0, 0, e.Message);
        }

        // The mail has left: record it even if the caller is cancelling.
        await ledger.TryMoveAsync(claimed, BatchStatus.Sent, messageId: messageId, ct: CancellationToken.None);
        return new BatchResult(batch.BatchId, BatchOutcome.Sent, recipients.Count, skipped, null);
    }
}
