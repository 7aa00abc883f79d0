namespace Notifications.Delivery;

/// <summary>
/// What one send may still spend on retries, in two budgets that do not mix. Errors (5xx, SendGrid unreachable) get
/// <see cref="DeliveryOptions.MaxRetries"/> retries with exponential backoff and jitter. Rate limits (429) are SendGrid pacing us, not
/// errors: each is waited out (until its reset, at most <see cref="DeliveryOptions.MaxRateLimitWait"/>) without spending an error retry,
/// up to <see cref="DeliveryOptions.MaxRateLimitWaits"/> waits and <see cref="DeliveryOptions.MaxRateLimitWaitTotal"/> of waiting in all,
/// so that a permanently rate-limited account cannot hold a sender. One instance per send (it counts).
/// </summary>
internal sealed class SendRetryBudget(DeliveryOptions options)
{
    /// <summary>The longest backoff before an error retry (and before retrying a 429 that gave no reset time).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public int ErrorRetries { get; private set; }
    public int RateLimitWaits { get; private set; }
    public TimeSpan RateLimitWaited { get; private set; }

    /// <summary>Why the last retryable answer was not retried (a budget ran out); null while none did.</summary>
    public string? Exhausted { get; private set; }

    /// <summary>The wait before the retry <see cref="TryRetry"/> last granted.</summary>
    public TimeSpan NextDelay { get; private set; }

    /// <summary>Whether <paramref name="attempt"/> is retried; if so, spends the budget it belongs to and sets <see cref="NextDelay"/>.</summary>
    public bool TryRetry(SendAttempt attempt)
    {
        if (!attempt.IsRetryable)
            return false;
        if (attempt.Kind is SendAttemptKind.RateLimited)
        {
            var wait = attempt.Wait ?? Backoff(RateLimitWaits);
            if (RateLimitWaits >= options.MaxRateLimitWaits)
            {
                Exhausted = $"{RateLimitWaits} rate-limit waits, as many as Delivery:MaxRateLimitWaits ({options.MaxRateLimitWaits}) allows";
                return false;
            }
            if (RateLimitWaited + wait > options.MaxRateLimitWaitTotal)
            {
                Exhausted = $"waiting another {wait.TotalSeconds:0.#} s after {RateLimitWaited.TotalSeconds:0.#} s would exceed " +
                    $"Delivery:MaxRateLimitWaitTotal ({options.MaxRateLimitWaitTotal})";
                return false;
            }
            RateLimitWaits++;
            RateLimitWaited += wait;
            NextDelay = wait;
            return true;
        }
        if (ErrorRetries >= options.MaxRetries)
        {
            Exhausted = $"{ErrorRetries} retries, as many as Delivery:MaxRetries ({options.MaxRetries}) allows";
            return false;
        }
        NextDelay = Backoff(ErrorRetries);
        ErrorRetries++;
        return true;
    }

    /// <summary>RetryBaseDelay doubled per earlier retry of the same kind, with ±20 % jitter, at most <see cref="MaxBackoff"/>.</summary>
    private TimeSpan Backoff(int earlier)
    {
        var delay = options.RetryBaseDelay * Math.Pow(2, Math.Min(earlier, 16)) * (0.8 + Random.Shared.NextDouble() * 0.4);
        return delay > MaxBackoff ? MaxBackoff : delay;
    }
}
