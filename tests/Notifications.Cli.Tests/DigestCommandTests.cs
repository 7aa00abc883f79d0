using System.Globalization;
using System.Text.Json;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

public sealed class DigestCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task DigestRunSendsOnceAndReportsTheRerunAsAlreadySent()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);
        var add = await CliRun.RunAsync(settings, "subscribers", "add", "--email", "a.dupont@douane.example", "--name", "Anne Dupont", "--organization", "Customs of Belgium");
        Assert.True(add.ExitCode == 0, add.ToString());
        var file = _temp.Write("workshop.md", """
            ---
            title: Regional workshop on customs laboratories held in Almaty
            summary: Laboratory experts compared methods.
            ---
            Body.
            """);
        var publish = await CliRun.RunAsync(settings, "articles", "publish", file);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        // The article was accepted at wall-clock time: run as of a minute later so it falls inside the window.
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var first = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"), "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        using (var json = JsonDocument.Parse(first.Output))
        {
            Assert.Equal(runId, json.RootElement.GetProperty("runId").GetString());
            Assert.Equal(1, json.RootElement.GetProperty("articles").GetInt32());
            Assert.Equal(1, json.RootElement.GetProperty("sentNow").GetProperty("recipients").GetInt32());
            Assert.Equal(0, json.RootElement.GetProperty("alreadySent").GetInt32());
        }

        var second = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"), "--json");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Single(Directory.GetFiles(Path.Combine(outbox, runId), "*.eml"));
        using (var json = JsonDocument.Parse(second.Output))
        {
            Assert.Equal(runId, json.RootElement.GetProperty("runId").GetString());
            Assert.Equal(0, json.RootElement.GetProperty("sentNow").GetProperty("recipients").GetInt32());
            // The rerun must say why it sent nothing: the batch went out before.
            Assert.Equal(1, json.RootElement.GetProperty("alreadySent").GetInt32());
        }
    }

    [Fact]
    public async Task DigestRunWithAnUnparsableAtNamesTheOption()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));

        var run = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", "not-a-date");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("--at", line);
        Assert.Contains("not-a-date", line);
    }

    [Fact]
    public async Task DigestRunWithAnUnknownFrequencyFails()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));

        var run = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "monthly");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("monthly", run.Error);
        Assert.False(Directory.Exists(_temp.Combine("outbox")), "Something was sent for an unknown frequency.");
    }

    public void Dispose() => _temp.Dispose();
}
