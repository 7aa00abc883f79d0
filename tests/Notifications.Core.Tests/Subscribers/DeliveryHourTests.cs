using Azure.Data.Tables;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>The subscriber's own delivery hour: stored, validated, changed and cleared by admins, audited.</summary>
public sealed class DeliveryHourTests(AzuriteFixture azurite)
{
    private const string Actor = "test:admin";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StoresTheHourAsAnIntColumnAndNoColumnForTheDefault()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();

        var early = await store.AddAsync(new NewSubscriber("early@customs.example", "Early Reader", "Customs", DeliveryHour: 6), Ct);
        var usual = await store.AddAsync(new NewSubscriber("usual@customs.example", "Usual Reader", "Customs"), Ct);

        Assert.Equal(6, (await store.GetAsync(early.Id, Ct))!.DeliveryHour);
        Assert.Null((await store.GetAsync(usual.Id, Ct))!.DeliveryHour);
        var table = host.Get<StorageResources>().Subscribers;
        Assert.Equal(6, (await table.GetEntityAsync<TableEntity>("subscriber", early.Id, cancellationToken: Ct)).Value["DeliveryHour"]);
        Assert.False((await table.GetEntityAsync<TableEntity>("subscriber", usual.Id, cancellationToken: Ct)).Value.ContainsKey("DeliveryHour"));
    }

    [Fact]
    public async Task AdminSetsAndClearsDeliveryHour()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var admin = host.Get<SubscriberAdmin>();
        var store = host.Get<SubscriberStore>();
        var created = await admin.CreateAsync(new NewSubscriber("d.karimova@customs.uz.example", "Dilnoza Karimova", "Customs Committee of Uzbekistan",
            TimeZone: "Asia/Tashkent", DeliveryHour: 7), Actor, Ct);
        Assert.Equal(7, (await store.GetAsync(created.Id, Ct))!.DeliveryHour);

        host.Time.Advance(TimeSpan.FromMinutes(1));
        await admin.UpdateAsync(created.Id, new SubscriberPatch(DeliveryHour: "09:00"), Actor, Ct);
        Assert.Equal(9, (await store.GetAsync(created.Id, Ct))!.DeliveryHour);

        // A patch without the hour leaves it as it is.
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await admin.UpdateAsync(created.Id, new SubscriberPatch(Frequency: "weekly"), Actor, Ct);
        Assert.Equal(9, (await store.GetAsync(created.Id, Ct))!.DeliveryHour);

        // An empty hour resets it to the default: the column goes.
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var cleared = await admin.UpdateAsync(created.Id, new SubscriberPatch(DeliveryHour: ""), Actor, Ct);
        Assert.Null(cleared!.DeliveryHour);
        Assert.Null((await store.GetAsync(created.Id, Ct))!.DeliveryHour);
        var row = await host.Get<StorageResources>().Subscribers.GetEntityAsync<TableEntity>("subscriber", created.Id, cancellationToken: Ct);
        Assert.False(row.Value.ContainsKey("DeliveryHour"));

        var audit = await host.Get<SubscriberAudit>().ListAsync(created.Id, Ct);
        Assert.Equal(["updated", "updated", "updated", "created"], audit.Select(e => e.Action));
        Assert.Equal("9 → default", audit[0].Changes["deliveryHour"]);
        Assert.False(audit[1].Changes.ContainsKey("deliveryHour"));
        Assert.Equal("7 → 9", audit[2].Changes["deliveryHour"]);
        Assert.All(audit.Take(3), e => Assert.Equal(Actor, e.Actor));
    }

    [Theory]
    [InlineData("24")]
    [InlineData("-1")]
    [InlineData("8.5")]
    [InlineData("8:30")]
    [InlineData("1e1")]
    [InlineData("noon")]
    [InlineData("100")]
    public async Task RejectsDeliveryHourOutsideTheDay(string value)
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var admin = host.Get<SubscriberAdmin>();
        var created = await admin.CreateAsync(new NewSubscriber("a@customs.example", "A Reader", "Customs", DeliveryHour: 7), Actor, Ct);

        var update = await Assert.ThrowsAsync<InvalidSubscriberException>(
            () => admin.UpdateAsync(created.Id, new SubscriberPatch(Name: "Renamed", DeliveryHour: value), Actor, Ct));

        Assert.Equal("deliveryHour", update.Field);
        Assert.StartsWith(
            "deliveryHour must be a whole hour from 0 to 23 (the local hour digests go out in the subscriber's time zone), or empty for the default",
            update.Message);
        Assert.Contains($"'{value}'", update.Message);
        // Nothing changed, not even the valid field next to it.
        var stored = (await host.Get<SubscriberStore>().GetAsync(created.Id, Ct))!;
        Assert.Equal((7, "A Reader"), (stored.DeliveryHour, stored.Name));
    }

    [Theory]
    [InlineData(24)]
    [InlineData(-1)]
    public async Task RejectsANewSubscriberWithAnHourOutsideTheDay(int hour)
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));

        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(
            () => host.Get<SubscriberAdmin>().CreateAsync(new NewSubscriber("a@customs.example", "A Reader", "Customs", DeliveryHour: hour), Actor, Ct));

        Assert.Equal("deliveryHour", e.Field);
        Assert.Empty(await host.Get<SubscriberStore>().ListAsync(Ct));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("8", 8)]
    [InlineData("08", 8)]
    [InlineData(" 7 ", 7)]
    [InlineData("23:00", 23)]
    [InlineData("00:00", 0)]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData(null, null)]
    public void AcceptsAWholeHourAsANumberOrAClockTimeAndEmptyAsTheDefault(string? value, int? hour)
        => Assert.Equal(hour, SubscriberRules.DeliveryHour(value));
}
