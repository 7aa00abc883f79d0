namespace Notifications.Pipeline;

/// <summary>Too many test messages to one address: how many are allowed, and when the next one is.</summary>
public sealed class SendTestLimitException(int perHour, DateTimeOffset nextAt)
    : InvalidOperationException($"At most {perHour} test messages an hour may go to one address; the next one can go at {nextAt:HH:mm} UTC.")
{
    public int PerHour { get; } = perHour;
    public DateTimeOffset NextAt { get; } = nextAt;
}

/// <summary>
/// At most <see cref="PerHour"/> test messages to one address in any hour (by <see cref="TimeProvider"/>), so a desk left open, a script
/// or a stuck button cannot mail anyone more than a few. Kept in this instance's memory: a scaled-out app allows that many per instance.
/// </summary>
public sealed class SendTestLimit(TimeProvider time)
{
    public const int PerHour = 10;
    private readonly Dictionary<string, Queue<DateTimeOffset>> _sent = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Counts one message to <paramref name="address"/>, or throws <see cref="SendTestLimitException"/> when the hour's are used.</summary>
    public void Take(string address)
    {
        var now = time.GetUtcNow();
        lock (_sent)
        {
            foreach (var key in _sent.Keys.ToList())
            {
                var q = _sent[key];
                while (q.Count > 0 && now - q.Peek() >= TimeSpan.FromHours(1)) q.Dequeue();
                if (q.Count == 0) _sent.Remove(key);
            }
            var sent = _sent.TryGetValue(address, out var queue) ? queue : _sent[address] = new Queue<DateTimeOffset>();
            if (sent.Count >= PerHour) throw new SendTestLimitException(PerHour, sent.Peek().AddHours(1));
            sent.Enqueue(now);
        }
    }

    /// <summary>Gives back the last one taken for <paramref name="address"/> (the message could not be sent).</summary>
    public void Return(string address)
    {
        lock (_sent)
            if (_sent.TryGetValue(address, out var q) && q.Count > 0)
                _sent[address] = new Queue<DateTimeOffset>(q.Take(q.Count - 1));
    }
}
