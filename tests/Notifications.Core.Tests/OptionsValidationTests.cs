using Microsoft.Extensions.Options;
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
        settings["Delivery:SendingLease"] = "00:02:00";   // defaults: 4 × 30 s requests + 3 × 60 s waits = 5 min
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(settings));
        Assert.Contains("Delivery:SendingLease", e.Message);
        Assert.Contains("00:05:00", e.Message);
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
