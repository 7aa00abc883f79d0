using System.Security.Cryptography;
using System.Text;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>Every write of <see cref="SubscriberStore"/> keeps the slot index's cards and locators what the row says.</summary>
public sealed class SlotIndexWriteTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void GroupIdsAreAHashOfTheirCanonicalString()
    {
        static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)).AsSpan(0, 4));

        Assert.Equal("s" + Hash("daily|Europe/Brussels|9|"), new SlotGroup(DigestFrequency.Daily, "Europe/Brussels", 9, null).Id);
        Assert.Equal("s" + Hash("weekly|Asia/Tashkent||Friday"), new SlotGroup(DigestFrequency.Weekly, "Asia/Tashkent", null, DayOfWeek.Friday).Id);
        Assert.Equal("t" + Hash("instant|data model"), new TopicGroup(DigestFrequency.Instant, "data model").Id);
        Assert.Equal("t" + Hash("daily|*"), new TopicGroup(DigestFrequency.Daily, TopicGroup.AllTopics).Id);
    }

    [Fact]
    public async Task AnActiveDailySubscriberHasACardInTheirSlotGroupAndOnePerTopic()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();

        var added = await store.AddAsync(new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HMRC", TimeZone: "Europe/Brussels", DeliveryHour: 9,
            Topics: ["data model", "e-commerce"]), Ct);
        var instant = await store.AddAsync(new NewSubscriber("n.ivanova@customs.example", "Nina Ivanova", "FCS", Frequency: DigestFrequency.Instant), Ct);

        Assert.Equal(new[]
        {
            new SlotGroup(DigestFrequency.Daily, "Europe/Brussels", 9, null).Id,
            new TopicGroup(DigestFrequency.Daily, "data model").Id,
            new TopicGroup(DigestFrequency.Daily, "e-commerce").Id,
        }.Order(StringComparer.Ordinal), await host.CardGroupsAsync(added.Id, Ct));
        Assert.Equal([new TopicGroup(DigestFrequency.Instant, "*").Id], await host.CardGroupsAsync(instant.Id, Ct));
        await host.AssertIndexedAsync(added.Id, Ct);
        await host.AssertIndexedAsync(instant.Id, Ct);
    }

    [Fact]
    public async Task ChangingZoneHourDayTopicsFrequencyOrStatusMovesTheCards()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var id = (await store.AddAsync(new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HMRC", TimeZone: "Europe/Brussels"), Ct)).Id;
        var changes = new Func<Subscriber, Subscriber>[]
        {
            s => s with { TimeZone = "America/New_York" },
            s => s with { DeliveryHour = 7 },
            s => s with { Frequency = DigestFrequency.Weekly },
            s => s with { WeeklyDay = DayOfWeek.Thursday },
            s => s with { Topics = ["green customs", "data model"] },
            s => s with { Topics = ["data model"] },
            s => s with { Frequency = DigestFrequency.Instant },
            s => s with { Status = SubscriberStatus.Unsubscribed },
            s => s with { Status = SubscriberStatus.Active, Frequency = DigestFrequency.Daily, DeliveryHour = null },
        };

        foreach (var change in changes)
        {
            host.Time.Advance(TimeSpan.FromMinutes(1));
            await store.UpdateAsync(id, change, Ct);
            await host.AssertIndexedAsync(id, Ct);
        }
        // Back to daily: the slot group (New York, default hour, Thursday as stored) and the one topic.
        Assert.Equal(new[] { new SlotGroup(DigestFrequency.Daily, "America/New_York", null, DayOfWeek.Thursday).Id,
            new TopicGroup(DigestFrequency.Daily, "data model").Id }.Order(StringComparer.Ordinal), await host.CardGroupsAsync(id, Ct));
    }

    [Fact]
    public async Task ANonActiveSubscriberHasNoCardsNorLocator()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();

        var pending = await store.AddAsync(new NewSubscriber("p@x.example", "P", "Org", Status: SubscriberStatus.Pending), Ct);
        var active = await store.AddAsync(new NewSubscriber("a@x.example", "A", "Org"), Ct);
        await store.UpdateAsync(active.Id, s => s with { Status = SubscriberStatus.Bounced }, Ct);

        Assert.Empty(await host.CardGroupsAsync(pending.Id, Ct));
        Assert.Null(await host.LocatorAsync(pending.Id, Ct));
        Assert.Empty(await host.CardGroupsAsync(active.Id, Ct));
        Assert.Null(await host.LocatorAsync(active.Id, Ct));
    }

    [Fact]
    public async Task WritingManyAndMergingAnImportIndexTheRowAsStored()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync([
            new("a@x.example", "A", "Org", TimeZone: "Asia/Tashkent"),
            new("b@x.example", "B", "Org", Frequency: DigestFrequency.Weekly, Topics: ["e-commerce"]),
        ], Ct);
        var a = store.IdOf("a@x.example");
        var b = store.IdOf("b@x.example");
        await store.UpdateAsync(b, s => s with { Status = SubscriberStatus.Unsubscribed }, Ct);
        await host.AssertIndexedAsync(a, Ct);
        await host.AssertIndexedAsync(b, Ct);

        // The import moves a to another zone and sets no status for b: b stays unsubscribed, so without cards.
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await store.MergeImportedAsync([
            (store.Create(new("a@x.example", "A", "Org", TimeZone: "Africa/Nairobi", DeliveryHour: 10), "import"), true),
            (store.Create(new("b@x.example", "B", "Org", Frequency: DigestFrequency.Daily, TimeZone: "Europe/Paris"), "import"), false),
        ], Ct);

        Assert.Equal("Africa/Nairobi", (await store.GetAsync(a, Ct))!.TimeZone);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await store.GetAsync(b, Ct))!.Status);
        await host.AssertIndexedAsync(a, Ct);
        await host.AssertIndexedAsync(b, Ct);
        Assert.Empty(await host.CardGroupsAsync(b, Ct));
    }

    [Fact]
    public async Task MovingToANewIdMovesTheCards()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var old = await store.AddAsync(new NewSubscriber("a@x.example", "A", "Org", Topics: ["data model"]), Ct);
        var newId = new string('f', 32);

        await store.CopyToNewIdAsync(old, newId, Ct);
        await store.DeleteOldRowAsync(old.Id, Ct);

        await host.AssertIndexedAsync(newId, Ct);
        Assert.Equal(SlotIndexProbe.ExpectedGroups(old), await host.CardGroupsAsync(newId, Ct));
        Assert.Empty(await host.CardGroupsAsync(old.Id, Ct));
        Assert.Null(await host.LocatorAsync(old.Id, Ct));
    }

    [Fact]
    public async Task ErasureLeavesNoCardLocatorOrWriteLogEntryOfTheSubscriber()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var gone = await store.AddAsync(new NewSubscriber("a@x.example", "A", "Org", Topics: ["data model", "e-commerce"]), Ct);
        var kept = await store.AddAsync(new NewSubscriber("b@x.example", "B", "Org", Topics: ["data model"]), Ct);
        await store.UpdateAsync(gone.Id, s => s with { TimeZone = "Europe/Berlin" }, Ct);

        var report = await host.Get<SubscriberEraser>().EraseAsync(gone.Id, "admin@secretariat.example", Ct);

        Assert.NotNull(report);
        var rows = await host.IndexRowsAsync(Ct);
        Assert.DoesNotContain(rows, e => e.RowKey.Contains(gone.Id, StringComparison.Ordinal) || e.GetString("Id") == gone.Id);
        Assert.Contains(rows, e => e.RowKey == kept.Id);
        await host.AssertIndexedAsync(kept.Id, Ct);
    }
}
