using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Functions.Web;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// What the dashboard tests share: the console's home and dashboard routed as the function classes route them, and a store with a
/// run paused by two failed batches (SendGrid refused the sender) and a subscriber whose address bounced.
/// </summary>
internal static class DashboardScenario
{
    public const string Refusal = "The from address does not match a verified Sender Identity.";

    public static void Map(WebApplication app)
    {
        ConsoleFoundationTests.MapConsole(app);
        app.MapMethods("/api/console/dashboard", [HttpMethods.Get], (HttpRequest request, CancellationToken token)
            => ActivatorUtilities.CreateInstance<AdminDashboard>(request.HttpContext.RequestServices).Dashboard(request, token));
    }

    public static Dictionary<string, string?> Settings(AzuriteFixture azurite, FakeSendGrid sendGrid)
    {
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:BatchSize"] = "1";
        settings["Delivery:PauseAfterFailures"] = "2";
        settings["Delivery:RequestsPerSecond"] = "0";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.010";
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = "true";
        return settings;
    }

    /// <summary>Four daily subscribers, an article, a daily run paused after two refused batches, and a bounce; returns the run id.</summary>
    public static async Task<string> SeedAsync(IServiceProvider services, FakeSendGrid sendGrid, IReadOnlyDictionary<string, string?> settings,
        CancellationToken ct)
    {
        await services.GetRequiredService<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 4).Select(i =>
            new NewSubscriber($"official{i}@customs.example", $"Official {i}", "Customs Administration")), ct);
        await services.GetRequiredService<ArticlePublisher>().PublishAsync("ptc.md",
            new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), ct);
        await services.GetRequiredService<ArticleIngestor>().IngestAsync("ptc.md", ct);
        for (var i = 0; i < 2; i++) sendGrid.EnqueueAnswer(400, Refusal);
        var run = await services.GetRequiredService<DigestRunner>().RunAsync(DigestFrequency.Daily, DateTimeOffset.UtcNow.AddMinutes(1), ct);
        Assert.Equal(DigestRunStatus.Paused, run.Status);
        var bounce = await services.GetRequiredService<IRecipientEventHandler>().HandleAsync(new RecipientEvent(
            settings.SubscriberIdOf("official3@customs.example"), RecipientFact.Bounced, "sendgrid", "bounce", "evt-1", "official3@customs.example"), ct);
        Assert.Equal(RecipientEventOutcome.Changed, bounce);
        return run.RunId;
    }
}
