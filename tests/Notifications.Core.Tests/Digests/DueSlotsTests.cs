using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Digests;

/// <summary>Which slot groups an hourly tick reads (<see cref="DueSlots"/>): DST-safe, each slot in exactly one tick, missed ticks caught up.</summary>
public sealed class DueSlotsTests
{
    private static readonly DigestSchedule Schedule = new(Options.Create(new ScheduleOptions()));
    private static readonly DueSlots Slots = new(Schedule, NullLogger<DueSlots>.Instance);

    // Spring-forward and fall-back days of 2026: Brussels 29 March and 25 October, New York 8 March and 1 November.
    public static TheoryData<string, string> TransitionDays => new()
    {
        { "Europe/Brussels", "2026-03-29" },
        { "Europe/Brussels", "2026-10-25" },
        { "America/New_York", "2026-03-08" },
        { "America/New_York", "2026-11-01" },
        { "Asia/Tashkent", "2026-03-29" },
    };

    [Theory]
    [MemberData(nameof(TransitionDays))]
    public void EveryDeliveryHourIsDueAtExactlyTheTicksOfItsSlotsAcrossADstTransition(string zone, string day)
    {
        var start = DateTimeOffset.Parse(day + "T00:00:00Z").AddDays(-2);
        var end = start.AddDays(4);
        foreach (int? hour in (int?[])[null, 0, 1, 2, 3, 7, 8, 23])
        {
            var slots = Schedule.SlotsBetween(DigestFrequency.Daily, zone, hour, start, end)
                .Select(s => s == DigestPeriod.TopOfHour(s) ? s : DigestPeriod.TopOfHour(s).AddHours(1)).ToList(); // the tick at or after it
            var due = new List<DateTimeOffset>();
            for (var at = start.AddHours(1); at <= end; at = at.AddHours(1))
                if (Slots.IsDue(DigestFrequency.Daily, zone, hour, null, at.AddHours(-1), at))
                    due.Add(at);
            Assert.Equal(slots, due);
            Assert.InRange(due.Count, 3, 5); // one per local day in the four UTC days
        }
    }

    [Fact]
    public void SpringForwardGapHourIsDueAtTheFirstInstantAfterTheGap()
    {
        // 02:00 does not exist in Brussels on 29 March 2026: the slot is 03:00 CEST = 01:00 UTC.
        var tick = DateTimeOffset.Parse("2026-03-29T01:00:00Z");
        Assert.True(Slots.IsDue(DigestFrequency.Daily, "Europe/Brussels", 2, null, tick.AddHours(-1), tick));
        Assert.False(Slots.IsDue(DigestFrequency.Daily, "Europe/Brussels", 2, null, tick, tick.AddHours(1)));
    }

    [Fact]
    public void FallBackRepeatedHourIsDueOnceAtItsFirstOccurrence()
    {
        // 01:00 happens twice in New York on 1 November 2026: 05:00 UTC (EDT) and 06:00 UTC (EST); the first one is the slot.
        var first = DateTimeOffset.Parse("2026-11-01T05:00:00Z");
        Assert.True(Slots.IsDue(DigestFrequency.Daily, "America/New_York", 1, null, first.AddHours(-1), first));
        Assert.False(Slots.IsDue(DigestFrequency.Daily, "America/New_York", 1, null, first, first.AddHours(1)));
    }

    [Fact]
    public void MissedTicksAreCaughtUpByTheNextTickWhoseWindowReachesBack()
    {
        // Brussels 08:00 = 07:00 UTC; ticks 06:00–10:00 UTC were missed, the 11:00 tick's window starts at 05:00.
        var tick = DateTimeOffset.Parse("2026-11-26T11:00:00Z");
        Assert.True(Slots.IsDue(DigestFrequency.Daily, "Europe/Brussels", null, null, tick.AddHours(-6), tick));
        Assert.False(Slots.IsDue(DigestFrequency.Daily, "Europe/Brussels", null, null, tick.AddHours(-1), tick));
    }

    [Fact]
    public void WeeklyGroupIsDueOnlyOnItsOwnDayOrTheDefaultDay()
    {
        var mondayEight = DateTimeOffset.Parse("2026-11-30T07:00:00Z"); // Monday 08:00 in Brussels
        Assert.True(Slots.IsDue(DigestFrequency.Weekly, "Europe/Brussels", null, null, mondayEight.AddHours(-1), mondayEight));
        Assert.False(Slots.IsDue(DigestFrequency.Weekly, "Europe/Brussels", null, DayOfWeek.Friday, mondayEight.AddHours(-1), mondayEight));
        var fridayEight = DateTimeOffset.Parse("2026-12-04T07:00:00Z");
        Assert.True(Slots.IsDue(DigestFrequency.Weekly, "Europe/Brussels", null, DayOfWeek.Friday, fridayEight.AddHours(-1), fridayEight));
    }

    [Fact]
    public void GroupWithAnUnknownTimeZoneIsLeftOutNotThrown()
        => Assert.False(Slots.IsDue(DigestFrequency.Daily, "Mars/Olympus_Mons", null, null,
            DateTimeOffset.Parse("2026-11-26T00:00:00Z"), DateTimeOffset.Parse("2026-11-27T00:00:00Z")));
}
