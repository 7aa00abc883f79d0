using Microsoft.Extensions.Logging;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>
/// Which slot groups of the index an hourly run reads: those whose latest slot at or before the run's hour is after the window's start
/// (<see cref="TickWindow"/>), per <see cref="DigestSchedule"/> (its DST rules: a delivery hour in a spring-forward gap is the first instant
/// after it, one that happens twice is its first occurrence). A group with an unknown time zone or no valid hour is left out with a warning,
/// as a full read leaves such a subscriber out.
/// </summary>
public sealed class DueSlots(DigestSchedule schedule, ILogger<DueSlots> logger)
{
    /// <summary>True when the slot group has a slot in the tick's window (<see cref="TickWindow.From"/>, <see cref="TickWindow.At"/>].</summary>
    public bool IsDue(SlotGroup group, TickWindow window)
        => IsDue(group.Frequency, group.TimeZone, group.DeliveryHour, group.WeeklyDay, window.From, window.At);

    /// <summary>
    /// True when a group of <paramref name="frequency"/> in <paramref name="timeZone"/> at <paramref name="deliveryHour"/> (null: the
    /// default) on <paramref name="weeklyDay"/> (null: the default) has a slot in (<paramref name="from"/>, <paramref name="at"/>].
    /// </summary>
    public bool IsDue(DigestFrequency frequency, string timeZone, int? deliveryHour, DayOfWeek? weeklyDay, DateTimeOffset from, DateTimeOffset at)
    {
        try
        {
            return schedule.LatestSlot(frequency, timeZone, deliveryHour, at, weeklyDay) > from;
        }
        catch (ArgumentException e)
        {
            logger.LogWarning("Slot group ({Frequency}, {TimeZone}, {DeliveryHour}, {WeeklyDay}) is left out of the tick at {At:u}: {Reason}",
                frequency, timeZone, deliveryHour, weeklyDay, at, e.Message);
            return false;
        }
    }
}
