using Microsoft.Extensions.Options;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

public sealed class CoverageReportTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> WithMembers(Dictionary<string, string?> settings, params (string Organization, string Country)[] members)
    {
        for (var i = 0; i < members.Length; i++)
        {
            settings[$"Members:Administrations:{i}:Organization"] = members[i].Organization;
            settings[$"Members:Administrations:{i}:Country"] = members[i].Country;
        }
        return settings;
    }

    [Fact]
    public async Task ListsAConfiguredAdministrationWithNoSubscriberAsZeros()
    {
        await using var host = await TestHost.StartAsync(WithMembers(TestSettings.For(azurite),
            ("Customs Committee of Uzbekistan", "UZ"), ("State Customs Committee", "AZ")));
        await host.Get<SubscriberStore>().UpsertManyAsync(
            [new NewSubscriber("a@customs.uz.example", "A", "Customs Committee of Uzbekistan", Country: "UZ")], Ct);

        var rows = await host.Get<CoverageReport>().BuildAsync(Ct);

        Assert.Equal(
            [
                new CoverageRow("az", "State Customs Committee", "AZ", 0, 0, 0, 0, true),
                new CoverageRow("uz", "Customs Committee of Uzbekistan", "UZ", 1, 0, 0, 0, true),
            ],
            rows);
    }

    [Fact]
    public async Task CountsActivePendingAndOtherPerAdministrationOrderedByCountryThenOrganization()
    {
        await using var host = await TestHost.StartAsync(WithMembers(TestSettings.For(azurite), ("Customs Committee of Uzbekistan", "uz")));
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new NewSubscriber("a@uz.example", "A", "customs committee of uzbekistan ", Country: "UZ"),
            new NewSubscriber("b@uz.example", "B", "Customs Committee of Uzbekistan", Country: "UZ", Status: SubscriberStatus.Pending),
            new NewSubscriber("c@uz.example", "C", "Customs Committee of Uzbekistan", Country: "UZ", Status: SubscriberStatus.Unsubscribed),
            new NewSubscriber("d@uz.example", "D", "Customs Committee of Uzbekistan", Country: "UZ", Status: SubscriberStatus.Suspended),
            new NewSubscriber("e@be.example", "E", "Belgian Customs", Country: "BE"),
            new NewSubscriber("f@be.example", "F", "Administration générale des douanes", Country: "BE", Status: SubscriberStatus.Bounced),
            new NewSubscriber("g@x.example", "G", "Unknown Customs"),
        ], Ct);

        var rows = await host.Get<CoverageReport>().BuildAsync(Ct);

        Assert.Equal(
        [
            new CoverageRow("", "Administration générale des douanes", "BE", 0, 0, 1, 0, false),
            new CoverageRow("", "Belgian Customs", "BE", 1, 0, 0, 0, false),
            // Matched ignoring case and spaces; the configured spelling is shown.
            new CoverageRow("uz", "Customs Committee of Uzbekistan", "UZ", 1, 1, 0, 2, true),
            // Subscribers without a country come last.
            new CoverageRow("", "Unknown Customs", "", 1, 0, 0, 0, false),
        ], rows);
        Assert.Equal(4, rows[2].Total);
    }

    [Theory]
    [InlineData("XX", "Members:Administrations:0:Country")]
    [InlineData("", "Members:Administrations:0:Country")]
    public async Task InvalidCountryOfAMemberFailsTheStartNamingTheSetting(string country, string setting)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(
            () => TestHost.StartAsync(WithMembers(TestSettings.For(azurite), ("Customs", country))));
        Assert.Contains(setting, e.Message);
    }
}
