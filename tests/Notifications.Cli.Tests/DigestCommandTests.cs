using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Pipeline;

namespace Notifications.Cli.Tests;

public sealed class DigestCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task DigestRunSendsOnceAndReportsTheRerunAsAlreadySent()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);
        var add = await CliRun.RunAsync(settings, "subscribers", "add", "--email", "a.dupont@douane.example", "--name", "Anne Dupont",
            "--organization", "Customs of Belgium");
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
            "--organization", "Customs Committee of Uzbekistan", "--time-zone", "Asia/Tashkent",
            "--delivery-hour", tashkentHour.ToString(CultureInfo.InvariantCulture));
        Assert.True(add.ExitCode == 0, add.ToString());
        var file = _temp.Write("workshop.md", "---\ntitle: Regional workshop on customs laboratories\n---\nBody.\n");
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", file)).ExitCode);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture);

        // An hour before: not their hour yet (and today's was before they subscribed).
        var early = await CliRun.RunAsync(settings, "digest", "run", "--due", "--at", at.AddHours(-1).ToString("O"), "--yes", "--json");
        Assert.True(early.ExitCode == 0, early.ToString());
        Assert.False(Directory.Exists(outbox), "Mailed before the subscriber's hour.");

        var first = await CliRun.RunAsync(settings, "digest", "run", "--due", "--at", at.ToString("O"), "--yes", "--json");
        var second = await CliRun.RunAsync(settings, "digest", "run", "--due", "--at", at.AddMinutes(30).ToString("O"), "--yes", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        using (var json = JsonDocument.Parse(first.Output))
        {
            var daily = json.RootElement.EnumerateArray().Single(r => r.GetProperty("runId").GetString() == runId);
            Assert.Equal(1, daily.GetProperty("sentNow").GetProperty("recipients").GetInt32());
        }
        var eml = Assert.Single(Directory.GetFiles(Path.Combine(outbox, runId), "*.eml"));
        Assert.Equal("r.karimov@customs.uz.example", OutboxMail.Read(eml).To());
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

    [Fact]
    public async Task DigestRunOfARunAnotherPlannerHoldsSaysUntilWhenAndExitsTryLater()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var at = DateTimeOffset.UtcNow;
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        DigestRun held;
        // A planner claimed the run a minute ago and was killed: the run stays in Planning until its lease (10 min) ends.
        await using (var host = await TestHost.StartAsync(settings, at.AddMinutes(-1)))
        {
            var runs = host.Get<DigestRunStore>();
            var run = await runs.GetOrCreateAsync(DigestPeriod.For(DigestFrequency.Daily, at), at, TestContext.Current.CancellationToken);
            held = (await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planning, PlanId = "killedplan" }, TestContext.Current.CancellationToken))!;
        }
        var until = held.UpdatedAt.AddMinutes(10);
        var expected =
            $"another planner holds run {runId} until {until.AddTicks(TimeSpan.TicksPerSecond - 1):yyyy-MM-dd HH:mm:ss} UTC; it will be replanned then";

        var text = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"));
        var json = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"), "--json");
        var resume = await CliRun.RunAsync(settings, "digest", "resume", runId);

        Assert.True(text.ExitCode == 75, text.ToString());
        Assert.Contains(text.OutputLines, l => l.StartsWith("A" + expected[1..], StringComparison.Ordinal));
        Assert.True(json.ExitCode == 75, json.ToString());
        var result = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal("planning", result.GetProperty("status").GetString());
        Assert.Equal(until, result.GetProperty("heldUntil").GetDateTimeOffset());
        Assert.StartsWith(expected, result.GetProperty("message").GetString());
        Assert.True(resume.ExitCode == 75, resume.ToString());
        Assert.Contains(expected[1..], resume.Output);
    }

    [Fact]
    public async Task DigestRunAndResumeListABatchAnotherWorkerIsSendingAsBeingSent()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);
        settings["Delivery:BatchSize"] = "1";
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Another worker claimed the first batch and is sending it right now (here: it stopped a moment ago, within the lease).
        await using (var worker = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow,
            services => services.AddSingleton<IMailTransport>(new StopsInTheRequest())))
        {
            var ct = TestContext.Current.CancellationToken;
            await worker.Get<SubscriberStore>().UpsertManyAsync(
                new[] { "a", "b", "c" }.Select(who => new NewSubscriber($"{who}@customs.example", who, "Org")), ct);
            await worker.Get<ArticlePublisher>().PublishAsync("ptc.md", new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC session\n---\nBody.\n")), ct);
            await worker.Get<ArticleIngestor>().IngestAsync("ptc.md", ct);
            await Assert.ThrowsAsync<TimeoutException>(() => worker.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, at, ct));
        }

        var run = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"));
        var json = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"), "--json");
        var resume = await CliRun.RunAsync(settings, "digest", "resume", runId);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Sent now: 2 batches (2 recipients); already sent: 0; failed: 0; uncertain: 0; being sent: 1.", run.OutputLines);
        Assert.Contains(run.OutputLines, l => l.StartsWith("  batch b00000: being sent by another worker right now", StringComparison.Ordinal));
        Assert.Equal((1, 2), (JsonDocument.Parse(json.Output).RootElement.GetProperty("beingSent").GetInt32(),
            JsonDocument.Parse(json.Output).RootElement.GetProperty("alreadySent").GetInt32()));
        Assert.Contains("being sent: 1.", resume.Output);
        Assert.Contains("batch b00000: being sent by another worker", resume.Output);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(outbox, runId), "*.eml").Length);

        // The queue message of that batch, handled by `deliver` (the SendBatch function's twin): being sent, not nothing.
        async Task QueueTheBatchAsync()
        {
            await using var host = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow);
            var planned = (await host.Get<DigestRunStore>().GetAsync(DigestFrequency.Daily, runId["daily-".Length..], TestContext.Current.CancellationToken))!;
            await host.Get<SendBatchQueue>().EnqueueAsync([new SendBatchMessage(runId, planned.PlanId, "b00000")], TestContext.Current.CancellationToken);
        }
        await QueueTheBatchAsync();
        var deliver = await CliRun.RunAsync(settings, "deliver");
        await QueueTheBatchAsync();
        var deliverJson = await CliRun.RunAsync(settings, "deliver", "--json");

        Assert.True(deliver.ExitCode == 0, deliver.ToString());
        Assert.Equal("1 queued batches handled: 1 being sent by another worker.", Assert.Single(deliver.OutputLines));
        Assert.Equal((1, 1), (JsonDocument.Parse(deliverJson.Output).RootElement.GetProperty("handled").GetInt32(),
            JsonDocument.Parse(deliverJson.Output).RootElement.GetProperty("beingSent").GetInt32()));
    }

    /// <summary>A transport whose request never comes back (the worker holding the batch is still at it, or died in it).</summary>
    private sealed class StopsInTheRequest : IMailTransport
    {
        public Task<string> SendAsync(MailBatch batch, CancellationToken ct) => throw new TimeoutException("the worker stopped in the request");
    }

    public void Dispose() => _temp.Dispose();
}
