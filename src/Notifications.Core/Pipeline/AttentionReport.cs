using Azure;
using Azure.Storage.Queues;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>A run that stopped sending after too many failed batches in a row, until an admin resumes it.</summary>
public sealed record PausedRun(string RunId, DateTimeOffset PausedAt, int ConsecutiveFailures, int ArticleCount, int RecipientCount);

/// <summary>A batch of an unfinished run that failed (retried by the hourly timer) or is uncertain (an admin decides), and why.</summary>
/// <param name="Cause">What the sender recorded (SendGrid's answer, the timeout); null when it recorded nothing.</param>
public sealed record ProblemBatch(string RunId, string BatchId, string Variant, BatchStatus Status, int Attempts, string? Cause,
    DateTimeOffset UpdatedAt);

/// <summary>A poison queue: the messages that failed <see cref="QueueDrain.MaxDequeueCount"/> times, and when the oldest arrived.</summary>
public sealed record PoisonQueue(string Queue, int Messages, DateTimeOffset? Oldest);

/// <summary>What needs an admin first: paused runs, failed and uncertain batches, poison messages, bounce and complaint spikes.</summary>
public sealed record Attention(
    IReadOnlyList<PausedRun> Paused,
    IReadOnlyList<ProblemBatch> Batches,
    IReadOnlyList<PoisonQueue> Poison,
    IReadOnlyList<StatusSpike> Spikes)
{
    public bool Any => Paused.Count > 0 || Batches.Count > 0 || Poison.Any(p => p.Messages > 0) || Spikes.Any(s => s.IsSpike);
}

/// <summary>
/// Reads what needs attention: the runs still Planned or Paused (<see cref="DigestRunStore.ListUnfinishedAsync"/>, over
/// <see cref="LookBack"/>) and their unsent batches (<see cref="DeliveryLedger.ListUnsentAsync"/>, without recipients), both poison
/// queues' approximate counts, and the spikes (<see cref="StatusSpikes"/>) of the cards it is given.
/// </summary>
public sealed class AttentionReport(DigestRunStore runs, DeliveryLedger ledger, StorageResources storage)
{
    /// <summary>How far back unfinished runs are looked for (a run paused longer than this is long forgotten: see the runs archive).</summary>
    public static readonly TimeSpan LookBack = TimeSpan.FromDays(90);

    /// <summary>At most this many problem batches are listed (the runs archive has them all).</summary>
    public const int MaxBatches = 50;

    public async Task<Attention> ReadAsync(IEnumerable<SubscriberCard> cards, DateTimeOffset now, CancellationToken ct = default)
    {
        var unfinished = await runs.ListUnfinishedAsync(now - LookBack, ct);
        var paused = unfinished.Where(r => r.Status == DigestRunStatus.Paused)
            .OrderByDescending(r => r.UpdatedAt)
            .Select(r => new PausedRun(r.RunId, r.UpdatedAt, r.ConsecutiveFailures, r.ArticleCount, r.RecipientCount))
            .ToList();
        var batches = new List<ProblemBatch>();
        foreach (var run in unfinished.Where(r => r.PlanId.Length > 0).OrderByDescending(r => r.UpdatedAt))
        {
            foreach (var b in await ledger.ListUnsentAsync(run.RunId, run.PlanId, ct))
                if (b.Status is BatchStatus.Failed or BatchStatus.Uncertain)
                    batches.Add(new ProblemBatch(b.RunId, b.BatchId, b.Variant, b.Status, b.Attempts, b.Error, b.UpdatedAt));
            if (batches.Count >= MaxBatches) break;
        }
        PoisonQueue[] poison =
        [
            await PoisonAsync(storage.SendBatchesPoison, ct),
            await PoisonAsync(storage.SubscribeConfirmationsPoison, ct),
        ];
        return new Attention(paused, batches.Take(MaxBatches).ToList(), poison, StatusSpikes.From(cards, now));
    }

    private static async Task<PoisonQueue> PoisonAsync(QueueClient queue, CancellationToken ct)
    {
        try
        {
            var properties = await queue.GetPropertiesAsync(ct);
            var count = properties.Value.ApproximateMessagesCount;
            if (count == 0) return new PoisonQueue(queue.Name, 0, null);
            var peeked = await queue.PeekMessagesAsync(maxMessages: 1, ct);
            return new PoisonQueue(queue.Name, count, peeked.Value.FirstOrDefault()?.InsertedOn);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new PoisonQueue(queue.Name, 0, null); // never created: nothing ever failed there
        }
    }
}
