using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>
/// One hour of the hourly timer ahead: how many subscribers' daily and weekly slots it will find due (their local delivery time falls
/// in the hour before it). They get a digest if their window holds articles by then.
/// </summary>
/// <param name="Hour">The UTC hour at which the timer picks them up (slots in the hour before it, up to and including it).</param>
public sealed record DueHour(DateTimeOffset Hour, int Daily, int Weekly)
{
    public int Total => Daily + Weekly;
}

/// <summary>
/// The next digests due, per hour for the next 24 hours: from the subscribers' cards (active, daily or weekly; their time zone, delivery
/// hour and frequency) and <see cref="DigestSchedule"/>'s slots. Subscribers who share a time zone, hour and frequency share their
/// slots, so the schedule is asked once per such group, not once per subscriber.
/// </summary>
public sealed class DueForecast(DigestSchedule schedule)
{
    /// <summary>How far ahead the forecast looks.</summary>
    public const int Hours = 24;

    /// <summary>
    /// The <see cref="Hours"/> timer hours after <paramref name="now"/> (the first is the next whole UTC hour), each with the active
    /// daily and weekly subscribers whose slot falls in (the hour before it, the hour]. A card whose time zone is unknown is skipped
    /// (the planner skips it too) and counted in <paramref name="unknownZones"/>.
    /// </summary>
    public IReadOnlyList<DueHour> Next(IEnumerable<SubscriberCard> cards, DateTimeOffset now, out int unknownZones)
    {
        var first = FloorHour(now).AddHours(1);
        var last = first.AddHours(Hours - 1);
        var daily = new int[Hours];
        var weekly = new int[Hours];
        unknownZones = 0;
        var groups = cards
            .Where(c => c.Status == SubscriberStatus.Active && c.Frequency is DigestFrequency.Daily or DigestFrequency.Weekly)
            .GroupBy(c => (c.Frequency, c.TimeZone, c.DeliveryHour));
        foreach (var group in groups)
        {
            IReadOnlyList<DateTimeOffset> slots;
            try
            {
                slots = schedule.SlotsBetween(group.Key.Frequency, group.Key.TimeZone, group.Key.DeliveryHour, now, last).ToList();
            }
            catch (ArgumentException)
            {
                unknownZones += group.Count();
                continue;
            }
            var counts = group.Key.Frequency == DigestFrequency.Daily ? daily : weekly;
            foreach (var slot in slots)
            {
                var index = (int)((CeilingHour(slot) - first).Ticks / TimeSpan.TicksPerHour);
                if (index is >= 0 and < Hours) counts[index] += group.Count();
            }
        }
        return Enumerable.Range(0, Hours).Select(i => new DueHour(first.AddHours(i), daily[i], weekly[i])).ToList();
    }

    private static DateTimeOffset FloorHour(DateTimeOffset at)
        => new(at.UtcTicks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, TimeSpan.Zero);

    private static DateTimeOffset CeilingHour(DateTimeOffset at)
        => new((at.UtcTicks + TimeSpan.TicksPerHour - 1) / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, TimeSpan.Zero);
}
