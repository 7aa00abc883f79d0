using System.Text.Json;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary><c>notify subscribers list --search/--organization/--member</c> through the search index, and <c>notify subscribers reindex</c>.</summary>
public sealed class SubscribersSearchCommandTests(AzuriteFixture azurite) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<Dictionary<string, string?>> SeededAsync()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        await using var host = await TestHost.StartAsync(settings);
        var store = host.Get<SubscriberStore>();
        await store.UpsertManyAsync([
            new("j.smith@hmrc.example", "Jane Smith", "HM Revenue and Customs", Country: "GB"),
            new("m.dupont@douane.example", "Marie Dupont", "Société Générale des Douanes", "fr", Country: "FR"),
            new("d.karimova@customs.uz.example", "Dilnoza Karimova", "Customs Committee of Uzbekistan", "ru", Country: "UZ"),
        ], Ct);
        await store.UpdateAsync(store.IdOf("d.karimova@customs.uz.example"), s => s with { Member = "uz" }, Ct);
        return settings;
    }

    [Fact]
    public async Task ListFindsAPartOfTheOrganizationNameOrAddressIgnoringCaseAndAccents()
    {
        var settings = await SeededAsync();

        var organization = await CliRun.RunAsync(settings, "subscribers", "list", "--organization", "hmrc");
        var revenue = await CliRun.RunAsync(settings, "subscribers", "list", "--organization", "revenue");
        var societe = await CliRun.RunAsync(settings, "subscribers", "list", "--search", "SOCIETE", "--json");
        var member = await CliRun.RunAsync(settings, "subscribers", "list", "--member", "uz");
        var limited = await CliRun.RunAsync(settings, "subscribers", "list", "--sort", "name", "--descending", "--limit", "1");
        var badSort = await CliRun.RunAsync(settings, "subscribers", "list", "--sort", "shoe-size");

        // "hmrc" is not in the organisation ("HM Revenue and Customs"): only in the address, which --organization does not look at.
        Assert.True(organization.ExitCode == 0, organization.ToString());
        Assert.Empty(organization.OutputLines);
        Assert.Contains("j.smith@hmrc.example", Assert.Single(revenue.OutputLines));
        Assert.True(societe.ExitCode == 0, societe.ToString());
        var json = Assert.Single(JsonDocument.Parse(societe.Output).RootElement.EnumerateArray());
        Assert.Equal(("m.dupont@douane.example", "admin"),
            (json.GetProperty("email").GetString(), json.GetProperty("consent").GetProperty("source").GetString()));
        Assert.Contains("d.karimova@customs.uz.example  Dilnoza Karimova (Customs Committee of Uzbekistan)  [uz]", Assert.Single(member.OutputLines));
        Assert.Contains("Marie Dupont", Assert.Single(limited.OutputLines));
        Assert.Contains("1 of 3 shown", limited.Error);
        Assert.NotEqual(0, badSort.ExitCode);
        Assert.Contains("--sort 'shoe-size' is not supported", badSort.Error);
    }

    [Fact]
    public async Task ReindexBuildsTheIndexFromTheTable()
    {
        var settings = await SeededAsync();

        var reindex = await CliRun.RunAsync(settings, "subscribers", "reindex");
        var found = await CliRun.RunAsync(settings, "subscribers", "list", "--search", "uzbek");

        Assert.True(reindex.ExitCode == 0, reindex.ToString());
        Assert.StartsWith("Search index rebuilt: 3 subscribers", reindex.Output);
        Assert.Contains("d.karimova@customs.uz.example", Assert.Single(found.OutputLines));
    }

    [Fact]
    public async Task ReindexBuildsTheSlotIndexOfAStoreFromBeforeIt()
    {
        var settings = await SeededAsync();
        await using (var host = await TestHost.StartAsync(settings))
        {
            var slots = host.Get<Notifications.Storage.StorageResources>().SubscriberSlots;
            await foreach (var e in slots.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: Ct))
                await slots.DeleteEntityAsync(e.PartitionKey, e.RowKey, Azure.ETag.All, Ct);
        }

        var reindex = await CliRun.RunAsync(settings, "subscribers", "reindex");

        Assert.True(reindex.ExitCode == 0, reindex.ToString());
        Assert.Contains("Slot index rebuilt: 3 subscribers", reindex.Output);
        await using var after = await TestHost.StartAsync(settings);
        var index = after.Get<SubscriberSlotIndex>();
        Assert.True(await index.IsBuiltAsync(Ct));
        var due = new List<Subscriber>();
        await foreach (var (s, _) in index.StreamDueAsync(DigestFrequency.Daily, [new SlotGroup(DigestFrequency.Daily, "UTC", null, null)],
                           after.Time.GetUtcNow().AddHours(1), Ct))
            due.Add(s);
        Assert.Equal(3, due.Count);
        Assert.Equal(0, index.Reads.FullReads);
    }
}
