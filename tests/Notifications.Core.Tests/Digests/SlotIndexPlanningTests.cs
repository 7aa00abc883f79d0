using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// Hourly runs and alerts that find their candidates in the slot index (<see cref="DigestCandidates"/>) mail exactly whom a full read
/// mails, when a full read mails them: each scenario runs on two fresh stores, one with <c>Schedule:UseSlotIndex</c> off
/// (<see cref="SlotIndexTicks.BothAsync"/>).
/// </summary>
public sealed class SlotIndexPlanningTests(AzuriteFixture azurite)
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();

    [Theory]
    [InlineData("Europe/Brussels", "2027-03-27T00:00Z")]   // spring forward on Sunday 28 March
    [InlineData("Europe/Brussels", "2026-10-24T00:00Z")]   // fall back on Sunday 25 October
    [InlineData("America/New_York", "2027-03-13T00:00Z")]  // spring forward on 14 March
    [InlineData("America/New_York", "2026-10-31T00:00Z")]  // fall back on 1 November
    public async Task IndexedSubscribersAreMailedOncePerLocalDayAtTheirSlotAcrossADstTransition(string zone, string start)
    {
        var day0 = Utc(start);
        int?[] hours = [null, 1, 2, 23];
        var mails = await SlotIndexTicks.BothAsync(azurite, day0, async p =>
        {
            foreach (var hour in hours)
                await p.SubscribeAsync($"h{hour?.ToString() ?? "default"}@customs.example", zone, deliveryHour: hour);
            await p.SubscribeAsync("weekly@customs.example", zone, DigestFrequency.Weekly);
            await p.TicksAsync(day0, day0.AddDays(3).AddHours(-1), async at =>
            {
                if (at.Hour % 6 == 5) await p.PublishAsync($"Report D{(at - day0).TotalHours:0}");
            });
        });

        var schedule = new DigestSchedule(Options.Create(new ScheduleOptions()));
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        foreach (var hour in hours)
        {
            var at = mails.Where(m => m.To == $"h{hour?.ToString() ?? "default"}@customs.example").Select(m => m.At).ToList();
            var slots = schedule.SlotsBetween(DigestFrequency.Daily, zone, hour, day0, day0.AddDays(3))
                .Select(s => s == DigestPeriod.TopOfHour(s) ? s : DigestPeriod.TopOfHour(s).AddHours(1)).ToList();
            Assert.All(at, a => Assert.Contains(a, slots));
            Assert.Equal(at.Count, at.Select(a => TimeZoneInfo.ConvertTime(a, tz).Date).Distinct().Count()); // once per local day
            Assert.True(at.Count >= 2, $"hour {hour}: mailed {at.Count} times in three days");
        }
    }

    [Fact]
    public async Task ZoneChangeBetweenTwoTicksMailsOnceAtTheNewZonesHour()
    {
        var day0 = Utc("2026-11-27T00:00Z"); // 08:00 local: Tashkent 03:00, Brussels 07:00, New York 13:00 UTC
        var mails = await SlotIndexTicks.BothAsync(azurite, day0, async p =>
        {
            await p.SubscribeAsync("to-brussels@customs.example", "America/New_York");
            await p.SubscribeAsync("to-tashkent-late@customs.example", "America/New_York");
            await p.SubscribeAsync("from-tashkent@customs.example", "Asia/Tashkent");
            await p.TicksAsync(day0, day0.AddDays(1).AddHours(14), async at =>
            {
                if (at == day0.AddHours(1)) await p.PublishAsync("Report A");
                if (at == day0.AddHours(5)) await p.ChangeAsync("to-brussels@customs.example", s => s with { TimeZone = "Europe/Brussels" });
                if (at == day0.AddHours(10)) await p.ChangeAsync("to-tashkent-late@customs.example", s => s with { TimeZone = "Asia/Tashkent" });
                if (at == day0.AddHours(4)) await p.ChangeAsync("from-tashkent@customs.example", s => s with { TimeZone = "America/New_York" });
                if (at == day0.AddHours(9)) await p.PublishAsync("Report B");
            });
        });

        Assert.Equal([day0.AddHours(7), day0.AddDays(1).AddHours(7)], At(mails, "to-brussels@customs.example"));
        // Its slot (03:00 UTC) had passed unmailed: the tick after the change mails it, as a full read does.
        Assert.Equal([day0.AddHours(10), day0.AddDays(1).AddHours(3)], At(mails, "to-tashkent-late@customs.example"));
        // Mailed at 03:00 in Tashkent; New York's 08:00 the same day brings only what came since.
        Assert.Equal([day0.AddHours(3), day0.AddHours(13)], At(mails, "from-tashkent@customs.example"));
    }

    [Fact]
    public async Task DeliveryHourAndFrequencyChangesMoveTheDigestLikeAFullRead()
    {
        var day0 = Utc("2026-11-27T00:00Z"); // Friday; Brussels 08:00 = 07:00 UTC
        var mails = await SlotIndexTicks.BothAsync(azurite, day0, async p =>
        {
            await p.SubscribeAsync("later@customs.example", "Europe/Brussels");
            await p.SubscribeAsync("earlier@customs.example", "Europe/Brussels");
            await p.SubscribeAsync("weekly@customs.example", "Europe/Brussels");
            await p.SubscribeAsync("daily@customs.example", "Europe/Brussels", DigestFrequency.Weekly);
            await p.TicksAsync(day0, day0.AddDays(3).AddHours(12), async at =>
            {
                if (at == day0.AddHours(1)) await p.PublishAsync("Report A");
                if (at == day0.AddHours(5)) await p.ChangeAsync("later@customs.example", s => s with { DeliveryHour = 11 });
                if (at == day0.AddHours(6)) await p.ChangeAsync("earlier@customs.example", s => s with { DeliveryHour = 6 });
                if (at == day0.AddHours(2)) await p.ChangeAsync("weekly@customs.example", s => s with { Frequency = DigestFrequency.Weekly });
                if (at == day0.AddHours(2)) await p.ChangeAsync("daily@customs.example", s => s with { Frequency = DigestFrequency.Daily });
                if (at.Hour == 18) await p.PublishAsync($"Report E{at.Day}");
            });
        });

        Assert.Equal(day0.AddHours(10), At(mails, "later@customs.example")[0]);
        Assert.Equal(day0.AddHours(6), At(mails, "earlier@customs.example")[0]); // 06:00 local had passed: the next tick
        Assert.Equal([day0.AddDays(3).AddHours(7)], At(mails, "weekly@customs.example")); // Monday
        Assert.Equal(4, At(mails, "daily@customs.example").Count);
    }

    [Fact]
    public async Task TicksMissedForHoursCatchUpLikeAFullRead()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        foreach (var lateness in (string[])["1.00:00:00", "03:00:00"])
        {
            var mails = await SlotIndexTicks.BothAsync(azurite, day0, async p =>
            {
                foreach (var zone in (string[])["Asia/Tashkent", "Europe/Moscow", "Europe/Brussels", "America/New_York", "Asia/Tokyo"])
                    await p.SubscribeAsync($"{zone.Replace('/', '-').ToLowerInvariant()}@customs.example", zone);
                p.Host.Time.SetUtcNow(day0.AddHours(1));
                await p.PublishAsync("Report A");
                await p.TicksAsync(day0.AddHours(1), day0.AddHours(2));
                await p.TicksAsync(day0.AddHours(9), day0.AddHours(10)); // down from 03:00 to 08:00 UTC
                await p.TicksAsync(day0.AddHours(16), day0.AddDays(1).AddHours(14), async at =>
                {
                    if (at.Hour == 18) await p.PublishAsync("Report B");
                });
            }, s => s["Schedule:LatenessLimit"] = lateness);
            Assert.NotEmpty(mails);
        }
    }

    [Fact]
    public async Task AlertReachesInstantFollowersOfItsTopicsAndOfAllTopicsOnly()
    {
        var day0 = Utc("2026-11-27T07:00Z");
        var mails = await SlotIndexTicks.BothAsync(azurite, day0, async p =>
        {
            await p.SubscribeAsync("instant-ecommerce@customs.example", "UTC", DigestFrequency.Instant, ["e-commerce"]);
            await p.SubscribeAsync("instant-all@customs.example", "UTC", DigestFrequency.Instant);
            await p.SubscribeAsync("instant-green@customs.example", "UTC", DigestFrequency.Instant, ["green customs"]);
            await p.SubscribeAsync("daily-ecommerce@customs.example", "UTC", DigestFrequency.Daily, ["e-commerce"]);
            await p.SubscribeAsync("weekly-all@customs.example", "UTC", DigestFrequency.Weekly);
            await p.SubscribeAsync("daily-green@customs.example", "UTC", DigestFrequency.Daily, ["green customs"]);
            p.Host.Time.SetUtcNow(day0.AddHours(3)); // the subscribers were written hours before: the alerts find them by their cards
            await p.PublishAsync("Report Plain", "topics: [e-commerce]");
            await p.PublishAsync("Report Urgent", "topics: [e-commerce]\nalert: true");
            await p.TickAsync(day0.AddHours(3).AddMinutes(10));
        });

        Assert.Equal(["instant-all@customs.example", "instant-ecommerce@customs.example"],
            mails.Where(m => m.Text.Contains("Report Plain", StringComparison.Ordinal)).Select(m => m.To).Order().ToList());
        Assert.Equal(["daily-ecommerce@customs.example", "instant-all@customs.example", "instant-ecommerce@customs.example", "weekly-all@customs.example"],
            mails.Where(m => m.Text.Contains("Report Urgent", StringComparison.Ordinal)).Select(m => m.To).Order().ToList());
    }

    private static List<DateTimeOffset> At(IEnumerable<(DateTimeOffset At, string To, string Text)> mails, string email)
        => mails.Where(m => m.To == email).Select(m => m.At).ToList();
}
