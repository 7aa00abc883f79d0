using Azure.Data.Tables;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>
/// The slot index built on a store written before it existed (rows as <see cref="SubscriberStore"/> writes them, no index rows):
/// automatic, resumable from its cursor, idempotent; until built, a tick reads everyone.
/// </summary>
public sealed class SlotIndexBuildTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Six subscribers (one unsubscribed, so the departures log has a row too) and no index rows: a store from before the index.</summary>
    private async Task<Dictionary<string, string?>> StoreFromBeforeTheIndexAsync()
    {
        var settings = TestSettings.For(azurite);
        await using var host = await TestHost.StartAsync(settings);
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync([
            new("a@x.example", "A", "Org", TimeZone: "Europe/Brussels"),
            new("b@x.example", "B", "Org", TimeZone: "Asia/Tashkent", DeliveryHour: 9, Topics: ["data model"]),
            new("c@x.example", "C", "Org", Frequency: DigestFrequency.Weekly, WeeklyDay: DayOfWeek.Friday),
            new("d@x.example", "D", "Org", Frequency: DigestFrequency.Instant, Topics: ["e-commerce"]),
            new("e@x.example", "E", "Org", TimeZone: "America/New_York"),
            new("f@x.example", "F", "Org", TimeZone: "Africa/Lagos"),
        ], Ct);
        await store.UpdateAsync(store.IdOf("f@x.example"), s => s with { Status = SubscriberStatus.Unsubscribed }, Ct);
        await host.ForgetIndexAsync(Ct);
        return settings;
    }

    [Fact]
    public async Task TheBuildIndexesAStoreFromBeforeTheIndexASliceAtATimeFromItsCursor()
    {
        var settings = await StoreFromBeforeTheIndexAsync();
        var steps = new List<bool>();
        IReadOnlyList<Subscriber> all;
        {
            await using var host = await TestHost.StartAsync(settings);
            var index = host.Get<SubscriberSlotIndex>();
            all = await host.Get<SubscriberStore>().ListAsync(Ct);
            var brussels = new SlotGroup(DigestFrequency.Daily, "Europe/Brussels", null, null);

            // Not built: the tick reads every daily subscriber, as before the index.
            var due = await index.StreamDueAsync(DigestFrequency.Daily, [brussels], host.Time.GetUtcNow(), Ct).CollectAsync();
            Assert.Equal(all.Where(s => s.Frequency == DigestFrequency.Daily).Select(s => s.Id).Order(StringComparer.Ordinal),
                due.Select(d => d.Subscriber.Id));
            Assert.Equal(1, index.Reads.FullReads);
            steps.Add(await index.ContinueBuildAsync(2, Ct));
        }
        // Each step on a fresh instance: the cursor is in the table.
        while (!steps[^1])
        {
            await using var host = await TestHost.StartAsync(settings);
            steps.Add(await host.Get<SubscriberSlotIndex>().ContinueBuildAsync(2, Ct));
        }

        Assert.Equal([false, false, false, true], steps);
        await using var built = await TestHost.StartAsync(settings);
        foreach (var s in all)
            await built.AssertIndexedAsync(s.Id, Ct);
        Assert.True(await built.Get<SubscriberSlotIndex>().IsBuiltAsync(Ct));
        var meta = await built.Table().GetEntityAsync<TableEntity>("meta", "build", cancellationToken: Ct);
        Assert.Equal((1, true), (meta.Value.GetInt32("Format"), meta.Value.GetBoolean("Built")));
    }

    [Fact]
    public async Task BuildingAgainChangesNothing()
    {
        var settings = await StoreFromBeforeTheIndexAsync();
        await using (var host = await TestHost.StartAsync(settings))
            Assert.True(await host.Get<SubscriberSlotIndex>().ContinueBuildAsync(50_000, Ct));
        await using var again = await TestHost.StartAsync(settings);
        static string Keys(IEnumerable<TableEntity> rows) => string.Join(" ", rows.Where(e => !e.PartitionKey.StartsWith("w-", StringComparison.Ordinal))
            .Select(e => $"{e.PartitionKey}/{e.RowKey}/{e.GetString("Groups")}{e.GetString("TimeZone")}").Order(StringComparer.Ordinal));
        var before = Keys(await again.IndexRowsAsync(Ct));
        await again.Table().DeleteEntityAsync("meta", "build", Azure.ETag.All, Ct);

        Assert.True(await again.Get<SubscriberSlotIndex>().ContinueBuildAsync(50_000, Ct));
        Assert.Equal(6, await again.Get<SubscriberSlotIndex>().RebuildAsync(Ct));

        Assert.Equal(before, Keys(await again.IndexRowsAsync(Ct)));
        Assert.Equal(5, before.Split(' ').Count(k => k.StartsWith("l-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnEmptyStoreIsBuiltAtItsFirstTick()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var index = host.Get<SubscriberSlotIndex>();

        Assert.False(await index.IsBuiltAsync(Ct));
        Assert.True(await index.ContinueBuildAsync(50_000, Ct));
        Assert.True(await index.IsBuiltAsync(Ct));
    }

    [Fact]
    public async Task ASubscriberWrittenWhileTheIndexIsBuiltIsIndexedAsWritten()
    {
        var settings = await StoreFromBeforeTheIndexAsync();
        await using var host = await TestHost.StartAsync(settings);
        var store = host.Get<SubscriberStore>();
        var index = host.Get<SubscriberSlotIndex>();
        var first = (await store.ListAsync(Ct)).OrderBy(s => s.Id, StringComparer.Ordinal)
            .Last(s => s.Status == SubscriberStatus.Active && s.Frequency == DigestFrequency.Daily);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await store.UpdateAsync(first.Id, s => s with { TimeZone = "Asia/Almaty" }, Ct);

        Assert.True(await index.ContinueBuildAsync(50_000, Ct));

        await host.AssertIndexedAsync(first.Id, Ct);
        Assert.Contains(new SlotGroup(first.Frequency, "Asia/Almaty", first.DeliveryHour, first.WeeklyDay).Id, await host.CardGroupsAsync(first.Id, Ct));
    }
}
