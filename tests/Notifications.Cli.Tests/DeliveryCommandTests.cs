using System.Globalization;
using System.Text.Json;
using Notifications.Delivery;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

public sealed class DeliveryCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task StatusShowsTheBatchesOfARunAndDeliverDrainsTheQueue()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        settings["Delivery:BatchSize"] = "1";
        foreach (var who in new[] { "a", "b", "c" })
            Assert.Equal(0, (await CliRun.RunAsync(
                settings, "subscribers", "add", "--email", $"{who}@customs.example", "--name", who, "--organization", "Org")).ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", _temp.Write("ptc.md", "---\ntitle: PTC session\n---\nBody.\n"))).ExitCode);
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var run = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"));
        var status = await CliRun.RunAsync(settings, "digest", "status", runId, "--json");
        var text = await CliRun.RunAsync(settings, "digest", "status", runId);
        var deliver = await CliRun.RunAsync(settings, "deliver");
        var resume = await CliRun.RunAsync(settings, "digest", "resume", runId);
        var unknown = await CliRun.RunAsync(settings, "digest", "status", "monthly-2026-11");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = JsonDocument.Parse(status.Output).RootElement;
        Assert.Equal(("completed", 3, 3, 0), (json.GetProperty("status").GetString(), json.GetProperty("recipients").GetInt32(),
            json.GetProperty("batches").GetProperty("sent").GetInt32(), json.GetProperty("batches").GetProperty("uncertain").GetInt32()));
        Assert.Equal(0, json.GetProperty("events").GetProperty("delivered").GetInt64());
        Assert.Contains("1 articles, 3 recipients in 3 batches: 3 sent, 0 planned, 0 sending, 0 failed, 0 uncertain.", text.OutputLines);
        Assert.Equal(("The send-batches queue is empty.", 0), (Assert.Single(deliver.OutputLines), deliver.ExitCode));
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Contains("already sent: 3", resume.Output);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_temp.Combine("outbox"), runId), "*.eml").Length);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("not a digest run id", unknown.Error);
    }

    [Fact]
    public async Task StatusAndHistoryShowRecipientsSendGridRefused()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite, _temp.Combine("outbox")).WithSendGrid(sendGrid);
        foreach (var who in new[] { "a", "b", "c" })
            Assert.Equal(0, (await CliRun.RunAsync(
                settings, "subscribers", "add", "--email", $"{who}@customs.example", "--name", who, "--organization", "Org")).ExitCode);
        sendGrid.RefuseAddresses("b@customs.example");
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", _temp.Write("ptc.md", "---\ntitle: PTC session\n---\nBody.\n"))).ExitCode);
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var run = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"));
        var status = await CliRun.RunAsync(settings, "digest", "status", runId, "--json");
        var text = await CliRun.RunAsync(settings, "digest", "status", runId);
        var show = await CliRun.RunAsync(settings, "subscribers", "show", "b@customs.example");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["a@customs.example", "c@customs.example"], sendGrid.Accepted.SelectMany(r => r.Recipients).Order());
        var refused = Assert.Single(JsonDocument.Parse(status.Output).RootElement.GetProperty("refused").EnumerateArray());
        Assert.Equal(("b***@customs.example", "Does not contain a valid address."),
            (refused.GetProperty("email").GetString(), refused.GetProperty("reason").GetString()));
        Assert.Contains("1 recipients refused by the provider (not sent; the rest of their batch was). Correct or remove their address:", text.OutputLines);
        Assert.Contains(text.OutputLines,
            l => l.Contains("(b***@customs.example) in batch b00000: Does not contain a valid address.", StringComparison.Ordinal));
        Assert.Contains("refused", show.Output);
        Assert.Contains("Does not contain a valid address.", show.Output);
    }

    [Fact]
    public async Task DeliverAfterAKilledDeliverReportsTheMessagesInFlightInsteadOfAnEmptyQueue()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        // A `deliver` took four messages off the queue (hidden for its 5 minutes) and was killed before it deleted them.
        await using (var killed = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow))
        {
            var queue = killed.Get<SendBatchQueue>();
            await queue.EnqueueAsync(Enumerable.Range(0, 4).Select(i => new SendBatchMessage("daily-2026-11-26", "plan1", $"b{i:D5}")),
                TestContext.Current.CancellationToken);
            await queue.DrainAsync((_, _) => throw new OperationFailedException(), TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        }

        var text = await CliRun.RunAsync(settings, "deliver");
        var json = await CliRun.RunAsync(settings, "deliver", "--json");

        Assert.True(text.ExitCode == 75, text.ToString());
        Assert.StartsWith(
            "No message ready on the send-batches queue: 4 messages in flight (taken by another reader and not yet done), visible again in ≤ 5 min",
            Assert.Single(text.OutputLines));
        Assert.True(json.ExitCode == 75, json.ToString());
        var result = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal((0, 4, 300), (result.GetProperty("handled").GetInt32(), result.GetProperty("inFlight").GetInt32(),
            result.GetProperty("visibleAgainWithinSeconds").GetInt32()));
    }

    /// <summary>What the killed process was doing when it stopped: the message was taken and never deleted.</summary>
    private sealed class OperationFailedException() : Exception("the process was killed");

    [Fact]
    public async Task StatusSaysWhenTheHourlyTimerRetriesAFailedBatchAndUntilWhen()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite, _temp.Combine("outbox")).WithSendGrid(sendGrid);
        Assert.Equal(0, (await CliRun.RunAsync(
            settings, "subscribers", "add", "--email", "a@customs.example", "--name", "a", "--organization", "Org")).ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", _temp.Write("ptc.md", "---\ntitle: PTC session\n---\nBody.\n"))).ExitCode);
        sendGrid.EnqueueAnswer(401, "The provided authorization grant is invalid, expired, or revoked");
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var run = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"));
        var status = await CliRun.RunAsync(settings, "digest", "status", runId, "--json");
        var text = await CliRun.RunAsync(settings, "digest", "status", runId);

        Assert.Equal(1, run.ExitCode);
        var healing = Assert.Single(JsonDocument.Parse(status.Output).RootElement.GetProperty("healing").EnumerateArray());
        Assert.Equal(("b00000", 1, JsonValueKind.Null),
            (healing.GetProperty("batchId").GetString(), healing.GetProperty("attempts").GetInt32(), healing.GetProperty("gaveUpAt").ValueKind));
        Assert.True(healing.GetProperty("nextRetryAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(20));   // Delivery:HealBackoff, 30 min
        Assert.Contains(text.OutputLines, l => l.Contains("the hourly timer retries it from", StringComparison.Ordinal)
            && l.Contains("until the lateness limit at", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusSaysWhatIsKnownOfAnUncertainBatchAndWhetherTheWebhookIsConfigured()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = TestSettings.For(azurite, _temp.Combine("outbox")).WithSendGrid(sendGrid);
        settings["Delivery:RequestTimeout"] = "00:00:01";
        settings["Delivery:MaxRetries"] = "0";
        Assert.Equal(0, (await CliRun.RunAsync(
            settings, "subscribers", "add", "--email", "a@customs.example", "--name", "a", "--organization", "Org")).ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", _temp.Write("ptc.md", "---\ntitle: PTC session\n---\nBody.\n"))).ExitCode);
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        var runId = "daily-" + at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        sendGrid.EnqueueSlowAnswer(TimeSpan.FromSeconds(3));   // accepted, answered too late: Uncertain

        var run = await CliRun.RunAsync(settings, "digest", "run", "--frequency", "daily", "--at", at.ToString("O"));
        var withoutWebhook = await CliRun.RunAsync(settings, "digest", "status", runId);
        settings.WithEventWebhook(sendGrid);
        var json = JsonDocument.Parse((await CliRun.RunAsync(settings, "digest", "status", runId, "--json")).Output).RootElement;
        await using (var host = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow))
            Assert.Equal(1, await sendGrid.PostEventsAsync(host));
        var afterEvents = await CliRun.RunAsync(settings, "digest", "status", runId);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("1 uncertain batches, what is known:", withoutWebhook.OutputLines);
        Assert.Contains(withoutWebhook.OutputLines,
            l => l.StartsWith("  batch b00000 (1 recipients): uncertain: no evidence can arrive", StringComparison.Ordinal));
        Assert.Contains(withoutWebhook.OutputLines,
            l => l.StartsWith("Event webhook: not configured (SendGrid:WebhookPublicKey is empty)", StringComparison.Ordinal));
        Assert.True(json.GetProperty("webhookConfigured").GetBoolean());
        var uncertain = Assert.Single(json.GetProperty("uncertain").EnumerateArray());
        Assert.Equal(("b00000", "waiting"), (uncertain.GetProperty("batchId").GetString(), uncertain.GetProperty("verdict").GetString()));
        Assert.Contains("no SendGrid event for any of its recipients yet, quiet since", uncertain.GetProperty("explanation").GetString(),
            StringComparison.Ordinal);
        Assert.Contains("1 articles, 1 recipients in 1 batches: 1 sent, 0 planned, 0 sending, 0 failed, 0 uncertain.", afterEvents.OutputLines);
        Assert.DoesNotContain(afterEvents.OutputLines, l => l.Contains("uncertain batches", StringComparison.Ordinal));
    }

    public void Dispose() => _temp.Dispose();
}
