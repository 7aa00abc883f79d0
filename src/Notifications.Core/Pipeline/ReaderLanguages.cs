using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>
/// The digest languages (en, ru, fr) at least one active subscriber reads, for the desk's "translation missing" check. Cost: for each
/// language, one table query filtered by status and language that stops at the first match (usually one request of one row), so three
/// requests; the answer is kept for <see cref="Lifetime"/> (by <see cref="TimeProvider"/>), so typing in the desk does not query again.
/// </summary>
public sealed class ReaderLanguages(SubscriberStore store, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private sealed record Cached(DateTimeOffset At, IReadOnlyCollection<string> Languages);
    private volatile Cached? _cached;

    public async Task<IReadOnlyCollection<string>> GetAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (_cached is { } c && now - c.At < Lifetime) return c.Languages;
        var read = new List<string>();
        foreach (var language in DigestLocale.Languages)
        {
            string? continuation = null;
            do
            {
                var (items, next) = await store.QueryAsync(new SubscriberFilter(SubscriberStatus.Active, Language: language), continuation, 1, ct);
                if (items.Count > 0)
                {
                    read.Add(language);
                    break;
                }
                continuation = next;
            }
            while (continuation is not null);
        }
        _cached = new Cached(now, read);
        return read;
    }
}
