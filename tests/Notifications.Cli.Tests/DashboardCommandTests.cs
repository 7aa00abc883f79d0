using System.Text.Json;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary><c>notify dashboard</c>: the console dashboard's twin, in text and JSON, exit 1 when something needs attention.</summary>
public sealed class DashboardCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task DashboardSaysNothingNeedsAttentionThenNamesTheFailedBatchWithItsCause()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite, _temp.Combine("outbox")).WithSendGrid(sendGrid);
        foreach (var (email, frequency) in new[] { ("a@customs.example", "daily") })
            Assert.Equal(0, (await CliRun.RunAsync(settings, "subscribers", "add", "--email", email, "--name", "A", "--organization", "Org",
                "--frequency", frequency)).ExitCode);

        var quiet = await CliRun.RunAsync(settings, "dashboard");

        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Contains("Nothing needs attention.", quiet.OutputLines);
        Assert.Contains(quiet.OutputLines, l => l.StartsWith("Digests due in the next 24 hours: 1 subscribers", StringComparison.Ordinal));
        Assert.Contains("Subscribers: 0 pending, 1 active, 0 unsubscribed, 0 bounced, 0 complained, 0 suspended", quiet.OutputLines);

        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", _temp.Write("ptc.md", "---\ntitle: PTC session\n---\nBody.\n"))).ExitCode);
        sendGrid.EnqueueAnswer(401, "The provided authorization grant is invalid, expired, or revoked");
        Assert.Equal(1, (await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", DateTimeOffset.UtcNow.AddMinutes(1).ToString("O")))
            .ExitCode);

        var text = await CliRun.RunAsync(settings, "dashboard");
        var json = await CliRun.RunAsync(settings, "dashboard", "--json");

        Assert.True(text.ExitCode == 1, text.ToString());
        Assert.Contains("Needs attention:", text.OutputLines);
        Assert.Contains(text.OutputLines, l => l.Contains("batch b00000 (en) of run daily-", StringComparison.Ordinal)
            && l.Contains(": failed after 1 attempt: ", StringComparison.Ordinal) && l.Contains("authorization grant is invalid", StringComparison.Ordinal));
        Assert.Contains(text.OutputLines, l => l.Contains("opened not tracked  clicked not tracked", StringComparison.Ordinal));
        Assert.Equal(1, json.ExitCode);
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.True(root.GetProperty("attention").GetProperty("any").GetBoolean());
        var batch = Assert.Single(root.GetProperty("attention").GetProperty("batches").EnumerateArray());
        Assert.Equal("failed", batch.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, Assert.Single(root.GetProperty("runs").EnumerateArray()).GetProperty("opened").ValueKind);
        Assert.Equal(24, root.GetProperty("due").GetArrayLength());
        Assert.Equal(1, root.GetProperty("subscribers").GetProperty("active").GetInt32());
    }

    public void Dispose() => _temp.Dispose();
}
