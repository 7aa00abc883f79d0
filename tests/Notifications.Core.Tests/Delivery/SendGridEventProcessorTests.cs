using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Delivery;
using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Delivery;

/// <summary>
/// SendGrid's events as delivery processes them (<see cref="SendGridEventProcessor"/>): recorded once, and what they say about a
/// recipient handed on as a <see cref="RecipientEvent"/> (here to a handler that only records them), on Azurite.
/// </summary>
public sealed class SendGridEventProcessorTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Run = "daily-2026-11-26";
    private static readonly DateTimeOffset At = new(2026, 11, 26, 7, 1, 0, TimeSpan.Zero);

    private sealed class RecordingHandler : IRecipientEventHandler
    {
        public ConcurrentQueue<RecipientEvent> Seen { get; } = new();

        public Task<RecipientEventOutcome> HandleAsync(RecipientEvent e, CancellationToken ct)
        {
            Seen.Enqueue(e);
            return Task.FromResult(RecipientEventOutcome.Changed);
        }
    }

    private static DeliveryEvent Event(string id, string name, string? email, string? subscriberId = null, string? type = null, string? reason = null)
        => new(id, name, type, reason, email, At, Run, "b00000", subscriberId);

    [Fact]
    public async Task EachFactIsHandedOnOnceForTheRecipientTheEventNames()
    {
        var handler = new RecordingHandler();
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite), configure: s => s.AddSingleton<IRecipientEventHandler>(handler));
        var named = "0123456789abcdef0123456789abcdef";
        DeliveryEvent[] events =
        [
            Event("ev-bounce", "bounce", "someone@customs.example", subscriberId: " 0123456789ABCDEF0123456789abcdef", type: "bounce",
                reason: "550 5.1.1 no such user"),
            Event("ev-blocked", "bounce", "someone@customs.example", subscriberId: named, type: "blocked"),
            Event("ev-dropped", "dropped", " A.Karimov@Customs.UZ.example", reason: "Bounced Address"),
            Event("ev-dropped-spam", "dropped", "a.karimov@customs.uz.example", reason: "Spam Content"),
            Event("ev-spam", "spamreport", "b.smith@hmrc.example"),
            Event("ev-group", "group_unsubscribe", "c.dupont@douane.example"),
            Event("ev-delivered", "delivered", "c.dupont@douane.example"),
            Event("ev-nobody", "unsubscribe", "not an address"),
            Event("ev-bounce", "bounce", "someone@customs.example", subscriberId: named, type: "bounce"),
        ];
        var processor = host.Get<SendGridEventProcessor>();

        var summary = await processor.ProcessAsync(events, Ct);
        var again = await processor.ProcessAsync(events, Ct);

        Assert.Equal(new SendGridEventSummary(New: 8, Duplicates: 1, Changed: 4, Unknown: 1), summary);
        Assert.Equal(new SendGridEventSummary(New: 0, Duplicates: 9, Changed: 0, Unknown: 0), again);
        var ids = host.Get<SubscriberStore>();
        Assert.Equal(
            [
                ("ev-bounce", named, RecipientFact.Bounced, "bounce"),
                ("ev-dropped", ids.IdOf("a.karimov@customs.uz.example"), RecipientFact.Bounced, "dropped"),
                ("ev-group", ids.IdOf("c.dupont@douane.example"), RecipientFact.Unsubscribed, "group_unsubscribe"),
                ("ev-spam", ids.IdOf("b.smith@hmrc.example"), RecipientFact.Complained, "spamreport"),
            ],
            handler.Seen.Select(e => (e.EventId, e.RecipientId, e.Fact, e.Event)).OrderBy(e => e.EventId, StringComparer.Ordinal));
        Assert.All(handler.Seen, e => Assert.Equal("sendgrid", e.Source));
        var counters = await host.Get<DeliveryEvents>().CountersAsync(Run, Ct);
        Assert.Equal((1, 1, 2, 1, 1, 1, 1), (counters["bounce"], counters["blocked"], counters["dropped"], counters["spamreport"],
            counters["group_unsubscribe"], counters["delivered"], counters["unsubscribe"]));
    }
}
