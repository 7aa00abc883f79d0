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
    public async Task DigestRunDueMailsWhoseDeliveryHourItIsInTheirZoneOnce()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);
        // Tomorrow at this UTC hour: the hourly timer's run; the subscriber's delivery hour is that hour in Tashkent (UTC+5).
        var now = DateTimeOffset.UtcNow;
        var at = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(1);
        var tashkentHour = (at.Hour + 5) % 24;
        var add = await CliRun.RunAsync(settings, "subscribers", "add", "--email", "r.karimov@customs.uz.example", "--name", "Rustam Karimov",
            "--organization", "Customs Committee of Uzbekistan", "--time-zone", "Asia/Tashkent", "--delivery-hour", tashkentHour.ToString(CultureInfo.InvariantCulture));
        Assert.True(add.ExitCode == 0, add.ToString());
        var file = _temp.Write("workshop.md", "---\ntitle: Regional workshop on customs laboratories\n---\nBody.\n");
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", file)).ExitCode);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture);

        // An hour before: not their hour yet (and today's was before they subscribed).
        var early = await CliRun.RunAsync(settings, "digest", "run", "--due", "--at", at.AddHours(-1).ToString("O"), "--json");
        Assert.True(early.ExitCode == 0, early.ToString());
        Assert.False(Directory.Exists(outbox), "Mailed before the subscriber's hour.");

        var first = await CliRun.RunAsync(settings, "digest", "run", "--due", "--at", at.ToString("O"), "--json");
        var second = await CliRun.RunAsync(settings, "digest", "run", "--due", "--at", at.AddMinutes(30).ToString("O"), "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        using (var json = JsonDocument.Parse(first.Output))
        {
            var daily = json.RootElement.EnumerateArray().Single(r => r.GetProperty("runId").GetString() == runId);
            Assert.Equal(1, daily.GetProperty("sentNow").GetProperty("recipients").GetInt32());
        }
        var eml = Assert.Single(Directory.GetFiles(Path.Combine(outbox, runId), "*.eml"));
        Assert.Contains("r.karimov@customs.uz.example", File.ReadAllText(eml));
        Assert.True(second.ExitCode == 0, second.ToString());
        using (var json = JsonDocument.Parse(second.Output))
            Assert.All(json.RootElement.EnumerateArray(), r => Assert.Equal(0, r.GetProperty("sentNow").GetProperty("recipients").GetInt32()));
    }

    [Fact]
    public async Task DigestRunNeedsEitherFrequencyOrDue()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));

        var neither = await CliRun.RunAsync(settings, "digest", "run");
        var both = await CliRun.RunAsync(settings, "digest", "run", "--due", "--frequency", "daily");

        Assert.All([neither, both], run =>
        {
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("--frequency", run.Error);
            Assert.Contains("--due", run.Error);
        });
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
