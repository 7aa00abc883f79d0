using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>The subscribers as delivery asks about them (<see cref="IRecipientDirectory"/>), on Azurite.</summary>
public sealed class SubscriberDirectoryTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WhoLeftSincePlanningIsLeftOutAndTheOthersGoAsPlannedWithTheirOwnLinks()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        foreach (var (email, name) in new[] { ("a.karimov@customs.uz.example", "Akmal Karimov"), ("b.smith@hmrc.example", "Bea Smith"),
                     ("c.dupont@douane.example", "Claire Dupont"), ("d.ivanova@customs.example", "Daria Ivanova") })
            await store.AddAsync(new NewSubscriber(email, name, "Customs Administration"), Ct);
        var planned = new List<PlannedRecipient>();
        await foreach (var (s, version) in store.StreamAsync(ct: Ct))
            planned.Add(new PlannedRecipient(s.Id, s.Email, s.Name, version));
        planned = [.. planned.OrderBy(p => p.Email, StringComparer.Ordinal)];
        var plannedAt = host.Time.GetUtcNow();

        host.Time.Advance(TimeSpan.FromMinutes(10));
        await store.UpdateAsync(store.IdOf("b.smith@hmrc.example"), s => s with { Status = SubscriberStatus.Unsubscribed }, Ct);
        await store.DeleteAsync(store.IdOf("d.ivanova@customs.example"), Ct);
        var now = await host.Get<IRecipientDirectory>().StillActiveAsync(planned, plannedAt, Ct);

        Assert.Equal(["a.karimov@customs.uz.example", "c.dupont@douane.example"], now.Select(r => r.Email));
        Assert.Equal(["Akmal Karimov", "Claire Dupont"], now.Select(r => r.Name));
        var tokens = host.Get<SubscriptionTokens>();
        static string TokenOf(string? link) => link is null ? "" : link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        Assert.All(now, r =>
        {
            Assert.Equal(r.SubscriberId, tokens.Verify(TokenOf(r.UnsubscribeUrl), TokenPurpose.Unsubscribe).SubscriberId);
            Assert.Equal(r.SubscriberId, tokens.Verify(TokenOf(r.PreferencesUrl), TokenPurpose.Preferences).SubscriberId);
        });
    }

    [Fact]
    public async Task AnAddressHasTheIdOfItsSubscriberAndWhatIsNotAnAddressHasNone()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var directory = host.Get<IRecipientDirectory>();

        Assert.Equal(host.Get<SubscriberStore>().IdOf("a.karimov@customs.uz.example"), directory.IdOf(" A.Karimov@Customs.UZ.example"));
        Assert.Null(directory.IdOf("not an address"));
        Assert.Null(directory.IdOf("a@b@c.example"));
    }
}
