using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Digests;

public sealed class DigestScheduleTests
{
    private const DigestFrequency Daily = DigestFrequency.Daily;
    private const DigestFrequency Weekly = DigestFrequency.Weekly;
    private static readonly DateTimeOffset LongAgo = At("2026-01-01T00:00:00Z");

    // 08:00 local on a winter and a summer day, as UTC.
    public static TheoryData<string, string> EightLocal => new()
    {
        { "Europe/Brussels", "2026-11-26T07:00:00Z" },  // CET, UTC+1
        { "Europe/Brussels", "2026-06-10T06:00:00Z" },  // CEST, UTC+2
        { "Asia/Baku", "2026-11-26T04:00:00Z" },        // UTC+4, no DST
        { "Asia/Baku", "2026-06-10T04:00:00Z" },
        { "Asia/Tashkent", "2026-11-26T03:00:00Z" },    // UTC+5, no DST
        { "Asia/Tashkent", "2026-06-10T03:00:00Z" },
        { "America/New_York", "2026-11-26T13:00:00Z" }, // EST, UTC−5
        { "America/New_York", "2026-06-10T12:00:00Z" }, // EDT, UTC−4
    };

    [Theory]
    [MemberData(nameof(EightLocal))]
    public void DailyDigestIsDueExactlyAtEightLocalCoveringTheDaySinceTheLastOne(string zone, string utc)
    {
        var slot = At(utc);
        var due = Schedule().Due(Daily, zone, null, LongAgo, slot.AddDays(-1), slot);

        Assert.NotNull(due);
        Assert.Equal(slot, due.Slot);
        Assert.Equal(slot.AddDays(-1), due.WindowStart);
        Assert.Equal(slot, due.WindowEnd);
        Assert.Equal("daily-" + utc[..10], due.SlotKey);
    }

    [Theory]
    [MemberData(nameof(EightLocal))]
    public void DailyDigestIsNotDueAtSevenFiftyNineLocal(string zone, string utc)
    {
        var slot = At(utc);
        Assert.Null(Schedule().Due(Daily, zone, null, LongAgo, slot.AddDays(-1), slot.AddMinutes(-1)));
    }

    [Theory]
    [InlineData("Europe/Brussels")]
    [InlineData("Asia/Baku")]
    [InlineData("Asia/Tashkent")]
    [InlineData("America/New_York")]
    public void HourlyTimerPlansOneDailyDigestADayAtEightLocalOnceTheWindowEndIsStored(string zone)
    {
        var run = new Run(Schedule(), LongAgo, lastWindowEnd: At("2026-11-20T00:00:00Z"));
        run.Hourly(At("2026-11-20T00:00:00Z"), At("2026-11-27T00:00:00Z"), Daily, zone);

        Assert.Equal(7, run.Planned.Count);
        Assert.All(run.Planned, d => Assert.Equal(new TimeSpan(8, 0, 0), Local(d.Slot, zone).TimeOfDay));
        Assert.Equal(Enumerable.Range(20, 7).Select(day => $"daily-2026-11-{day}"), run.Planned.Select(d => d.SlotKey));
        AssertContiguous(run);
    }

    [Fact]
    public void HostDownFiveHoursGivesOneDigestAtTheNextCallAndThenNothingUntilTheNextSlot()
    {
        var schedule = Schedule();
        var last = At("2026-11-25T07:00:00Z"); // Brussels 08:00 yesterday
        // Down from 05:00Z to 10:00Z: the 07:00Z (08:00 local) call never happened.
        var due = schedule.Due(Daily, "Europe/Brussels", null, LongAgo, last, At("2026-11-26T10:00:00Z"));

        Assert.NotNull(due);
        Assert.Equal(At("2026-11-26T07:00:00Z"), due.Slot);
        Assert.Equal(last, due.WindowStart);
        Assert.Equal("daily-2026-11-26", due.SlotKey);
        for (var now = At("2026-11-26T11:00:00Z"); now < At("2026-11-27T07:00:00Z"); now = now.AddHours(1))
            Assert.Null(schedule.Due(Daily, "Europe/Brussels", null, LongAgo, due.WindowEnd, now));
        Assert.NotNull(schedule.Due(Daily, "Europe/Brussels", null, LongAgo, due.WindowEnd, At("2026-11-27T07:00:00Z")));
    }

    [Fact]
    public void HostDownThirtyHoursSendsOnlyTheLatestDailySlotCoveringTheMissedDayToo()
    {
        var last = At("2026-11-24T07:00:00Z");
        // Down from 2026-11-25T07:00Z (just before that slot's call) for 30 hours.
        var due = Schedule().Due(Daily, "Europe/Brussels", null, LongAgo, last, At("2026-11-26T13:00:00Z"));

        Assert.NotNull(due);
        Assert.Equal(At("2026-11-26T07:00:00Z"), due.Slot);
        Assert.Equal(last, due.WindowStart);
    }

    [Fact]
    public void WeeklySlotLaterThanTheLatenessLimitIsNotSentStaleAndMergesIntoTheNextWeek()
    {
        var schedule = Schedule();
        var last = At("2026-11-16T03:00:00Z"); // Tashkent, Monday 08:00 a week earlier
        // Down from Monday 2026-11-23 02:00Z for 30 hours: at 08:00Z on Tuesday the Monday slot is 29 hours old.
        for (var now = At("2026-11-24T08:00:00Z"); now < At("2026-11-30T03:00:00Z"); now = now.AddHours(1))
            Assert.Null(schedule.Due(Weekly, "Asia/Tashkent", null, LongAgo, last, now));

        var due = schedule.Due(Weekly, "Asia/Tashkent", null, LongAgo, last, At("2026-11-30T03:00:00Z"));
        Assert.NotNull(due);
        Assert.Equal(last, due.WindowStart);
        Assert.Equal(At("2026-11-30T03:00:00Z"), due.WindowEnd);
        Assert.Equal("weekly-2026-W49", due.SlotKey);
    }

    [Fact]
    public void DailySlotLaterThanAShorterLatenessLimitIsNotSentStaleAndMergesIntoTheNextDay()
    {
        var schedule = Schedule(o => o.LatenessLimit = TimeSpan.FromHours(6));
        var last = At("2026-11-25T07:00:00Z");

        Assert.NotNull(schedule.Due(Daily, "Europe/Brussels", null, LongAgo, last, At("2026-11-26T13:00:00Z"))); // 6 h late: still sent
        Assert.Null(schedule.Due(Daily, "Europe/Brussels", null, LongAgo, last, At("2026-11-26T14:00:00Z")));    // 7 h late: stale
        var due = schedule.Due(Daily, "Europe/Brussels", null, LongAgo, last, At("2026-11-27T07:00:00Z"));
        Assert.NotNull(due);
        Assert.Equal(last, due.WindowStart);
        Assert.Equal("daily-2026-11-27", due.SlotKey);
    }

    [Fact]
    public void WeeklyDigestIsDueOnMondayAtTheDeliveryHourLocal()
    {
        var run = new Run(Schedule(), LongAgo, lastWindowEnd: At("2026-11-16T03:00:00Z"));
        run.Hourly(At("2026-11-17T00:00:00Z"), At("2026-12-01T00:00:00Z"), Weekly, "Asia/Tashkent");

        Assert.Equal([At("2026-11-23T03:00:00Z"), At("2026-11-30T03:00:00Z")], run.Planned.Select(d => d.Slot));
        Assert.Equal(["weekly-2026-W48", "weekly-2026-W49"], run.Planned.Select(d => d.SlotKey));
        AssertContiguous(run);
    }

    [Fact]
    public void WeeklyDigestOnMondayLocalIsDueWhileItIsStillSundayInUtc()
    {
        // 03:00 Monday in Tashkent (UTC+5) is 22:00 Sunday UTC.
        var schedule = Schedule();
        var last = At("2026-11-15T22:00:00Z");
        Assert.Null(schedule.Due(Weekly, "Asia/Tashkent", 3, LongAgo, last, At("2026-11-22T21:00:00Z")));

        var due = schedule.Due(Weekly, "Asia/Tashkent", 3, LongAgo, last, At("2026-11-22T22:00:00Z"));
        Assert.NotNull(due);
        Assert.Equal(DayOfWeek.Sunday, due.Slot.UtcDateTime.DayOfWeek);
        Assert.Equal(At("2026-11-22T22:00:00Z"), due.Slot);
        Assert.Equal("weekly-2026-W48", due.SlotKey); // the local Monday's ISO week, not the UTC Sunday's (W47)
    }

    [Fact]
    public void WeeklyDayComesFromTheOptions()
    {
        var due = Schedule(o => o.WeeklyDay = DayOfWeek.Friday).Due(Weekly, "Europe/Brussels", null, LongAgo, null, At("2026-11-27T12:00:00Z"));

        Assert.NotNull(due);
        Assert.Equal(At("2026-11-27T07:00:00Z"), due.Slot); // Friday 08:00 CET
        Assert.Equal("weekly-2026-W48", due.SlotKey);
    }

    [Fact]
    public void FirstDigestWindowStartsAtCreatedAtMinusTheLookBack()
    {
        var createdAt = At("2026-11-25T15:00:00Z");

        var due = Schedule().Due(Daily, "Europe/Brussels", null, createdAt, null, At("2026-11-26T07:00:00Z"));
        Assert.NotNull(due);
        Assert.Equal(createdAt.AddDays(-7), due.WindowStart);

        var shorter = Schedule(o => o.FirstDigestLookBack = TimeSpan.FromDays(2))
            .Due(Daily, "Europe/Brussels", null, createdAt, null, At("2026-11-26T07:00:00Z"));
        Assert.NotNull(shorter);
        Assert.Equal(createdAt.AddDays(-2), shorter.WindowStart);
    }

    [Fact]
    public void WindowNeverStartsBeforeCreatedAtMinusTheLookBack()
    {
        var createdAt = At("2026-11-25T15:00:00Z");
        var due = Schedule().Due(Daily, "Europe/Brussels", null, createdAt, At("2026-10-01T00:00:00Z"), At("2026-11-26T07:00:00Z"));

        Assert.NotNull(due);
        Assert.Equal(createdAt.AddDays(-7), due.WindowStart);
    }

    [Fact]
    public void SlotBeforeTheSubscriberExistedIsNotTheirsTheirFirstDigestComesAtTheNextSlot()
    {
        var schedule = Schedule();
        var createdAt = At("2026-11-26T09:00:00Z"); // 10:00 in Brussels, after today's 08:00
        for (var now = createdAt; now < At("2026-11-27T07:00:00Z"); now = now.AddHours(1))
            Assert.Null(schedule.Due(Daily, "Europe/Brussels", null, createdAt, null, now));

        var due = schedule.Due(Daily, "Europe/Brussels", null, createdAt, null, At("2026-11-27T07:00:00Z"));
        Assert.NotNull(due);
        Assert.Equal(createdAt.AddDays(-7), due.WindowStart);
        Assert.Equal("daily-2026-11-27", due.SlotKey);
    }

    public static TheoryData<string, string> ZonePairs()
    {
        string[] zones = ["Europe/Brussels", "Asia/Baku", "Asia/Tashkent", "America/New_York", "UTC"];
        var pairs = new TheoryData<string, string>();
        foreach (var from in zones)
            foreach (var to in zones.Where(z => z != from))
                pairs.Add(from, to);
        return pairs;
    }

    [Theory]
    [MemberData(nameof(ZonePairs))]
    public void ChangingTimeZoneNeverGivesAWindowThatOverlapsThePreviousOne(string from, string to)
    {
        // The change at every hour of a day, so it lands before, between and after both zones' slots.
        for (var hour = 0; hour < 24; hour++)
        {
            var change = At("2026-11-23T00:00:00Z").AddHours(hour);
            var run = new Run(Schedule(), LongAgo, lastWindowEnd: At("2026-11-20T00:00:00Z"));
            run.Hourly(At("2026-11-20T00:00:00Z"), change, Daily, from);
            run.Hourly(change, At("2026-11-27T00:00:00Z"), Daily, to);

            AssertContiguous(run);
            Assert.Equal(At("2026-11-20T00:00:00Z"), run.Planned[0].WindowStart);
            Assert.All(run.Planned.Where(d => d.Slot >= change), d => Assert.Equal(8, Local(d.Slot, to).Hour));
        }
    }

    [Fact]
    public void ChangingFrequencyFromDailyToWeeklyKeepsTheWindowContiguous()
    {
        var run = new Run(Schedule(), LongAgo, lastWindowEnd: At("2026-11-20T07:00:00Z"));
        run.Hourly(At("2026-11-20T08:00:00Z"), At("2026-11-25T12:00:00Z"), Daily, "Europe/Brussels"); // through Wednesday's digest
        run.Hourly(At("2026-11-25T12:00:00Z"), At("2026-12-08T00:00:00Z"), Weekly, "Europe/Brussels");

        AssertContiguous(run);
        var firstWeekly = run.Planned.Single(d => d.SlotKey == "weekly-2026-W49");
        Assert.Equal(At("2026-11-25T07:00:00Z"), firstWeekly.WindowStart); // Wednesday's daily slot
        Assert.Equal(At("2026-11-30T07:00:00Z"), firstWeekly.WindowEnd);   // the next Monday
    }

    [Fact]
    public void ChangingFrequencyFromWeeklyToDailyKeepsTheWindowContiguous()
    {
        var run = new Run(Schedule(), LongAgo, lastWindowEnd: At("2026-11-16T07:00:00Z"));
        run.Hourly(At("2026-11-16T08:00:00Z"), At("2026-11-23T12:00:00Z"), Weekly, "Europe/Brussels");
        run.Hourly(At("2026-11-23T12:00:00Z"), At("2026-11-26T00:00:00Z"), Daily, "Europe/Brussels");

        AssertContiguous(run);
        Assert.Equal(["weekly-2026-W48", "daily-2026-11-24", "daily-2026-11-25"], run.Planned.Select(d => d.SlotKey));
    }

    [Fact]
    public void SubscribersOwnDeliveryHourOverridesTheOption()
    {
        var schedule = Schedule();
        var last = At("2026-11-25T16:00:00Z");

        Assert.Null(schedule.Due(Daily, "Europe/Brussels", 17, LongAgo, last, At("2026-11-26T07:00:00Z")));
        Assert.Null(schedule.Due(Daily, "Europe/Brussels", 17, LongAgo, last, At("2026-11-26T15:00:00Z")));
        Assert.Equal(At("2026-11-26T16:00:00Z"), schedule.Due(Daily, "Europe/Brussels", 17, LongAgo, last, At("2026-11-26T16:00:00Z"))?.Slot);
    }

    [Fact]
    public void DeliveryHourOptionAppliesWhenTheSubscriberHasNone()
    {
        var due = Schedule(o => o.DeliveryHour = 6).Due(Daily, "Asia/Baku", null, LongAgo, At("2026-11-25T02:00:00Z"), At("2026-11-26T02:00:00Z"));
        Assert.Equal(At("2026-11-26T02:00:00Z"), due?.Slot);
    }

    [Theory]
    // Brussels spring forward on 2026-03-29: 02:00 CET → 03:00 CEST; 02:00–02:59 does not exist and maps to 03:00 CEST.
    [InlineData("Europe/Brussels", 8, "2026-03-28", "2026-03-28T07:00:00Z")]
    [InlineData("Europe/Brussels", 8, "2026-03-29", "2026-03-29T06:00:00Z")]
    [InlineData("Europe/Brussels", 2, "2026-03-28", "2026-03-28T01:00:00Z")]
    [InlineData("Europe/Brussels", 2, "2026-03-29", "2026-03-29T01:00:00Z")]
    [InlineData("Europe/Brussels", 3, "2026-03-29", "2026-03-29T01:00:00Z")]
    // Brussels fall back on 2026-10-25: 03:00 CEST → 02:00 CET; 02:00–02:59 happens twice, the first (CEST) counts.
    [InlineData("Europe/Brussels", 8, "2026-10-24", "2026-10-24T06:00:00Z")]
    [InlineData("Europe/Brussels", 8, "2026-10-25", "2026-10-25T07:00:00Z")]
    [InlineData("Europe/Brussels", 2, "2026-10-25", "2026-10-25T00:00:00Z")]
    [InlineData("Europe/Brussels", 3, "2026-10-25", "2026-10-25T02:00:00Z")]
    // New York spring forward on 2026-03-08: 02:00 EST → 03:00 EDT; 02:00 maps to 03:00 EDT.
    [InlineData("America/New_York", 8, "2026-03-07", "2026-03-07T13:00:00Z")]
    [InlineData("America/New_York", 8, "2026-03-08", "2026-03-08T12:00:00Z")]
    [InlineData("America/New_York", 2, "2026-03-08", "2026-03-08T07:00:00Z")]
    // New York fall back on 2026-11-01: 02:00 EDT → 01:00 EST; 01:00–01:59 happens twice, the first (EDT) counts.
    [InlineData("America/New_York", 8, "2026-10-31", "2026-10-31T12:00:00Z")]
    [InlineData("America/New_York", 8, "2026-11-01", "2026-11-01T13:00:00Z")]
    [InlineData("America/New_York", 1, "2026-11-01", "2026-11-01T05:00:00Z")]
    [InlineData("America/New_York", 2, "2026-11-01", "2026-11-01T07:00:00Z")]
    public void DeliveryTimeIsRightOnDaylightSavingDays(string zone, int hour, string localDay, string utc)
    {
        var schedule = Schedule();
        var slot = At(utc);
        var previous = schedule.LatestSlot(Daily, zone, hour, slot.AddTicks(-1));

        Assert.Equal(slot, DigestSchedule.LocalDelivery(DigestSchedule.FindZone(zone), DateOnly.Parse(localDay, CultureInfo.InvariantCulture), hour));
        Assert.Null(schedule.Due(Daily, zone, hour, LongAgo, previous, slot.AddMinutes(-1)));
        var due = schedule.Due(Daily, zone, hour, LongAgo, previous, slot);
        Assert.NotNull(due);
        Assert.Equal(slot, due.Slot);
        Assert.Equal("daily-" + localDay, due.SlotKey);
    }

    [Theory]
    [InlineData("Europe/Brussels", 2, "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z")] // 02:00 CEST, then 02:00 CET
    [InlineData("America/New_York", 1, "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z")] // 01:00 EDT, then 01:00 EST
    public void AmbiguousDeliveryHourIsSentAtItsFirstOccurrenceOnly(string zone, int hour, string first, string second)
    {
        var schedule = Schedule();
        var due = schedule.Due(Daily, zone, hour, LongAgo, At(first).AddDays(-1), At(first));

        Assert.NotNull(due);
        Assert.Equal(At(first), due.Slot);
        Assert.Null(schedule.Due(Daily, zone, hour, LongAgo, due.WindowEnd, At(second)));
    }

    public static TheoryData<string, string> DaylightSavingWeeks => new()
    {
        { "Europe/Brussels", "2026-03-26T00:00:00Z" },
        { "Europe/Brussels", "2026-10-22T00:00:00Z" },
        { "America/New_York", "2026-03-05T00:00:00Z" },
        { "America/New_York", "2026-10-29T00:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(DaylightSavingWeeks))]
    public void HourlyTimerPlansExactlyOneDigestPerLocalDayAcrossADaylightSavingChangeForEveryDeliveryHour(string zone, string from)
    {
        for (var hour = 0; hour < 24; hour++)
        {
            var start = At(from);
            var run = new Run(Schedule(), LongAgo, lastWindowEnd: start);
            run.Hourly(start, start.AddDays(7), Daily, zone, hour);

            AssertContiguous(run);
            var days = run.Planned.Select(d => DateOnly.ParseExact(d.SlotKey["daily-".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(days.Distinct(), days);
            Assert.All(days.Zip(days.Skip(1)), p => Assert.Equal(p.First.AddDays(1), p.Second));
            Assert.InRange(days.Count, 6, 7);
            // Each at its local hour, or the first instant after a spring-forward gap (03:00 for 02:00 in both zones).
            Assert.All(run.Planned, d => Assert.Contains(Local(d.Slot, zone).Hour, hour == 2 ? new[] { 2, 3 } : new[] { hour }));
        }
    }

    [Fact]
    public void SlotsBetweenListsTheLocalDeliveryTimesAcrossSpringForward()
    {
        var slots = Schedule().SlotsBetween(Daily, "Europe/Brussels", null, At("2026-03-27T07:00:00Z"), At("2026-03-30T06:00:00Z"));

        Assert.Equal([At("2026-03-28T07:00:00Z"), At("2026-03-29T06:00:00Z"), At("2026-03-30T06:00:00Z")], slots);
        Assert.Equal(At("2026-03-30T06:00:00Z"), Schedule().NextSlot(Daily, "Europe/Brussels", null, At("2026-03-29T06:00:00Z")));
    }

    [Theory]
    [InlineData("Europe/Atlantis")]
    [InlineData("Asia/Tashkend")]
    [InlineData("")]
    public void UnknownTimeZoneIsAnArgumentExceptionNamingIt(string zone)
    {
        var e = Assert.Throws<ArgumentException>(() => Schedule().Due(Daily, zone, null, LongAgo, null, At("2026-11-26T07:00:00Z")));
        Assert.Contains($"'{zone}'", e.Message);
    }

    [Fact]
    public void InstantSubscribersHaveNoDigestSchedule()
        => Assert.Throws<ArgumentException>(() => Schedule().Due(DigestFrequency.Instant, "UTC", null, LongAgo, null, At("2026-11-26T07:00:00Z")));

    [Theory]
    [InlineData(-1)]
    [InlineData(24)]
    public void DeliveryHourOutsideTheDayIsRejected(int hour)
        => Assert.Contains("0 to 23", Assert.Throws<ArgumentOutOfRangeException>(
            () => Schedule().Due(Daily, "UTC", hour, LongAgo, null, At("2026-11-26T07:00:00Z"))).Message);

    [Fact]
    public void DefaultOptionsAreValid() => Assert.Empty(Validate(new ScheduleOptions()));

    [Theory]
    [InlineData("DeliveryHour")]
    [InlineData("WeeklyDay")]
    [InlineData("FirstDigestLookBack")]
    [InlineData("LatenessLimit")]
    [InlineData("PlanningLease")]
    public void InvalidOptionIsNamedInTheValidationMessage(string setting)
    {
        var options = new ScheduleOptions();
        switch (setting)
        {
            case "DeliveryHour": options.DeliveryHour = 24; break;
            case "WeeklyDay": options.WeeklyDay = (DayOfWeek)7; break;
            case "FirstDigestLookBack": options.FirstDigestLookBack = TimeSpan.FromDays(-1); break;
            case "LatenessLimit": options.LatenessLimit = TimeSpan.FromMinutes(30); break;
            case "PlanningLease": options.PlanningLease = TimeSpan.FromSeconds(10); break;
        }
        Assert.Contains($"Schedule:{setting}", Assert.Single(Validate(options)));
    }

    private static DigestSchedule Schedule(Action<ScheduleOptions>? configure = null)
    {
        var options = new ScheduleOptions();
        configure?.Invoke(options);
        return new DigestSchedule(Options.Create(options));
    }

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static DateTime Local(DateTimeOffset at, string zone) => TimeZoneInfo.ConvertTime(at, DigestSchedule.FindZone(zone)).DateTime;

    private static List<string?> Validate(ScheduleOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage).ToList();
    }

    private static void AssertContiguous(Run run)
    {
        Assert.NotEmpty(run.Planned);
        Assert.All(run.Planned, d => Assert.True(d.WindowStart < d.WindowEnd, $"{d.SlotKey}: empty window"));
        Assert.All(run.Planned.Zip(run.Planned.Skip(1)), p => Assert.Equal(p.First.WindowEnd, p.Second.WindowStart));
    }

    /// <summary>The hourly timer over one subscriber: what the caller does, storing each planned digest's window end.</summary>
    private sealed class Run(DigestSchedule schedule, DateTimeOffset createdAt, DateTimeOffset? lastWindowEnd)
    {
        public List<DueDigest> Planned { get; } = [];

        /// <summary>Calls at every top of the hour in [from, to).</summary>
        public void Hourly(DateTimeOffset from, DateTimeOffset to, DigestFrequency frequency, string zone, int? deliveryHour = null)
        {
            for (var now = from; now < to; now = now.AddHours(1))
            {
                if (schedule.Due(frequency, zone, deliveryHour, createdAt, lastWindowEnd, now) is not { } due)
                    continue;
                Assert.True(due.Slot <= now);
                Planned.Add(due);
                lastWindowEnd = due.WindowEnd;
            }
        }
    }
}
