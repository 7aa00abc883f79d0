using Azure.Data.Tables;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>What a tick and an alert read from the slot index: the due cards and the subscribers written since, in id order, each once.</summary>
public sealed class SlotIndexReadTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly SlotGroup BrusselsDefault = new(DigestFrequency.Daily, "Europe/Brussels", null, null);
    private static readonly SlotGroup TashkentNine = new(DigestFrequency.Daily, "Asia/Tashkent", 9, null);

    /// <summary>40 subscribers over three zones, two hours, both digest frequencies and instant; the index built; two hours later.</summary>
    private static async Task<(TestHost Host, List<Subscriber> All)> SeededAsync(AzuriteFixture azurite)
    {
        var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        string[] zones = ["Europe/Brussels", "Asia/Tashkent", "America/New_York"];
        var inputs = Enumerable.Range(0, 40).Select(i => new NewSubscriber($"s{i}@x.example", $"S {i}", "Org",
            Frequency: (i % 5) switch { 3 => DigestFrequency.Weekly, 4 => DigestFrequency.Instant, _ => DigestFrequency.Daily },
            TimeZone: zones[i % 3], DeliveryHour: i % 2 == 0 ? null : 9, Topics: i % 4 == 0 ? [] : ["data model"])).ToList();
        await store.UpsertManyAsync(inputs, Ct);
        Assert.True(await host.Get<SubscriberSlotIndex>().ContinueBuildAsync(50_000, Ct));
        host.Time.Advance(TimeSpan.FromHours(2));
        return (host, (await store.ListAsync(Ct)).ToList());
    }

    [Fact]
    public async Task ATickReadsTheCardsOfItsDueGroupsInIdOrderEachOnce()
    {
        var (host, all) = await SeededAsync(azurite);
        await using var _ = host;
        var index = host.Get<SubscriberSlotIndex>();

        var due = await index.StreamDueAsync(DigestFrequency.Daily, [BrusselsDefault, TashkentNine], host.Time.GetUtcNow().AddHours(-1), Ct).CollectAsync();

        var expected = all.Where(s => SlotGroup.Of(s) is { } g && (g == BrusselsDefault || g == TashkentNine))
            .OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(s => s.Id), due.Select(d => d.Subscriber.Id));
        foreach (var (card, version) in due)
        {
            var row = expected.Single(s => s.Id == card.Id);
            Assert.Equal((row.Email, row.Name, row.TimeZone, row.DeliveryHour, row.Frequency, row.CreatedAt, SubscriberStatus.Active),
                (card.Email, card.Name, card.TimeZone, card.DeliveryHour, card.Frequency, card.CreatedAt, card.Status));
            Assert.Equal(row.TopicList, card.TopicList);
            Assert.Equal(row.UpdatedAt - TimeSpan.FromMinutes(5), version);
        }
        Assert.Equal(0, index.Reads.FullReads);
        Assert.Equal(2 * 16, index.Reads.CardPartitions);
        var listed = await index.ListSlotGroupsAsync(DigestFrequency.Daily, Ct);
        Assert.Equal(6, listed.Count);
        Assert.Contains(TashkentNine, listed);
        Assert.All(await index.ListSlotGroupsAsync(DigestFrequency.Weekly, Ct), g => Assert.Equal(DigestFrequency.Weekly, g.Frequency));
    }

    [Fact]
    public async Task SubscribersWrittenSinceComeFromTheTableWhateverTheirStatusAndReplaceTheirCards()
    {
        var (host, all) = await SeededAsync(azurite);
        await using var _ = host;
        var store = host.Get<SubscriberStore>();
        var index = host.Get<SubscriberSlotIndex>();
        var inBrussels = all.Where(s => SlotGroup.Of(s) == BrusselsDefault).ToList();
        var moved = inBrussels[0];
        var left = inBrussels[1];
        var elsewhere = all.First(s => s.Frequency == DigestFrequency.Daily && SlotGroup.Of(s) != BrusselsDefault);
        var weekly = all.First(s => s.Frequency == DigestFrequency.Weekly);
        var since = host.Time.GetUtcNow();
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await store.UpdateAsync(moved.Id, s => s with { TimeZone = "Asia/Tashkent" }, Ct);
        await store.UpdateAsync(left.Id, s => s with { Status = SubscriberStatus.Unsubscribed }, Ct);
        await store.UpdateAsync(elsewhere.Id, s => s with { Name = "Renamed" }, Ct);
        await store.UpdateAsync(weekly.Id, s => s with { Name = "Renamed" }, Ct);

        var due = await index.StreamDueAsync(DigestFrequency.Daily, [BrusselsDefault], since, Ct).CollectAsync();

        var ids = due.Select(d => d.Subscriber.Id).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Equal(inBrussels.Select(s => s.Id).Append(elsewhere.Id).Order(StringComparer.Ordinal), ids);
        Assert.Equal("Asia/Tashkent", due.Single(d => d.Subscriber.Id == moved.Id).Subscriber.TimeZone);
        Assert.Equal(SubscriberStatus.Unsubscribed, due.Single(d => d.Subscriber.Id == left.Id).Subscriber.Status);
        Assert.Equal("Renamed", due.Single(d => d.Subscriber.Id == elsewhere.Id).Subscriber.Name);
        Assert.Equal(4, index.Reads.WrittenSince);
    }

    [Fact]
    public async Task ACrashBetweenTheRowAndTheIndexIsCaughtAndRepairedByTheNextTick()
    {
        var (host, all) = await SeededAsync(azurite);
        await using var _ = host;
        var store = host.Get<SubscriberStore>();
        var index = host.Get<SubscriberSlotIndex>();
        var subscriber = all.First(s => SlotGroup.Of(s) == BrusselsDefault);
        var before = await host.IndexRowsAsync(Ct);
        var since = host.Time.GetUtcNow();
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await store.UpdateAsync(subscriber.Id, s => s with { TimeZone = "Asia/Tashkent", DeliveryHour = 9 }, Ct);
        await host.RestoreCardsAsync(before, Ct); // the row is written, the index still has the old cards
        Assert.Equal(SlotIndexProbe.ExpectedGroups(subscriber), await host.CardGroupsAsync(subscriber.Id, Ct));

        var due = await index.StreamDueAsync(DigestFrequency.Daily, [BrusselsDefault], since, Ct).CollectAsync();

        Assert.Equal("Asia/Tashkent", Assert.Single(due, d => d.Subscriber.Id == subscriber.Id).Subscriber.TimeZone);
        await host.AssertIndexedAsync(subscriber.Id, Ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        var later = host.Time.GetUtcNow().AddMinutes(-5);
        Assert.DoesNotContain(await index.StreamDueAsync(DigestFrequency.Daily, [BrusselsDefault], later, Ct).CollectAsync(),
            d => d.Subscriber.Id == subscriber.Id);
        Assert.Contains(await index.StreamDueAsync(DigestFrequency.Daily, [TashkentNine], later, Ct).CollectAsync(),
            d => d.Subscriber.Id == subscriber.Id);
    }

    [Fact]
    public async Task TheSweepRepairsACrashNoWriteLogShowsAndDeletesStrayCards()
    {
        var (host, all) = await SeededAsync(azurite);
        await using var _ = host;
        var store = host.Get<SubscriberStore>();
        var index = host.Get<SubscriberSlotIndex>();
        var subscriber = all.First(s => SlotGroup.Of(s) == BrusselsDefault);
        var other = all.First(s => SlotGroup.Of(s) == TashkentNine && s.Id[0] != subscriber.Id[0]);
        var before = await host.IndexRowsAsync(Ct);
        await store.UpdateAsync(subscriber.Id, s => s with { TimeZone = "America/New_York" }, Ct);
        await host.RestoreCardsAsync(before, Ct);
        // A stray card: the other subscriber's, in a group their locator does not list.
        var card = await host.Table().GetEntityAsync<TableEntity>($"c-{TashkentNine.Id}-{other.Id[0]}", other.Id, cancellationToken: Ct);
        card.Value.PartitionKey = $"c-{BrusselsDefault.Id}-{other.Id[0]}";
        await host.Table().UpsertEntityAsync(card.Value, TableUpdateMode.Replace, Ct);

        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var hours = Enumerable.Range(0, 28 * 24).Select(h => start.AddHours(h)).ToList();
        var results = new List<SlotIndexUpkeep>();
        foreach (var id in new[] { subscriber.Id, other.Id })
        {
            var at = hours.First(h => index.SliceOf(h) is var (from, to) && string.CompareOrdinal(id, from) >= 0 && string.CompareOrdinal(id, to) < 0);
            results.Add(await index.KeepUpAsync(at, Ct));
        }

        Assert.Equal(1, results[0].Repaired);
        Assert.Equal(1, results[1].StrayCards);
        Assert.All(results, r => Assert.True(r.Checked >= 1));
        await host.AssertIndexedAsync(subscriber.Id, Ct);
        await host.AssertIndexedAsync(other.Id, Ct);
    }

    [Fact]
    public async Task EveryOneOfTheSweepsSlicesTogetherCoverTheIdSpaceOnceIn28Days()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var index = host.Get<SubscriberSlotIndex>();
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

        var slices = Enumerable.Range(0, 28 * 24).Select(h => index.SliceOf(start.AddHours(h))).OrderBy(s => s.From, StringComparer.Ordinal).ToList();

        Assert.Equal("0000", slices[0].From);
        Assert.Equal("g", slices[^1].To);
        for (var i = 1; i < slices.Count; i++)
            Assert.Equal(slices[i - 1].To, slices[i].From);
        Assert.Equal(index.SliceOf(start), index.SliceOf(start.AddDays(28)));
    }

    [Fact]
    public async Task ManyWritesSinceTheLastTickOrAWindowOlderThanTheWriteLogReadEveryone()
    {
        var (host, all) = await SeededAsync(azurite);
        await using var _ = host;
        var index = host.Get<SubscriberSlotIndex>();
        var daily = all.Where(s => s.Frequency == DigestFrequency.Daily).Select(s => s.Id).Order(StringComparer.Ordinal).ToList();

        index.FullReadAbove = 40;
        var within = await index.StreamDueAsync(DigestFrequency.Daily, [BrusselsDefault], host.Time.GetUtcNow().AddHours(-3), Ct).CollectAsync();
        index.FullReadAbove = 2;
        var many = await index.StreamDueAsync(DigestFrequency.Daily, [BrusselsDefault], host.Time.GetUtcNow().AddHours(-3), Ct).CollectAsync();
        index.FullReadAbove = 20_000;
        var old = await index.StreamDueAsync(DigestFrequency.Daily, [BrusselsDefault], host.Time.GetUtcNow().AddDays(-4), Ct).CollectAsync();

        // Within the limit every daily subscriber comes too (all were written since), through the write log.
        Assert.Equal(daily, within.Select(d => d.Subscriber.Id));
        Assert.Equal(daily, many.Select(d => d.Subscriber.Id));
        Assert.Equal(daily, old.Select(d => d.Subscriber.Id));
        Assert.Equal(2, index.Reads.FullReads);
    }

    [Fact]
    public async Task ATickWithNoDueGroupReadsNoCardPartition()
    {
        var (host, _) = await SeededAsync(azurite);
        await using var __ = host;
        var index = host.Get<SubscriberSlotIndex>();

        var due = await index.StreamDueAsync(DigestFrequency.Daily, [], host.Time.GetUtcNow().AddMinutes(-65), Ct).CollectAsync();

        Assert.Empty(due);
        Assert.Equal((0, 0, 0), (index.Reads.CardPartitions, index.Reads.Cards, index.Reads.FullReads));
    }

    [Fact]
    public async Task AnAlertReadsTheInstantFollowersOfItsTopicsAndOfAllTopicsEachOnceOrEveryFollowerWhenAsked()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var index = host.Get<SubscriberSlotIndex>();
        await store.UpsertManyAsync([
            new("i1@x.example", "I1", "Org", Frequency: DigestFrequency.Instant, Topics: ["data model", "e-commerce"]),
            new("i2@x.example", "I2", "Org", Frequency: DigestFrequency.Instant),
            new("i3@x.example", "I3", "Org", Frequency: DigestFrequency.Instant, Topics: ["green customs"]),
            new("i4@x.example", "I4", "Org", Frequency: DigestFrequency.Instant, Status: SubscriberStatus.Pending),
            new("d1@x.example", "D1", "Org", Topics: ["e-commerce"]),
            new("w1@x.example", "W1", "Org", Frequency: DigestFrequency.Weekly),
            new("w2@x.example", "W2", "Org", Frequency: DigestFrequency.Weekly, Topics: ["green customs"]),
        ], Ct);
        Assert.True(await index.ContinueBuildAsync(50_000, Ct));
        host.Time.Advance(TimeSpan.FromHours(3));
        var since = host.Time.GetUtcNow().AddHours(-2);
        string[] Ids(params string[] emails) => emails.Select(store.IdOf).Order(StringComparer.Ordinal).ToArray();

        var instant = await index.StreamFollowersAsync(["data model", "e-commerce"], everyFrequency: false, since, Ct).CollectAsync();
        var every = await index.StreamFollowersAsync(["data model", "e-commerce"], everyFrequency: true, since, Ct).CollectAsync();

        Assert.Equal(Ids("i1@x.example", "i2@x.example"), instant.Select(d => d.Subscriber.Id));
        Assert.Equal(Ids("i1@x.example", "i2@x.example", "d1@x.example", "w1@x.example"), every.Select(d => d.Subscriber.Id));
        Assert.Equal(0, index.Reads.FullReads);
    }

    [Fact]
    public async Task CardsOverManyPagesAndGroupsComeOutInIdOrderEachOnce()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var index = host.Get<SubscriberSlotIndex>();
        // Two topics each: every subscriber has a card in two of the alert's groups; ~106 cards per partition, pages of 100 (30 groups).
        await store.UpsertManyAsync(Enumerable.Range(0, 1700).Select(i => new NewSubscriber($"s{i}@x.example", $"S {i}", "Org",
            Frequency: DigestFrequency.Instant, Topics: ["data model", "e-commerce"])).ToList(), Ct);
        Assert.True(await index.ContinueBuildAsync(50_000, Ct));
        host.Time.Advance(TimeSpan.FromHours(3));
        var topics = new Notifications.Topics.TopicOptions().Topics.Keys.ToList();

        var followers = await index.StreamFollowersAsync(topics, everyFrequency: true, host.Time.GetUtcNow().AddHours(-2), Ct).CollectAsync();

        Assert.Equal(1700, followers.Count);
        Assert.Equal(followers.Select(f => f.Subscriber.Id).Order(StringComparer.Ordinal), followers.Select(f => f.Subscriber.Id));
        Assert.Equal(1700, followers.Select(f => f.Subscriber.Id).Distinct().Count());
        Assert.Equal(3 * (topics.Count + 1) * 16, index.Reads.CardPartitions);
    }

    [Fact]
    public async Task KeepingUpDeletesTheWriteLogOlderThanThreeDays()
    {
        var (host, _) = await SeededAsync(azurite);
        await using var __ = host;
        var index = host.Get<SubscriberSlotIndex>();
        await host.Get<SubscriberStore>().UpdateAsync(host.Get<SubscriberStore>().IdOf("s1@x.example"), s => s with { Name = "New" }, Ct);
        var logged = (await host.IndexRowsAsync(Ct)).Where(e => e.PartitionKey.StartsWith("w-", StringComparison.Ordinal))
            .Select(e => e.PartitionKey).Distinct().Count();

        var early = await index.KeepUpAsync(host.Time.GetUtcNow().AddDays(2), Ct);
        var late = await index.KeepUpAsync(host.Time.GetUtcNow().AddDays(3).AddHours(1), Ct);

        Assert.Equal(2, logged);
        Assert.Equal(0, early.WriteLogPartitionsDeleted);
        Assert.Equal(2, late.WriteLogPartitionsDeleted);
        Assert.DoesNotContain(await host.IndexRowsAsync(Ct), e => e.PartitionKey.StartsWith("w-", StringComparison.Ordinal));
    }
}
