using Microsoft.Extensions.Options;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Testing;

namespace Notifications.Core.Tests;

public sealed class OptionsValidationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SendGridModeWithoutApiKeyFailsTheStartNamingTheSetting()
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:Mode"] = "SendGrid";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("SendGrid:ApiKey", e.Message);
    }

    [Fact]
    public async Task BatchSizeAboveSendGridsLimitFailsTheStart()
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:BatchSize"] = "1001";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Delivery:BatchSize", e.Message);
    }

    [Fact]
    public async Task ASendingLeaseShorterThanTheSlowestSendFailsTheStart()
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:SendingLease"] = "00:02:00";   // defaults: 9 × 30 s requests + 3 × 30 s backoffs + 3 min of rate-limit waits = 9 min
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Delivery:SendingLease", e.Message);
        Assert.Contains("00:09:00", e.Message);
    }

    [Fact]
    public async Task HealingAndRateLimitSettingsOutOfRangeFailTheStartNamingTheSetting()
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:MaxRateLimitWaits"] = "50";
        settings["Delivery:MaxRateLimitWaitTotal"] = "02:00:00";
        settings["Delivery:HealBackoff"] = "00:00:10";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Delivery:MaxRateLimitWaits", e.Message);
        Assert.Contains("Delivery:MaxRateLimitWaitTotal", e.Message);
        Assert.Contains("Delivery:HealBackoff", e.Message);

        settings = TestSettings.For(azurite);
        settings["Delivery:HealBackoff"] = "02:00:00";
        settings["Delivery:HealBackoffMax"] = "01:00:00";
        e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Delivery:HealBackoffMax", e.Message);
    }

    [Theory]
    [InlineData("00:01:00")]
    [InlineData("8.00:00:00")]
    public async Task AnUncertainQuietPeriodOutOfRangeFailsTheStart(string value)
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:UncertainQuietPeriod"] = value;
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Delivery:UncertainQuietPeriod must be between 00:05:00 and 7.00:00:00", e.Message);
    }

    [Theory]
    [InlineData("-00:01:00")]
    [InlineData("01:00:01")]
    public async Task AnAlertGracePeriodOutOfRangeFailsTheStart(string value)
    {
        var settings = TestSettings.For(azurite);
        settings["Schedule:AlertGracePeriod"] = value;
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Schedule:AlertGracePeriod must be between 00:00:00 and 01:00:00", e.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("366")]
    public async Task ASlotIndexSweepDaysOutOfRangeFailsTheStart(string value)
    {
        var settings = TestSettings.For(azurite);
        settings["Schedule:SlotIndexSweepDays"] = value;
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Schedule:SlotIndexSweepDays must be between 1 and 365", e.Message);
    }

    [Fact]
    public async Task TheSlotIndexIsUsedAndSweptOverTwentyEightDaysUnlessSet()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var options = host.Get<IOptions<ScheduleOptions>>().Value;
        Assert.Equal((true, 28), (options.UseSlotIndex, options.SlotIndexSweepDays));
    }

    [Fact]
    public async Task TheAlertGracePeriodIsTenMinutesUnlessSet()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        Assert.Equal(TimeSpan.FromMinutes(10), host.Get<IOptions<ScheduleOptions>>().Value.AlertGracePeriod);
    }

    [Fact]
    public async Task TheDigestSectionGivesTheSenderToMailAndTheTemplateRefreshToDigests()
    {
        var settings = TestSettings.For(azurite);
        settings["Digest:Languages:ru:Sender"] = "Секретариат ПТК";
        settings["Digest:TemplateRefresh"] = "00:07:00";
        await using (var host = await TestHost.StartAsync(settings))
        {
            var sender = host.Get<IOptions<SenderOptions>>().Value;
            Assert.Equal("PTC Secretariat", sender.SenderIn("en"));
            Assert.Equal("Секретариат ПТК", sender.SenderIn("ru"));
            Assert.Equal(TimeSpan.FromMinutes(7), host.Get<IOptions<DigestOptions>>().Value.TemplateRefresh);
        }

        settings["Digest:Sender"] = "";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Digest:Sender is empty: name who sends the digests, e.g. 'PTC Secretariat'.", e.Message);

        settings["Digest:Sender"] = "PTC Secretariat";
        settings["Digest:TemplateRefresh"] = "2.00:00:00";
        e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Digest:TemplateRefresh must be between 00:00:00 (only at start) and 1.00:00:00 (a day).", e.Message);
    }

    [Fact]
    public async Task MissingSenderAddressFailsTheStart()
    {
        var settings = TestSettings.For(azurite);
        settings["Delivery:FromEmail"] = "";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Delivery:FromEmail", e.Message);
    }

    [Fact]
    public async Task InvalidContainerNameFailsTheStart()
    {
        var settings = TestSettings.For(azurite);
        settings["Storage:ArticlesContainer"] = "Articles_With_Capitals";
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Storage:ArticlesContainer", e.Message);
    }
}
