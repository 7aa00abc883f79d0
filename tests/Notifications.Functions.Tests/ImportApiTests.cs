using Microsoft.Extensions.DependencyInjection;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

public sealed class ImportApiTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DryRunAnswersWithEveryRowsPreviewAndOverwriteSelfChosenIsTrueOrFalse()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var api = ActivatorUtilities.CreateInstance<ManageSubscribers>(host.Services);
        var jane = await host.Get<SubscriberStore>().AddAsync(new NewSubscriber("jane@revenue.example", "Jane", "Revenue office", Country: "GB"), Ct);
        var token = host.Get<SubscriptionTokens>().Issue(jane.Id, TokenPurpose.Preferences);
        await host.Get<SubscriptionSelfService>().UpdatePreferencesAsync(token, new PreferencesChange("weekly", [], "en", "UTC", UnsubscribeAll: false), Ct);
        const string file = "email,name,organization,country,frequency\njane@revenue.example,,,IE,daily\nnew@customs.example,New,Customs,BE,\n";

        var dry = await HttpCall.InvokeAsync(host.Services, r => api.Import(r, Ct), "POST", "dryRun=true", file, "text/csv");
        var overwriting = await HttpCall.InvokeAsync(host.Services, r => api.Import(r, Ct), "POST", "dryRun=true&overwriteSelfChosen=true", file, "text/csv");
        var bad = await HttpCall.InvokeAsync(host.Services, r => api.Import(r, Ct), "POST", "dryRun=true&overwriteSelfChosen=maybe", file, "text/csv");

        Assert.Equal(200, dry.Status);
        var rows = dry.Json.GetProperty("preview").EnumerateArray().ToList();
        Assert.Equal([("jane@revenue.example", "changed"), ("new@customs.example", "new")],
            rows.Select(r => (r.GetProperty("email").GetString(), r.GetProperty("outcome").GetString())));
        Assert.Equal(["country"], rows[0].GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("field").GetString()));
        Assert.Equal("weekly", Assert.Single(rows[0].GetProperty("keptSelfChosen").EnumerateArray()).GetProperty("old").GetString());
        Assert.False(dry.Json.GetProperty("overwriteSelfChosen").GetBoolean());
        var overwritten = overwriting.Json.GetProperty("preview")[0];
        Assert.Equal(["country", "frequency"], overwritten.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("field").GetString()));
        Assert.Equal((400, "overwriteSelfChosen"), (bad.Status, bad.Json.GetProperty("field").GetString()));
        Assert.Equal(DigestFrequency.Weekly, (await host.Get<SubscriberStore>().FindByEmailAsync("jane@revenue.example", Ct))!.Frequency);
    }
}
