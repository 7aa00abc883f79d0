using Notifications.Core.Tests.Subscribers;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// Hourly ticks with a slot index that is missing or wrong for someone (a crash between the row's write and the index's, a store from before
/// the index, cards lost long ago) still mail them, and repair the index; a tick with nobody due reads nothing; a run by hand reads everyone.
/// </summary>
public sealed class SlotIndexRepairTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();

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
}
