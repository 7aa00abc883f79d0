using Microsoft.Extensions.Options;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

public sealed class MemberAdministrationTests(AzuriteFixture azurite)
{
    private const string Actor = "test:admin";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> WithHmrcAndUzbekistan(Dictionary<string, string?> settings)
    {
        settings["Members:Administrations:0:Key"] = "gb-hmrc";
        settings["Members:Administrations:0:Organization"] = "HM Revenue and Customs";
        settings["Members:Administrations:0:Country"] = "GB";
        settings["Members:Administrations:0:Names:fr"] = "Administration fiscale et douanière de Sa Majesté";
        settings["Members:Administrations:0:Aliases:0"] = "HMRC";
        settings["Members:Administrations:1:Organization"] = "Customs Committee of Uzbekistan";
        settings["Members:Administrations:1:Names:ru"] = "Таможенный комитет Республики Узбекистан";
        settings["Members:Administrations:1:Country"] = "UZ";
        return settings;
    }

    [Theory]
    [InlineData("HM Revenue and Customs")]
    [InlineData("h.m. revenue & customs")]
    [InlineData("  HMRC ")]
    [InlineData("Administration fiscale et douaniere de Sa Majeste")]
    public async Task EverySpellingOfANameOrAliasMapsToTheOneAdministration(string organization)
    {
        await using var host = await TestHost.StartAsync(WithHmrcAndUzbekistan(TestSettings.For(azurite)));

        Assert.Equal("gb-hmrc", host.Get<MemberDirectory>().Match(organization)?.EffectiveKey);
    }

    [Fact]
    public async Task ANameThatIsNotConfiguredMatchesNothing()
    {
        await using var host = await TestHost.StartAsync(WithHmrcAndUzbekistan(TestSettings.For(azurite)));

        Assert.Null(host.Get<MemberDirectory>().Match("HM Revenue"));
    }

    [Fact]
    public async Task CoverageCountsSpellingsAsOneAdministrationAndNamesThoseWithoutAnActiveContactOrWithOnlyBouncedOnes()
    {
        await using var host = await TestHost.StartAsync(WithHmrcAndUzbekistan(TestSettings.For(azurite)));
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new NewSubscriber("a@hmrc.example", "A", "HM Revenue and Customs", Country: "GB"),
            new NewSubscriber("b@hmrc.example", "B", "H.M. Revenue & Customs", Country: "GB"),
            new NewSubscriber("c@hmrc.example", "C", "hmrc", Country: "GB", Status: SubscriberStatus.Unsubscribed),
            new NewSubscriber("d@uz.example", "D", "Таможенный комитет Республики Узбекистан", Country: "UZ",
                Status: SubscriberStatus.Bounced),
            new NewSubscriber("e@uz.example", "E", "Customs Committee of Uzbekistan", Country: "UZ", Status: SubscriberStatus.Complained),
            new NewSubscriber("f@be.example", "F", "Belgian Customs", Country: "BE"),
        ], Ct);

        var rows = await host.Get<CoverageReport>().BuildAsync("ru", Ct);

        Assert.Equal(
        [
            new CoverageRow("", "Belgian Customs", "BE", 1, 0, 0, 0, false),
            new CoverageRow("gb-hmrc", "HM Revenue and Customs", "GB", 2, 0, 0, 1, true),
            new CoverageRow("uz", "Таможенный комитет Республики Узбекистан", "UZ", 0, 0, 2, 0, true),
        ], rows);
        Assert.False(rows[1].NoActiveContact);
        Assert.True(rows[2].NoActiveContact);
        Assert.True(rows[2].OnlyBouncedContacts);
        Assert.False(rows[0].OnlyBouncedContacts);
    }

    [Fact]
    public async Task ALinkByHandWinsOverTheOrganizationAndIsAudited()
    {
        await using var host = await TestHost.StartAsync(WithHmrcAndUzbekistan(TestSettings.For(azurite)));
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("x@tax.example", "X", "Tax office", Country: "GB"), Ct);

        var linked = await host.Get<MemberLinks>().LinkAsync("X@tax.example", "gb-hmrc", Actor, Ct);

        Assert.Equal("gb-hmrc", linked!.Member);
        var row = (await host.Get<CoverageReport>().BuildAsync(Ct)).Single(r => r.Key == "gb-hmrc");
        Assert.Equal(1, row.Active);
        var entry = Assert.Single(await host.Get<SubscriberAudit>().ListAsync(linked.Id, Ct), e => e.Action == "linked to member");
        Assert.Equal("none → gb-hmrc", entry.Changes["member"]);
    }

    [Fact]
    public async Task LinkingToAnUnknownKeyIsRefusedNamingTheKeys()
    {
        await using var host = await TestHost.StartAsync(WithHmrcAndUzbekistan(TestSettings.For(azurite)));
        await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("x@tax.example", "X", "Tax office"), Ct);

        var e = await Assert.ThrowsAsync<InvalidSubscriberException>(() => host.Get<MemberLinks>().LinkAsync("x@tax.example", "gb", Actor, Ct));

        Assert.Equal("member", e.Field);
        Assert.Contains("gb-hmrc, uz", e.Message);
    }

    [Fact]
    public async Task LinkMatchingLinksUnlinkedSubscribersWhoseOrganizationIsANameOrAlias()
    {
        await using var host = await TestHost.StartAsync(WithHmrcAndUzbekistan(TestSettings.For(azurite)));
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync([
            new NewSubscriber("a@hmrc.example", "A", "HMRC"),
            new NewSubscriber("b@x.example", "B", "Somewhere else"),
        ], Ct);

        var result = await host.Get<MemberLinks>().LinkMatchingAsync(Actor, Ct);

        Assert.Equal(new LinkResult(1, 2), result);
        Assert.Equal("gb-hmrc", (await store.FindByEmailAsync("a@hmrc.example", Ct))!.Member);
        Assert.Equal("", (await store.FindByEmailAsync("b@x.example", Ct))!.Member);
    }

    [Fact]
    public async Task AnImportLinksANewSubscriberWhoseOrganizationIsAnAlias()
    {
        await using var host = await TestHost.StartAsync(WithHmrcAndUzbekistan(TestSettings.For(azurite)));

        var report = await host.Get<SubscriberCsv>().ImportAsync(new MemoryStream("email,name,organization\r\nn@hmrc.example,N,H.M.R.C.\r\n"u8.ToArray()),
            dryRun: false, Actor, Ct);

        Assert.Contains(new ImportFieldChange("member", "", "gb-hmrc"), report.PreviewRows.Single().Changes);
        Assert.Equal("gb-hmrc", (await host.Get<SubscriberStore>().FindByEmailAsync("n@hmrc.example", Ct))!.Member);
    }

    [Theory]
    [InlineData("Members:Administrations:1:Aliases:0", "HMRC", "also one of Members:Administrations:0")]
    [InlineData("Members:Administrations:1:Key", "gb-hmrc", "is also the key of Members:Administrations:0")]
    [InlineData("Members:Administrations:1:Key", "Bad Key", "lowercase letters, digits and hyphens")]
    [InlineData("Members:Administrations:1:Names:de", "Zollkomitee", "Members:Administrations:1:Names:de")]
    public async Task ABadMemberListFailsTheStartNamingTheSetting(string setting, string value, string expected)
    {
        var settings = WithHmrcAndUzbekistan(TestSettings.For(azurite));
        settings[setting] = value;

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));

        Assert.Contains(expected, e.Message);
    }
}
