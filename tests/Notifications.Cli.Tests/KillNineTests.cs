using System.Diagnostics;
using System.Globalization;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Testing;
using Notifications.Pipeline;
using Notifications.Subscribers;

namespace Notifications.Cli.Tests;

/// <summary>
/// A real crash: <c>notify digest run</c> as a process of its own, killed with SIGKILL (<c>kill -9</c>) while it plans, while its
/// request is at the SendGrid look-alike (it left, the answer is held back), or while it waits out a 429 (it never left). Then the deployment goes on
/// as it would, in-process: SendGrid posts its events (when the webhook is on) and the hourly ticks revisit the run. Nobody twice, and
/// nobody lost unless reported uncertain.
/// </summary>
public sealed class KillNineTests(AzuriteFixture azurite) : IDisposable
{
    private const int People = 3;
    private readonly TempFolder _temp = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("during planning", false, false)]
    [InlineData("after the request left", true, false)]
    [InlineData("after the request left", false, false)]
    [InlineData("before the request left", true, true)]
    public async Task AProcessKilledMidSendIsDecidedByEvidenceNeverTwice(string kill, bool webhook, bool autoResend)
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite, _temp.Combine("outbox")).WithSendGrid(sendGrid);
        if (webhook) settings.WithEventWebhook(sendGrid);
        settings["Delivery:ResendUncertainAfterQuietPeriod"] = autoResend ? "true" : "false";
        settings["Delivery:RequestTimeout"] = "00:03:00";   // the held-back answer is waited for, until the kill
        settings["Delivery:MaxRetries"] = "0";
        settings["Delivery:MaxRateLimitWaits"] = "1";
        settings["Delivery:RequestsPerSecond"] = "0";
        for (var i = 0; i < People; i++)
        {
            var add = await CliRun.RunAsync(settings, "subscribers", "add", "--email", $"official{i}@customs.example", "--name", $"Official {i}",
                "--organization", "Customs Administration");
            Assert.True(add.ExitCode == 0, add.ToString());
        }
        var people = People;
        if (kill == "during planning")
        {
            // Enough subscribers that planning takes a while to kill it in.
            await using var setup = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow);
            await setup.Get<Notifications.Subscribers.SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 500).Select(i =>
                new Notifications.Subscribers.NewSubscriber($"many{i:D4}@customs.example", $"Many {i}", "Customs Administration")), Ct);
            people += 500;
        }
        var publish = await CliRun.RunAsync(settings, "articles", "publish", _temp.Write("ptc.md", "---\ntitle: PTC session\n---\nBody.\n"));
        Assert.True(publish.ExitCode == 0, publish.ToString());
        if (kill == "after the request left")
            sendGrid.EnqueueSlowAnswer(TimeSpan.FromSeconds(20));   // accepted (202 once the wait is over): the mail has left
        else if (kill == "before the request left")
            sendGrid.EnqueueRateLimit(TimeSpan.FromSeconds(50));     // 429: nothing was accepted; the sender waits to retry
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // The process, killed while it plans, or once its request has reached SendGrid.
        await using (var observer = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow))
        using (var process = StartNotify(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O", CultureInfo.InvariantCulture)))
        {
            var runs = observer.Get<DigestRunStore>();
            async Task<bool> TimeToKillAsync() => kill == "during planning"
                ? await runs.GetAsync(DigestFrequency.Daily, runId["daily-".Length..], Ct) is { Status: DigestRunStatus.Planning }
                : sendGrid.Requests.Count > 0;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!await TimeToKillAsync() && !process.HasExited && DateTime.UtcNow < deadline)
                await Task.Delay(20, Ct);
            if (process.HasExited)
                Assert.Fail($"notify exited before it could be killed {kill}: {await process.StandardError.ReadToEndAsync(Ct)}");
            Assert.Equal(kill == "during planning" ? 0 : 1, sendGrid.Requests.Count);
            using (var kill9 = Process.Start("kill", ["-9", process.Id.ToString(CultureInfo.InvariantCulture)])!)
                await kill9.WaitForExitAsync(Ct);
            await process.WaitForExitAsync(Ct);
            Assert.Equal(137, process.ExitCode);   // 128 + SIGKILL: killed, not finished
        }

        // The deployment goes on: events arrive (if the webhook is on), the hourly ticks revisit the run.
        var started = DateTimeOffset.UtcNow;
        foreach (var after in new[] { TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(75), TimeSpan.FromMinutes(135) })
        {
            await using var host = await TestHost.StartAsync(settings, started + after);
            if (webhook && kill == "after the request left")
                await sendGrid.PostEventsAsync(host);
            await host.Get<HourPassed>().RunDueAsync(started + after, Ct);
        }

        var status = await CliRun.RunAsync(settings, "digest", "status", runId);
        TestContext.Current.TestOutputHelper?.WriteLine(
            status.ToString() + "\n" + string.Join("\n", sendGrid.Requests.Select(r => $"{r.Status} {r.ReceivedAt:O} {string.Join(",", r.Recipients)}")));
        var delivered = sendGrid.Requests.Where(r => r.Status == 202).SelectMany(r => r.Recipients).ToList();
        Assert.Equal(delivered.Distinct().Count(), delivered.Count);   // nobody twice
        if (kill == "during planning")
        {
            // Replanned once the planning lease is over, and sent: everyone once.
            Assert.Equal(people, delivered.Distinct().Count());
            Assert.Contains($"Run {runId}: completed", status.Output, StringComparison.Ordinal);
        }
        else if (webhook)
        {
            // Decided by evidence (the request left) or by the quiet period and the automatic resend (it did not): everyone once.
            Assert.Equal(People, delivered.Distinct().Count());
            Assert.Contains($"Run {runId}: completed", status.Output, StringComparison.Ordinal);
        }
        else
        {
            // Without the webhook nothing can be known: reported uncertain, never resent.
            Assert.Single(sendGrid.Requests);
            Assert.Contains("1 uncertain", status.Output, StringComparison.Ordinal);
            Assert.Contains("no evidence can arrive", status.Output, StringComparison.Ordinal);
        }
    }

    /// <summary><c>notify</c> as a process of its own (the CLI built next to the tests), with the test's settings in its environment.</summary>
    private Process StartNotify(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "notify.dll"), .. args])
        {
            WorkingDirectory = _temp.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return Process.Start(start)!;
    }

    public void Dispose() => _temp.Dispose();
}
