namespace Notifications.Digests;

/// <summary>
/// What an hourly run at UTC hour H covers when it reads the slot index: the slot groups whose latest slot at or before H is after
/// <see cref="From"/> (<see cref="DueSlots"/>), and the subscribers written since <see cref="WrittenSince"/>.
/// </summary>
/// <param name="From">The hour of the latest earlier hourly run of the frequency that got planned within the lateness limit, else H minus
/// <see cref="ScheduleOptions.LatenessLimit"/> (exclusive: a slot exactly that late is still due). Replanning a run finds the same one.</param>
/// <param name="At">The run's hour H.</param>
public sealed record TickWindow(DateTimeOffset From, DateTimeOffset At)
{
    /// <summary>How far before <see cref="From"/> the written-since read starts: an index write racing the previous tick is read again.</summary>
    public static readonly TimeSpan WriteMargin = TimeSpan.FromMinutes(5);

    public DateTimeOffset WrittenSince => From - WriteMargin;

    /// <summary>The window of the hourly run of <paramref name="frequency"/> at <paramref name="hour"/> (the top of a UTC hour).</summary>
    public static async Task<TickWindow> OfAsync(
        DigestRunStore runs, Subscribers.DigestFrequency frequency, DateTimeOffset hour, TimeSpan latenessLimit, CancellationToken ct)
    {
        var earliest = hour - latenessLimit;
        var previous = await runs.LatestPlannedHourlyAsync(frequency, earliest, hour, ct);
        // No such run: every slot a full read still finds due, the one exactly at the lateness limit included.
        return new TickWindow(previous ?? earliest.AddTicks(-1), hour);
    }
}
