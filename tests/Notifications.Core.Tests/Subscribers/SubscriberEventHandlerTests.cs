using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>What the provider reports about a recipient, applied to the subscriber (<see cref="IRecipientEventHandler"/>), on Azurite.</summary>
public sealed class SubscriberEventHandlerTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RecipientEvent Reported(Subscriber s, RecipientFact fact, string name) => new(s.Id, fact, "sendgrid", name, "ev-" + name, s.Email);

    [Fact]
    public async Task ABounceMakesTheSubscriberBouncedAndSaysSoInTheirHistoryOnce()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var s = await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("a.karimov@customs.uz.example", "Akmal Karimov", "Customs"), Ct);
        var handler = host.Get<IRecipientEventHandler>();

        var first = await handler.HandleAsync(Reported(s, RecipientFact.Bounced, "bounce"), Ct);
        var again = await handler.HandleAsync(Reported(s, RecipientFact.Bounced, "dropped"), Ct);

        Assert.Equal((RecipientEventOutcome.Changed, RecipientEventOutcome.NoChange), (first, again));
        Assert.Equal(SubscriberStatus.Bounced, (await host.Get<SubscriberStore>().GetAsync(s.Id, Ct))!.Status);
        var entry = Assert.Single(await host.Get<SubscriberAudit>().ListAsync(s.Id, Ct), a => a.Actor == "sendgrid");
        Assert.Equal("bounced", entry.Action);
        Assert.Equal("bounce", entry.Changes["event"]);
        Assert.Equal("active → bounced", entry.Changes["status"]);
    }

    [Theory]
    [InlineData(RecipientFact.Complained, SubscriberStatus.Complained, "complained")]
    [InlineData(RecipientFact.Unsubscribed, SubscriberStatus.Unsubscribed, "unsubscribed")]
    public async Task EachFactHasItsStatus(RecipientFact fact, SubscriberStatus status, string action)
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var s = await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("b.smith@hmrc.example", "Bea Smith", "HMRC"), Ct);

        Assert.Equal(RecipientEventOutcome.Changed, await host.Get<IRecipientEventHandler>().HandleAsync(Reported(s, fact, "x"), Ct));

        Assert.Equal(status, (await host.Get<SubscriberStore>().GetAsync(s.Id, Ct))!.Status);
        Assert.Equal(action, Assert.Single(await host.Get<SubscriberAudit>().ListAsync(s.Id, Ct), a => a.Actor == "sendgrid").Action);
    }

    [Fact]
    public async Task ASubscriberNeverMovesBackUpAndAnUnknownOneIsSaidToBe()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var s = await host.Get<SubscriberStore>().AddAsync(
            new NewSubscriber("c.dupont@douane.example", "Claire Dupont", "Douane", Status: SubscriberStatus.Unsubscribed), Ct);
        var handler = host.Get<IRecipientEventHandler>();

        Assert.Equal(RecipientEventOutcome.NoChange, await handler.HandleAsync(Reported(s, RecipientFact.Bounced, "bounce"), Ct));
        Assert.Equal(RecipientEventOutcome.UnknownRecipient,
            await handler.HandleAsync(Reported(s, RecipientFact.Bounced, "bounce") with { RecipientId = "0123456789abcdef0123456789abcdef" }, Ct));

        Assert.Equal(SubscriberStatus.Unsubscribed, (await host.Get<SubscriberStore>().GetAsync(s.Id, Ct))!.Status);
        Assert.DoesNotContain(await host.Get<SubscriberAudit>().ListAsync(s.Id, Ct), a => a.Actor == "sendgrid");
    }
}
