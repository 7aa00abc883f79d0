using Microsoft.Extensions.Options;
using Notifications.Core.Tests.Subscribers;
using Notifications.Digests;
using Notifications.Pipeline;
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
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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

    [Fact]
    public async Task SubscriberWhoseCardsWereNotRecordedAfterAWriteIsMailedAndRepairedThroughTheWriteLog()
    {
        var day0 = Utc("2026-11-27T00:00Z"); // Brussels 08:00 = 07:00 UTC, 09:00 = 08:00 UTC
        await using var p = await SlotIndexTicks.StartAsync(azurite, day0, useSlotIndex: true);
        var reader = await p.SubscribeAsync("reader@customs.example", "Europe/Brussels");
        await p.TicksAsync(day0, day0.AddHours(5), async at =>
        {
            if (at == day0.AddHours(1)) await p.PublishAsync("Report A");
        });

        // The row is written, the process stops before the index's write: the cards still say 08:00.
        p.Host.Time.SetUtcNow(day0.AddHours(5).AddMinutes(30));
        var before = await p.Host.IndexRowsAsync(Ct);
        await p.ChangeAsync("reader@customs.example", s => s with { DeliveryHour = 9 });
        await p.Host.RestoreCardsAsync(before, Ct);
        Assert.NotEqual(SlotIndexProbe.ExpectedGroups((await p.Get<SubscriberStore>().GetAsync(reader.Id, Ct))!),
            await p.Host.CardGroupsAsync(reader.Id, Ct));

        await p.TickAsync(day0.AddHours(6)); // reads the subscribers written since the previous tick: the truth, and repairs the cards
        await p.Host.AssertIndexedAsync(reader.Id, Ct);
        await p.TicksAsync(day0.AddHours(7), day0.AddHours(12));

        Assert.Equal([day0.AddHours(8)], p.MailedAt("reader@customs.example"));
    }

    [Fact]
    public async Task StoreWrittenBeforeTheIndexExistedIsIndexedByTheFirstTickAndMailedAtTheRightHours()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await SlotIndexTicks.StartAsync(azurite, day0.AddDays(-2), useSlotIndex: true);
        var ids = new List<string>();
        foreach (var zone in (string[])["Asia/Tashkent", "Europe/Brussels", "America/New_York"])
            ids.Add((await p.SubscribeAsync($"{zone.Replace('/', '-').ToLowerInvariant()}@customs.example", zone)).Id);
        ids.Add((await p.SubscribeAsync("instant@customs.example", "UTC", DigestFrequency.Instant)).Id);
        await p.Host.ForgetIndexAsync(Ct); // as the code before the index left the store
        await p.RestartAsync(); // the upgrade
        p.Host.Time.SetUtcNow(day0.AddHours(1));
        await p.PublishAsync("Report A", "topics: [e-commerce]\npublished: 2026-11-27T01:30:00Z");

        await p.TicksAsync(day0.AddHours(2), day0.AddHours(23));

        foreach (var id in ids)
            await p.Host.AssertIndexedAsync(id, Ct);
        Assert.Equal([day0.AddHours(3)], p.MailedAt("asia-tashkent@customs.example"));
        Assert.Equal([day0.AddHours(7)], p.MailedAt("europe-brussels@customs.example"));
        Assert.Equal([day0.AddHours(13)], p.MailedAt("america-new_york@customs.example"));
        Assert.Equal([day0.AddHours(2)], p.MailedAt("instant@customs.example")); // the held article's alert, by the first tick
    }

    [Fact]
    public async Task TickWhenNobodyIsDueReadsNoCardPartitionAndNoSubscriberRow()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await SlotIndexTicks.StartAsync(azurite, day0.AddDays(-2), useSlotIndex: true);
        for (var i = 0; i < 20; i++)
            await p.SubscribeAsync($"reader{i}@customs.example", "Europe/Brussels"); // 08:00 = 07:00 UTC
        await p.TickAsync(day0.AddDays(-2).AddHours(1)); // builds the index
        var reads = p.Get<SubscriberSlotIndex>().Reads;
        await p.TickAsync(day0); // the ticks before were missed: catches up the 07:00 slot of the day before

        var perTick = new Dictionary<int, (long Partitions, long Cards, long Written, long Full)>();
        await p.TicksAsync(day0.AddHours(1), day0.AddHours(23), at =>
        {
            perTick[at.Hour] = (reads.CardPartitions, reads.Cards, reads.WrittenSince, reads.FullReads);
            return Task.CompletedTask;
        });
        (long Partitions, long Cards, long Written, long Full) after = (reads.CardPartitions, reads.Cards, reads.WrittenSince, reads.FullReads);
        for (var hour = 1; hour <= 23; hour++)
        {
            var start = perTick[hour];
            var end = hour == 23 ? after : perTick[hour + 1];
            if (hour == 7)
                Assert.Equal(20, end.Cards - start.Cards);
            else
                Assert.Equal((hour, 0L, 0L, 0L, 0L),
                    (hour, end.Partitions - start.Partitions, end.Cards - start.Cards, end.Written - start.Written, end.Full - start.Full));
        }
    }

    [Fact]
    public async Task HourlyTicksSweepTheWholeIdSpaceInSlotIndexSweepDaysRepairingCardsLostLongAgo()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await SlotIndexTicks.StartAsync(azurite, day0.AddDays(-2), useSlotIndex: true,
            s => s["Schedule:SlotIndexSweepDays"] = "1");
        var readers = new List<Subscriber>();
        for (var i = 0; i < 8; i++)
            readers.Add(await p.SubscribeAsync($"reader{i}@customs.example", "Europe/Brussels"));
        await p.TickAsync(day0.AddDays(-2).AddHours(1));
        // Lost long ago (older than any write-log read): their cards and locators.
        var lost = readers.Take(4).Select(r => r.Id).ToHashSet();
        foreach (var row in (await p.Host.IndexRowsAsync(Ct)).Where(e => lost.Contains(e.RowKey) && !e.PartitionKey.StartsWith("w-", StringComparison.Ordinal)))
            await p.Host.Table().DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, Ct);

        await p.TicksAsync(day0, day0.AddHours(23));

        foreach (var reader in readers)
            await p.Host.AssertIndexedAsync(reader.Id, Ct);
    }

    [Fact]
    public async Task RunStartedByHandReadsEveryoneNotTheIndex()
    {
        var day0 = Utc("2026-11-27T00:00Z");
        await using var p = await SlotIndexTicks.StartAsync(azurite, day0.AddDays(-2), useSlotIndex: true);
        var reader = await p.SubscribeAsync("reader@customs.example", "Europe/Brussels");
        await p.TickAsync(day0.AddDays(-2).AddHours(1)); // builds the index
        foreach (var row in (await p.Host.IndexRowsAsync(Ct)).Where(e => e.RowKey == reader.Id || e.RowKey.EndsWith(reader.Id, StringComparison.Ordinal)))
            await p.Host.Table().DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, Ct); // no card, no trace in the write log
        p.Host.Time.SetUtcNow(day0.AddHours(2));
        await p.PublishAsync("Report A");
        p.Host.Time.SetUtcNow(day0.AddHours(3));
        var cards = p.Get<SubscriberSlotIndex>().Reads.Cards;

        var manual = await p.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct); // `notify digest run --frequency daily`

        Assert.Equal(1, manual.RecipientsSentNow);
        Assert.Equal(cards, p.Get<SubscriberSlotIndex>().Reads.Cards);
    }

    private static List<DateTimeOffset> At(IEnumerable<(DateTimeOffset At, string To, string Text)> mails, string email)
        => mails.Where(m => m.To == email).Select(m => m.At).ToList();
}
