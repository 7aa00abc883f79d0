using System.Text;
using System.Text.Json;
using Notifications.Articles;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// <c>Delivery:TrackOpensAndClicks</c> decides SendGrid's open and click tracking on every request (v3 Mail Send
/// <c>tracking_settings</c>), off as well as on, so the account's own default never does.
/// </summary>
public sealed class TrackingSettingsTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> TrackingSentAsync(bool? track)
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        if (track is { } on) settings["Delivery:TrackOpensAndClicks"] = on ? "true" : "false";
        await using var host = await TestHost.StartAsync(settings, new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        await host.Get<SubscriberStore>().UpsertManyAsync([new NewSubscriber("j.smith@hmrc.example", "Jane Smith", "HMRC")], Ct);
        await host.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), Ct);
        await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct);
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        return Assert.Single(sendGrid.Accepted).Body.GetProperty("tracking_settings").Clone();
    }

    [Fact]
    public async Task TrackingOnAsksSendGridToTrackOpensAndHtmlClicks()
    {
        var tracking = await TrackingSentAsync(true);

        Assert.True(tracking.GetProperty("open_tracking").GetProperty("enable").GetBoolean());
        Assert.True(tracking.GetProperty("click_tracking").GetProperty("enable").GetBoolean());
        Assert.False(tracking.GetProperty("click_tracking").GetProperty("enable_text").GetBoolean());
    }

    [Fact]
    public async Task TrackingIsOffByDefaultAndSaidSoExplicitly()
    {
        var tracking = await TrackingSentAsync(null);

        Assert.False(tracking.GetProperty("open_tracking").GetProperty("enable").GetBoolean());
        Assert.False(tracking.GetProperty("click_tracking").GetProperty("enable").GetBoolean());
    }
}
