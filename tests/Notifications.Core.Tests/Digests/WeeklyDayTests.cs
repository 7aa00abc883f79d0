using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Digests;

/// <summary>A weekly subscriber's own day (chosen on the subscribe form) moves their slot; without one, Schedule:WeeklyDay does.</summary>
public sealed class WeeklyDayTests
{
    private static readonly DigestSchedule Schedule = new(Options.Create(new ScheduleOptions { WeeklyDay = DayOfWeek.Monday, DeliveryHour = 8 }));

    [Fact]
    public void AWeeklySubscribersOwnDayIsTheirSlotInTheirTimeZone()
    {
        // Monday 7 December 2026, 00:00 UTC.
        var monday = DateTimeOffset.Parse("2026-12-07T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var own = Schedule.NextSlot(DigestFrequency.Weekly, "Asia/Tashkent", 9, monday, DayOfWeek.Wednesday);
        var byDefault = Schedule.NextSlot(DigestFrequency.Weekly, "Asia/Tashkent", 9, monday);

        Assert.Equal(DateTimeOffset.Parse("2026-12-09T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture), own); // Wed 09:00 UTC+5
        Assert.Equal(DateTimeOffset.Parse("2026-12-07T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture), byDefault); // Mon 09:00
    }

    [Fact]
    public void AWeeklySubscriberIsDueOnTheirOwnDayOnly()
    {
        var wednesday = DateTimeOffset.Parse("2026-12-09T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var longAgo = wednesday.AddDays(-60);

        Assert.NotNull(Schedule.Due(DigestFrequency.Weekly, "Asia/Tashkent", 9, longAgo, wednesday.AddDays(-7), wednesday, DayOfWeek.Wednesday));
        Assert.Null(Schedule.Due(
            DigestFrequency.Weekly, "Asia/Tashkent", 9, longAgo, wednesday.AddDays(-7), wednesday.AddDays(-2).AddHours(1), DayOfWeek.Wednesday));
    }
}
