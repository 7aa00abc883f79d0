using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Pipeline;

/// <summary>The dashboard's pure figures: digests due per hour, growth and churn per week, bounce and complaint spikes.</summary>
public sealed class DashboardFiguresTests
{
    // A Sunday, 10:20 UTC: the next timer hour is 11:00; Monday is the weekly day.
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 20, 0, TimeSpan.Zero);

    private static int _serial;

    private static SubscriberCard Card(DigestFrequency frequency = DigestFrequency.Daily, string timeZone = "UTC", int? hour = null,
        SubscriberStatus status = SubscriberStatus.Active, DateTimeOffset? created = null, DateTimeOffset? statusChanged = null)
    {
        var id = Interlocked.Increment(ref _serial).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        var at = created ?? Now.AddDays(-200);
        return new SubscriberCard(id, $"o{id}@customs.example", "Official", "Customs", "KG", "en", frequency, status, [], "", timeZone, hour,
            at, at, statusChanged);
    }

    private static DueForecast Forecast() => new(new DigestSchedule(Options.Create(new ScheduleOptions { DeliveryHour = 8 })));

    [Fact]
    public void DueHoursCountEachSubscriberAtTheTimerHourOfTheirLocalDeliveryTime()
    {
        SubscriberCard[] cards =
        [
            Card(timeZone: "Asia/Bishkek", hour: 18),          // 18:00 +06 = 12:00 UTC today
            Card(timeZone: "Asia/Bishkek", hour: 18),
            Card(timeZone: "Europe/Brussels"),                 // 08:00 CET = 07:00 UTC tomorrow (Monday)
            Card(timeZone: "Asia/Kolkata", hour: 17),          // 17:00 +05:30 = 11:30 UTC: the 12:00 timer picks it up
            Card(DigestFrequency.Weekly, "UTC", 9),            // Monday 09:00 UTC
            Card(DigestFrequency.Weekly, "UTC", 9, SubscriberStatus.Suspended), // not active: not due
            Card(DigestFrequency.Instant),                     // alerts only: never in a digest hour
            Card(timeZone: "UTC", hour: 10),                   // 10:00 today is past; 10:00 tomorrow is the last hour shown
        ];

        var due = Forecast().Next(cards, Now, out var unknown);

        Assert.Equal(0, unknown);
        Assert.Equal(24, due.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 11, 0, 0, TimeSpan.Zero), due[0].Hour);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero), due[^1].Hour);
        Assert.Equal(3, due.Single(h => h.Hour.Hour == 12 && h.Hour.Day == 29).Daily);
        Assert.Equal(1, due.Single(h => h.Hour.Hour == 7 && h.Hour.Day == 30).Daily);
        Assert.Equal(1, due.Single(h => h.Hour.Hour == 9 && h.Hour.Day == 30).Weekly);
        Assert.Equal(1, due[^1].Daily);
        Assert.Equal(6, due.Sum(h => h.Total));
    }

    [Fact]
    public void DueHoursLeaveOutAndCountSubscribersWithAnUnknownTimeZone()
    {
        var due = Forecast().Next([Card(timeZone: "Mars/Olympus"), Card(timeZone: "Mars/Olympus"), Card()], Now, out var unknown);

        Assert.Equal(2, unknown);
        Assert.Equal(1, due.Sum(h => h.Total));
    }

    [Fact]
    public void GrowthCountsJoinedAndLeftPerWeekAndTheSubscribersAtEachWeeksEnd()
    {
        var thisWeek = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);   // Tuesday of the week of Monday 23 November
        var lastWeek = thisWeek.AddDays(-7);
        SubscriberCard[] cards =
        [
            Card(created: Now.AddDays(-400)),                                                          // long ago, still here
            Card(created: Now.AddDays(-400), status: SubscriberStatus.Unsubscribed, statusChanged: lastWeek),
            Card(created: lastWeek),
            Card(created: thisWeek, status: SubscriberStatus.Bounced, statusChanged: thisWeek.AddDays(1)),
            Card(created: thisWeek, status: SubscriberStatus.Complained, statusChanged: thisWeek.AddDays(2)),
            Card(created: thisWeek, status: SubscriberStatus.Pending),                                 // not confirmed: not joined
            Card(created: thisWeek, status: SubscriberStatus.Suspended, statusChanged: thisWeek),      // paused by an admin: not left
            Card(created: Now.AddDays(-400), status: SubscriberStatus.Unsubscribed, statusChanged: Now.AddDays(-300)), // left before
        ];

        var weeks = SubscriberGrowth.Weekly(cards, Now, weeks: 3);

        Assert.Equal([new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 23)], weeks.Select(w => w.Monday));
        Assert.Equal(new GrowthWeek(new DateOnly(2026, 11, 9), 0, 0, 0, 0, 2), weeks[0]);
        Assert.Equal(new GrowthWeek(new DateOnly(2026, 11, 16), 1, 1, 0, 0, 2), weeks[1]);
        Assert.Equal(new GrowthWeek(new DateOnly(2026, 11, 23), 3, 0, 1, 1, 3), weeks[2]);
        Assert.Equal(2, weeks[2].Left);
    }

    [Fact]
    public void ASpikeIsSeveralBouncesInADayAndTwiceTheUsual()
    {
        var cards = new List<SubscriberCard>();
        for (var i = 0; i < 28; i++) // one bounce a day for four weeks: usual 1 a day
            cards.Add(Card(status: SubscriberStatus.Bounced, statusChanged: Now.AddDays(-2 - i)));
        for (var i = 0; i < 3; i++)
            cards.Add(Card(status: SubscriberStatus.Bounced, statusChanged: Now.AddHours(-1 - i)));
        cards.Add(Card(status: SubscriberStatus.Complained, statusChanged: Now.AddHours(-2)));
        cards.Add(Card(status: SubscriberStatus.Active, statusChanged: Now.AddHours(-2))); // bounced once, reactivated since

        var spikes = StatusSpikes.From(cards, Now);

        var bounces = spikes.Single(s => s.Status == SubscriberStatus.Bounced);
        Assert.Equal(3, bounces.LastDay);
        Assert.Equal(27.0 / 28, bounces.UsualPerDay, 3); // the 28th day back is outside the baseline
        Assert.True(bounces.IsSpike);
        var complaints = spikes.Single(s => s.Status == SubscriberStatus.Complained);
        Assert.Equal(1, complaints.LastDay);
        Assert.False(complaints.IsSpike); // one complaint is not a spike
        cards.Add(Card(status: SubscriberStatus.Bounced, statusChanged: Now.AddDays(-3)));
        cards.AddRange(Enumerable.Range(0, 30).Select(_ => Card(status: SubscriberStatus.Bounced, statusChanged: Now.AddDays(-5))));
        Assert.False(StatusSpikes.From(cards, Now).Single(s => s.Status == SubscriberStatus.Bounced).IsSpike); // usual is now 2 a day
    }
}
