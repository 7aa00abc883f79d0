using System.Globalization;
using System.Text.Json;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary><c>notify digest status --since</c> (the runs archive), <c>digest cancel</c>, and the far-from-now guard of <c>digest run --at</c>.</summary>
public sealed class DigestArchiveCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    private async Task<Dictionary<string, string?>> SubscriberAndArticleAsync(string outbox)
    {
        var settings = TestSettings.For(azurite, outbox);
        Assert.Equal(0, (await CliRun.RunAsync(settings, "subscribers", "add", "--email", "a.dupont@douane.example", "--name", "Anne Dupont",
            "--organization", "Customs of Belgium")).ExitCode);
        var file = _temp.Write("workshop.md", "---\ntitle: Regional workshop on customs laboratories\n---\nBody.\n");
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", file)).ExitCode);
        return settings;
    }

    [Fact]
    public async Task ARunFarFromNowIsRefusedWithTheReasonUnlessConfirmed()
    {
        var outbox = _temp.Combine("outbox");
        var settings = await SubscriberAndArticleAsync(outbox);
        var at = DateTimeOffset.UtcNow.AddHours(5).ToString("O", CultureInfo.InvariantCulture);

        var refused = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at);

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("--at is far from now", refused.Error);
        Assert.Contains("moves their window there", refused.Error);
        Assert.Contains("--yes", refused.Error);
        Assert.False(Directory.Exists(outbox), "A refused run mailed someone.");

        var confirmed = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at, "--yes");

        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
        Assert.True(Directory.Exists(outbox), confirmed.ToString());
    }

    [Fact]
    public async Task StatusSinceListsTheArchiveWithRatesAndNotTrackedAndCancelRefusesAFinishedRun()
    {
        var settings = await SubscriberAndArticleAsync(_temp.Combine("outbox"));
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(0, (await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"))).ExitCode);

        var text = await CliRun.RunAsync(settings, "digest", "status", "--since", "2020-01-01");
        var json = await CliRun.RunAsync(settings, "digest", "status", "--since", "all", "--json");
        var none = await CliRun.RunAsync(settings, "digest", "status", "--since", "2999-01-01");
        var bad = await CliRun.RunAsync(settings, "digest", "status", "--since", "last tuesday");
        var ask = await CliRun.RunAsync(settings, "digest", "cancel", runId);
        var cancel = await CliRun.RunAsync(settings, "digest", "cancel", runId, "--yes");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"{runId}  completed", text.Output);
        Assert.Contains("1 articles, 1 recipients, batches 1/1 sent", text.Output);
        Assert.Contains("delivered 0 (0.0 %), bounced 0 (0.0 %), complained 0 (0.0 %), opened not tracked, clicked not tracked", text.Output);
        using (var doc = JsonDocument.Parse(json.Output))
        {
            // The daily run, and the article's instant alert run (nobody subscribes to alerts).
            var run = Assert.Single(doc.RootElement.GetProperty("runs").EnumerateArray(), r => r.GetProperty("runId").GetString() == runId);
            Assert.Equal(JsonValueKind.Null, run.GetProperty("figures").GetProperty("opened").ValueKind);
            Assert.False(run.GetProperty("figures").GetProperty("tracked").GetBoolean());
        }
        Assert.Contains("No run since 2999-01-01", none.Output);
        Assert.True(bad.ExitCode == 1 && bad.Error.Contains("--since 'last tuesday' is not a date"), bad.ToString());
        Assert.True(ask.ExitCode == 1 && ask.Error.Contains("Add --yes to cancel it"), ask.ToString());
        Assert.True(cancel.ExitCode == 1 && cancel.Error.Contains("nothing left to cancel"), cancel.ToString());
    }

    public void Dispose() => _temp.Dispose();
}
