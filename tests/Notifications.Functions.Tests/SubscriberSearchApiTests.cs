using Microsoft.Extensions.DependencyInjection;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

/// <summary><c>GET /api/manage/subscribers?q=…</c>: a search through the index, with the segment's total and pages.</summary>
public sealed class SubscriberSearchApiTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task QFindsAPartOfTheAddressNameOrOrganisationWithTheTotalAndPages()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var api = ActivatorUtilities.CreateInstance<ManageSubscribers>(host.Services);
        await host.Get<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 7).Select(i =>
            new NewSubscriber($"o{i:D2}@customs.example", $"Official {i}", i < 5 ? "Société Générale des Douanes" : "HM Revenue and Customs",
                Country: i < 5 ? "FR" : "GB")), Ct);

        var emails = new List<string>();
        var totals = new List<int>();
        string? continuation = null;
        do
        {
            var page = await HttpCall.InvokeAsync(host.Services, r => api.List(r, Ct), "GET",
                $"q=societe&sort=email&order=desc&pageSize=2{(continuation is null ? "" : "&continuation=" + continuation)}");
            Assert.Equal(200, page.Status);
            totals.Add(page.Json.GetProperty("total").GetInt32());
            emails.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("email").GetString()!));
            continuation = page.Json.GetProperty("continuation").GetString();
        } while (continuation is not null);
        var organization = await HttpCall.InvokeAsync(host.Services, r => api.List(r, Ct), "GET", "organization=revenue");
        var badSort = await HttpCall.InvokeAsync(host.Services, r => api.List(r, Ct), "GET", "q=x&sort=shoe-size");

        Assert.Equal(["o04@customs.example", "o03@customs.example", "o02@customs.example", "o01@customs.example", "o00@customs.example"], emails);
        Assert.All(totals, t => Assert.Equal(5, t));
        Assert.Equal(2, organization.Json.GetProperty("total").GetInt32());
        Assert.Equal("admin", organization.Json.GetProperty("items")[0].GetProperty("consent").GetProperty("source").GetString());
        Assert.Equal((400, "sort"), (badSort.Status, badSort.Json.GetProperty("field").GetString()));
    }
}
