using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Notifications.Mail;

namespace Notifications.Delivery;

/// <summary>What <see cref="SendGridEventProcessor.ProcessAsync"/> did with one delivery of events.</summary>
/// <param name="New">Events processed now.</param>
/// <param name="Duplicates">Events seen before (in this delivery or an earlier one): skipped.</param>
/// <param name="Changed">Events that changed their recipient.</param>
/// <param name="Unknown">Events with an effect that named no recipient, or one who does not exist.</param>
public sealed record SendGridEventSummary(int New, int Duplicates, int Changed, int Unknown);

/// <summary>
/// SendGrid's events, once the webhook has verified and read them (<c>Web/Webhook/SendGridEventWebhook</c>): each is recorded once
/// (SendGrid delivers duplicates; <see cref="DeliveryEvents"/>), counted per digest run, taken as evidence that SendGrid accepted the
/// batch it names (<see cref="UncertainBatchResolver.RecordEventsAsync"/>: an Uncertain batch becomes Sent), and what it says about its
/// recipient is handed on as a <see cref="RecipientEvent"/> to the <see cref="IRecipientEventHandler"/> (the subscribers apply it).
/// <para>
/// Facts, by event (anything else is only counted):
/// <list type="bullet">
/// <item><c>bounce</c> of type <c>bounce</c> (hard) → <see cref="RecipientFact.Bounced"/>. Type <c>blocked</c> (or none) is no fact;
/// blocked is counted as <c>blocked</c>.</item>
/// <item><c>dropped</c> whose reason says the address is unusable (<c>Bounced Address</c>, <c>Invalid</c>, <c>Invalid Address</c>) → Bounced;
/// other reasons (Unsubscribed Address, Spam Reporting Address, Invalid SMTPAPI header, Spam Content, over quota…) are none.</item>
/// <item><c>spamreport</c> → <see cref="RecipientFact.Complained"/>.</item>
/// <item><c>unsubscribe</c>, <c>group_unsubscribe</c> → <see cref="RecipientFact.Unsubscribed"/>.</item>
/// </list>
/// The recipient is the one named by the subscriber_id custom arg, else the one whose id is that of the event's address
/// (<see cref="IRecipientDirectory.IdOf"/>). Events of one recipient are applied in time order; those of different recipients in parallel.
/// </para>
/// </summary>
public sealed class SendGridEventProcessor(
    DeliveryEvents events,
    UncertainBatchResolver uncertain,
    IRecipientDirectory directory,
    IRecipientEventHandler handler,
    RecipientTimeline timeline,
    ILogger<SendGridEventProcessor> logger)
{
    /// <summary>Who reports the events: the actor of whatever they change.</summary>
    public const string Source = "sendgrid";
    /// <summary>The longest event id and run id kept as they are (a table key).</summary>
    public const int MaxKeyLength = 256;
    private const int Parallelism = 8;

    /// <summary>Dropped reasons that say the address itself cannot receive mail.</summary>
    private static readonly HashSet<string> UnusableAddressReasons = new(StringComparer.OrdinalIgnoreCase) { "Bounced Address", "Invalid", "Invalid Address" };

    private sealed class Summary
    {
        public int New;
        public int Duplicates;
        public int Changed;
        public int Unknown;
    }

    /// <summary>
    /// Claims each event (skipping those seen before), hands on their facts (in parallel across recipients, in time order for one),
    /// then adds to the run counters and marks the events processed; then prunes old events, once a day. On failure the claims not yet
    /// counted are released, so that SendGrid's retry processes them again (applying a fact again changes nothing).
    /// </summary>
    public async Task<SendGridEventSummary> ProcessAsync(IReadOnlyList<DeliveryEvent> received, CancellationToken ct)
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
                    // The subscriber's own timeline (profile page): the digests they were in, with what happened to them.
                    if (target is not null)
                        await timeline.RecordAsync(target, e, token);
                    switch (await ApplyAsync(e, target, token))
                    {
                        case RecipientEventOutcome.Changed: Interlocked.Increment(ref summary.Changed); break;
                        case RecipientEventOutcome.UnknownRecipient: Interlocked.Increment(ref summary.Unknown); break;
                    }
                }
            });

            // Any event naming a batch proves SendGrid accepted its request: recorded, and an Uncertain batch becomes Sent.
            await uncertain.RecordEventsAsync(claimed.Values.Select(c => c.Event), ct);

            foreach (var counter in claimed.Values.GroupBy(c => (RunId: CounterRunOf(c.Event), c.Event.CounterName)))
            {
                var list = counter.ToList();
                if (counter.Key.RunId is { } runId)
                {
                    await events.IncrementAsync(runId, counter.Key.CounterName, list.Count, ct);
                    await CountDetailsAsync(runId, counter.Key.CounterName, list, ct);
                }
                await events.MarkProcessedAsync(list, ct);
                foreach (var c in list) claimed.TryRemove(c.Event.EventId, out _);
            }
        }
        catch
        {
            await events.ReleaseAsync(claimed.Values);
            throw;
        }
        await events.PruneIfDueAsync(ct);
        return new SendGridEventSummary(summary.New, summary.Duplicates, summary.Changed, summary.Unknown);
    }

    /// <summary>The runs archive's details of counted events: per batch (so per variant), and per clicked link.</summary>
    private async Task CountDetailsAsync(string runId, string counter, IReadOnlyList<EventClaim> counted, CancellationToken ct)
    {
        foreach (var batch in counted.Where(c => c.Event.BatchId is { Length: > 0 and <= 64 }).GroupBy(c => c.Event.BatchId!))
            await events.IncrementBatchAsync(runId, batch.Key, counter, batch.Count(), ct);
        if (counter == "click")
            foreach (var link in counted.Where(c => c.Event.Url is not null).GroupBy(c => c.Event.Url!))
                await events.IncrementLinkAsync(runId, link.Key, link.Count(), ct);
    }

    private async Task<RecipientEventOutcome> ApplyAsync(DeliveryEvent e, string? recipientId, CancellationToken ct)
    {
        if (FactOf(e) is not { } fact)
            return RecipientEventOutcome.NoChange;
        if (recipientId is null)
        {
            logger.LogInformation("SendGrid {Event} event {EventId} names no subscriber and no usable address", e.Event, e.EventId);
            return RecipientEventOutcome.UnknownRecipient;
        }
        return await handler.HandleAsync(new RecipientEvent(recipientId, fact, Source, e.Event, e.EventId, e.Email, e.Reason, e.Timestamp), ct);
    }

    /// <summary>What an event says of its recipient, if anything (see the class summary for the rules).</summary>
    public static RecipientFact? FactOf(DeliveryEvent e) => e.Event switch
    {
        "bounce" when string.Equals(e.Type, "bounce", StringComparison.OrdinalIgnoreCase) => RecipientFact.Bounced,
        "dropped" when e.Reason is { } reason && UnusableAddressReasons.Contains(reason.Trim()) => RecipientFact.Bounced,
        "spamreport" => RecipientFact.Complained,
        "unsubscribe" or "group_unsubscribe" => RecipientFact.Unsubscribed,
        _ => null,
    };

    /// <summary>The subscriber_id custom arg, else the id of the event's (normalised) address; null when neither is usable.</summary>
    private string? TargetIdOf(DeliveryEvent e)
    {
        if (e.SubscriberId is { Length: > 0 } id)
            return id.Trim().ToLowerInvariant();
        return e.Email is { Length: > 0 } email ? directory.IdOf(email) : null;
    }

    private static string? CounterRunOf(DeliveryEvent e) => e.RunId is { Length: > 0 and <= MaxKeyLength } runId ? runId : null;
}
