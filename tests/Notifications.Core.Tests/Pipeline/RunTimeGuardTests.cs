using Notifications.Pipeline;
using Notifications.Testing;

namespace Notifications.Core.Tests.Pipeline;

/// <summary>The far-from-now guard the CLI's <c>digest run --at</c> and the runs archive's form share.</summary>
public sealed class RunTimeGuardTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AnInstantMoreThanTwoHoursFromNowNeedsAConfirmationThatExplainsTheWindows()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), Now);
        var guard = host.Get<RunTimeGuard>();

        var ahead = guard.Check(Now.AddHours(5));

        Assert.Null(guard.Check(null));
        Assert.Null(guard.Check(Now.AddHours(2)));
        Assert.Null(guard.Check(Now.AddHours(-1)));
        Assert.NotNull(guard.Check(Now.AddDays(-3)));
        Assert.NotNull(ahead);
        Assert.True(ahead.Ahead);
        Assert.Equal(TimeSpan.FromHours(5), ahead.Distance);
        Assert.Contains("5 hours ahead of now", ahead.Explanation);
        Assert.Contains("moves their window there", ahead.Explanation);
        Assert.Contains("reaches nobody", ahead.Explanation);
    }

    [Fact]
    public async Task TheLimitIsASetting()
    {
        var settings = TestSettings.For(azurite);
        settings["Schedule:ConfirmRunsFarFromNow"] = "00:30:00";
        await using var host = await TestHost.StartAsync(settings, Now);

        Assert.NotNull(host.Get<RunTimeGuard>().Check(Now.AddHours(1)));
    }
}
