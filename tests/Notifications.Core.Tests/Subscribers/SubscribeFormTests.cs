using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>The public subscribe form as Core checks and keeps it: every error at once, member administrations, time zone, hour and day.</summary>
public sealed class SubscribeFormTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> WithUzbekistan(Dictionary<string, string?> settings)
    {
        settings["Members:Administrations:0:Key"] = "uz";
        settings["Members:Administrations:0:Organization"] = "Customs Committee of Uzbekistan";
        settings["Members:Administrations:0:Names:ru"] = "Таможенный комитет Республики Узбекистан";
        settings["Members:Administrations:0:Country"] = "UZ";
        return settings;
    }

    [Fact]
    public async Task EveryWrongFieldIsNamedAtOnceAndNothingIsHeld()
    {
        await using var host = await TestHost.StartAsync(WithUzbekistan(TestSettings.For(azurite)));
        var service = host.Get<SubscriptionSelfService>();
        var form = new SubscribeForm("a.karimov@@customs.example", " ", "", "ZZ", "de", "hourly", ["no such topic"],
            "Mars/Olympus_Mons", "25", "someday", "atlantis");

        var e = await Assert.ThrowsAsync<InvalidSubscribeFormException>(() => service.SubscribeAsync(form, "198.51.100.7", Ct));

        Assert.Equal(
            new[] { "country", "deliveryHour", "email", "frequency", "language", "member", "name", "organization", "time_zone", "topics", "weeklyDay" },
            e.Errors.Select(x => x.Field).Order(StringComparer.Ordinal));
        Assert.Equal(0, await host.Get<SubscribeConfirmationQueue>().DrainAsync(
            (_, _) => Task.FromResult(ConfirmationSendOutcome.Sent), TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task AChosenMemberAdministrationGivesTheOrganisationInTheFormsLanguageAndItsCountry()
    {
        await using var host = await TestHost.StartAsync(WithUzbekistan(TestSettings.For(azurite)));

        var candidate = host.Get<SubscriptionSelfService>().Check(
            new SubscribeForm("a.karimov@customs.example", "Алишер Каримов", "", "", "ru", "daily", [], "Asia/Tashkent", "9", "", "uz"));

        Assert.Equal(("Таможенный комитет Республики Узбекистан", "UZ", "uz"), (candidate.Organization, candidate.Country, candidate.Member));
    }

    [Fact]
    public async Task ConfirmingAppliesTheChosenZoneHourWeeklyDayAndMemberAndTheLinkSpeaksTheChosenLanguage()
    {
        await using var host = await TestHost.StartAsync(WithUzbekistan(TestSettings.For(azurite)));
        var service = host.Get<SubscriptionSelfService>();
        var form = new SubscribeForm("a.karimov@customs.example", "Alisher Karimov", "", "", "ru", "weekly", ["e-commerce"],
            "Asia/Tashkent", "9", "wednesday", "uz");
        await service.SubscribeAsync(form, "198.51.100.7", Ct);
        var id = host.Get<SubscriberStore>().IdOf("a.karimov@customs.example");
        string? requestId = null;
        await host.Get<SubscribeConfirmationQueue>().DrainAsync((m, _) =>
        {
            requestId = m.RequestId;
            return Task.FromResult(ConfirmationSendOutcome.Sent);
        }, TimeSpan.FromSeconds(30), Ct);
        var token = host.Get<SubscriptionTokens>().IssueConfirm(id, requestId!);

        Assert.Equal("ru", await service.LanguageOfAsync(host.Get<SubscriptionTokens>().Verify(token, TokenPurpose.Confirm), Ct));
        var confirmed = await service.ConfirmAsync(token, Ct);

        Assert.Equal(ConfirmOutcome.Confirmed, confirmed.Outcome);
        var stored = await host.Get<SubscriberStore>().GetAsync(id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(("Asia/Tashkent", 9, DayOfWeek.Wednesday, "uz", "UZ"),
            (stored.TimeZone, stored.DeliveryHour, stored.WeeklyDay, stored.Member, stored.Country));
    }
}
