namespace Notifications.Web;

/// <summary>
/// At most <see cref="Limit"/> requests per key in a sliding window. In memory, per instance: with several instances
/// a client may get up to that many times the limit, which is acceptable here because the per-address resend limit is
/// stored on the subscriber record, so the mail any one address can be sent stays bounded whatever the instance count.
/// </summary>
public sealed class ClientRateLimiter(int limit, TimeSpan window, TimeProvider time)
{
    private const int SweepAbove = 10_000;
    private readonly Dictionary<string, Queue<DateTimeOffset>> hits = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public int Limit => limit;

    /// <summary>
    /// Counts a request for <paramref name="key"/>, or refuses it (not counted) when the key has had <see cref="Limit"/> in the
    /// window; then <paramref name="retryAt"/> is when the oldest of them leaves the window, so that one more may pass.
    /// </summary>
    public bool TryAcquire(string key, out DateTimeOffset retryAt)
    {
        var now = time.GetUtcNow();
        retryAt = now;
        lock (gate)
        {
            if (hits.Count > SweepAbove)
            {
                foreach (var (k, q) in hits.ToList())
                {
                    Prune(q, now);
                    if (q.Count == 0) hits.Remove(k);
                }
            }
            if (!hits.TryGetValue(key, out var queue))
                hits[key] = queue = new Queue<DateTimeOffset>();
            Prune(queue, now);
            if (queue.Count >= limit)
            {
                retryAt = queue.Peek() + window;
                return false;
            }
            queue.Enqueue(now);
            return true;
        }
    }

    /// <summary>Gives back the latest request counted for <paramref name="key"/> (one that turned out not to count, e.g. a form with errors).</summary>
    public void Release(string key)
    {
        lock (gate)
        {
            if (!hits.TryGetValue(key, out var queue) || queue.Count == 0) return;
            // The latest is the last in the queue: rebuild without it (a queue holds at most Limit entries).
            var kept = queue.Take(queue.Count - 1).ToList();
            queue.Clear();
            foreach (var at in kept) queue.Enqueue(at);
        }
    }

    private void Prune(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && now - queue.Peek() >= window)
            queue.Dequeue();
    }
}
