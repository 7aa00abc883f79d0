using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

public sealed class PendingSubscriptionCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task SendConfirmationsDrainsTheQueueOnceAndPurgePendingKeepsLiveRequests()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        await using (var host = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow))
        {
            var outcome = await host.Get<SubscriptionSelfService>().SubscribeAsync("l.peeters@douane.example", "Lotte Peeters", "Belgian Customs",
                "BE", "fr", DigestFrequency.Weekly, null, "203.0.113.9", TestContext.Current.CancellationToken);
            Assert.Equal(SubscribeOutcome.Accepted, outcome);
        }

        var send = await CliRun.RunAsync(settings, "subscribers", "send-confirmations");
        var again = await CliRun.RunAsync(settings, "subscribers", "send-confirmations");
        var purge = await CliRun.RunAsync(settings, "subscribers", "purge-pending");

        Assert.True(send.ExitCode == 0, send.ToString());
        Assert.Equal("1 subscribe requests handled: 1 confirmation emails sent.", Assert.Single(send.OutputLines));
        Assert.Equal("The subscribe-confirmations queue is empty.", Assert.Single(again.OutputLines));
        var mail = Assert.Single(OutboxMail.ReadAll(_temp.Combine("outbox")));
        Assert.Equal(("", "l.peeters@douane.example"), mail.Recipient());
        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.Equal("Purged 0 expired subscribe requests and 0 never-confirmed pending subscribers.", Assert.Single(purge.OutputLines));
    }

    [Fact]
    public async Task SendConfirmationsAfterAKilledDrainReportsTheMessagesInFlightInsteadOfAnEmptyQueue()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        await using (var killed = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow))
        {
            var queue = killed.Get<SubscribeConfirmationQueue>();
            await queue.EnqueueAsync(new SubscribeConfirmationMessage("s1", "r1"), TestContext.Current.CancellationToken);
            await queue.EnqueueAsync(new SubscribeConfirmationMessage("s2", "r2"), TestContext.Current.CancellationToken);
            await queue.DrainAsync(
                (_, _) => throw new InvalidOperationException("the process was killed"),
                SubscribeConfirmationQueue.VisibilityTimeout,
                TestContext.Current.CancellationToken);
        }

        var send = await CliRun.RunAsync(settings, "subscribers", "send-confirmations");

        Assert.True(send.ExitCode == 75, send.ToString());
        Assert.StartsWith("No message ready on the subscribe-confirmations queue: 2 messages in flight (taken by another reader and not yet done), " +
            "visible again in ≤ 1 min",
            Assert.Single(send.OutputLines));
    }

    [Fact]
    public async Task RemovingSomeoneWithOnlyAPendingRequestErasesItAndSaysNoSuppressionWasKept()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        await using (var host = await TestHost.StartAsync(settings, DateTimeOffset.UtcNow))
            await host.Get<SubscriptionSelfService>().SubscribeAsync("l.peeters@douane.example", "Lotte Peeters", "Belgian Customs",
                "BE", "fr", DigestFrequency.Weekly, null, "203.0.113.9", TestContext.Current.CancellationToken);

        var remove = await CliRun.RunAsync(settings, "subscribers", "remove", "l.peeters@douane.example", "--yes");
        var again = await CliRun.RunAsync(settings, "subscribers", "remove", "l.peeters@douane.example", "--yes");
        var add = await CliRun.RunAsync(
            settings, "subscribers", "add", "--email", "l.peeters@douane.example", "--name", "Lotte Peeters", "--organization", "Belgian Customs");

        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Contains("subscribe requests 1", remove.Output);
        Assert.Contains("Kept: no suppression entry", remove.Output);
        Assert.Equal(1, again.ExitCode); // nothing left of them
        Assert.True(add.ExitCode == 0, add.ToString()); // no override needed
    }

    public void Dispose() => _temp.Dispose();
}
