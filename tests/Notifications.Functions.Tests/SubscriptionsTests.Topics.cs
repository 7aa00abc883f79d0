using System.Text.Json;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

/// <summary>Topics typed on the subscribe form, posted as JSON, or saved on the preference centre are stored as the topic table's keys.</summary>
public sealed partial class SubscriptionsTests
{
    [Fact]
    public async Task SubscribeFormAndJsonStoreTopicsAsTheirKeys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();

        var form = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST",
            body: "email=a.karimov%40customs.example&name=Aziz+Karimov&organization=State+Customs&language=ru&frequency=daily&topics=Data-Model&" +
                "topics=%D0%BC%D0%BE%D0%B4%D0%B5%D0%BB%D1%8C+%D0%B4%D0%B0%D0%BD%D0%BD%D1%8B%D1%85&topics=NII");
        var json = await CallAsync(c, (f, r, t) => f.Subscribe(r, t), "POST", contentType: "application/json",
            body: """{"email":"m.dubois@douane.example","name":"Marie Dubois","organization":"Douane","language":"fr","topics":["Modèle de données","green_customs"]}""");
        Assert.Equal((200, 202), (form.Status, json.Status));
        await SendConfirmationsAsync(c);
        foreach (var mail in Mails(c))
            Assert.Equal(200, (await CallAsync(c, (f, r, t) => f.Confirm(r, t), "POST", new Uri(ConfirmLink(mail)).Query)).Status);

        Assert.Equal(["data model", "non-intrusive inspection"], (await c.Store.FindByEmailAsync(Email, ct))!.TopicList);
        Assert.Equal(["data model", "green customs"], (await c.Store.FindByEmailAsync("m.dubois@douane.example", ct))!.TopicList);
    }

    [Fact]
    public async Task PreferenceCentreStoresTopicsAsTheirKeysAndShowsThemChecked()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var c = await StartAsync();
        var subscriber = await c.Store.AddAsync(new NewSubscriber(Email, "Aziz Karimov", "State Customs Committee"), ct);
        var token = c.Host.Get<SubscriptionTokens>().Issue(subscriber.Id, TokenPurpose.Preferences);

        var saved = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token,
            body: "frequency=daily&topics=Data_Model&topics=Mod%C3%A8le+de+donn%C3%A9es&topics=TFA&language=en&time_zone=UTC");

        Assert.Equal(200, saved.Status);
        Assert.Equal(["data model", "trade facilitation"], (await c.Store.GetAsync(subscriber.Id, ct))!.TopicList);
        Assert.Matches("<input type=\"checkbox\" id=\"topic-\\d+\" name=\"topics\" value=\"data model\" checked>", saved.Body);

        var bad = await CallAsync(c, (f, r, t) => f.Preferences(r, t), "POST", "?token=" + token,
            body: "frequency=daily&topics=astrology&language=en&time_zone=UTC");
        Assert.Equal(400, bad.Status);
        Assert.Equal(["data model", "trade facilitation"], (await c.Store.GetAsync(subscriber.Id, ct))!.TopicList);
    }
}
