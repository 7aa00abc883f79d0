using Microsoft.Extensions.Options;
using Notifications.Digests;

namespace Notifications.Pipeline;

/// <summary>A run asked for an instant far from now: what the CLI and the console say before they go on.</summary>
/// <param name="Ahead">True when the instant is in the future (the worse case: a later article reaches nobody until then).</param>
public sealed record FarFromNow(DateTimeOffset At, DateTimeOffset Now, TimeSpan Distance, bool Ahead, TimeSpan Limit)
{
    /// <summary>The explanation, in English (the CLI's; the console says the same from its resources).</summary>
    public string Explanation =>
        $"{At:yyyy-MM-dd HH:mm} UTC is {Hours(Distance)} {(Ahead ? "ahead of" : "before")} now ({Now:yyyy-MM-dd HH:mm} UTC; the limit without " +
        $"confirmation is {Hours(Limit)}, Schedule:ConfirmRunsFarFromNow). A run covers each recipient's window up to its instant and moves " +
        "their window there: " + (Ahead
            ? "an article published before that instant but after now reaches nobody in their next digest."
            : "they get the articles up to then only; the rest come in their next digest.");

    private static string Hours(TimeSpan t) => t.TotalHours >= 48 ? $"{t.TotalDays:0.#} days" : $"{t.TotalHours:0.#} hours";
}

/// <summary>
/// The far-from-now guard of runs started by hand, one for both the CLI (<c>notify digest run --at</c>, <c>--yes</c> skips it) and the
/// runs archive's "run a digest" form (a confirmation step): an instant further from now than <c>Schedule:ConfirmRunsFarFromNow</c> needs
/// a confirmation.
/// </summary>
public sealed class RunTimeGuard(IOptions<ScheduleOptions> schedule, TimeProvider time)
{
    /// <summary>Null when <paramref name="at"/> (null: now) needs no confirmation; otherwise what to explain.</summary>
    public FarFromNow? Check(DateTimeOffset? at)
    {
        if (at is not { } instant) return null;
        var now = time.GetUtcNow();
        var distance = (instant - now).Duration();
        var limit = schedule.Value.ConfirmRunsFarFromNow;
        return distance > limit ? new FarFromNow(instant.ToUniversalTime(), now, distance, instant > now, limit) : null;
    }
}
