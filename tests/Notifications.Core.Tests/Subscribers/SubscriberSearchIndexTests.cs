using Azure.Storage.Blobs;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>
/// The search index on Azurite: what a search finds (substring of address, name or organisation, ignoring case and accents), its
/// filters, order and pages; that it is right after every write path of the store, across two instances, after an erasure (no blob
/// keeps a trace), and when built again from the table.
/// </summary>
public sealed class SubscriberSearchIndexTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly NewSubscriber[] People =
    [
        new("j.smith@hmrc.example", "Jane Smith", "HM Revenue and Customs", "en", DigestFrequency.Daily, Country: "GB",
            Topics: ["e-commerce"]),
        new("m.dupont@douane.example", "Marie Dupont", "Société Générale des Douanes", "fr", DigestFrequency.Weekly, Country: "FR"),
        new("d.karimova@customs.uz.example", "Dilnoza Karimova", "Customs Committee of Uzbekistan", "ru", DigestFrequency.Daily,
            Country: "UZ", Topics: ["data model"]),
        new("a.petrov@fcs.example", "Алексей Петров", "Федеральная таможенная служба", "ru", DigestFrequency.Instant, Country: "RU",
            Status: SubscriberStatus.Suspended),
    ];

    private static async Task<IReadOnlyList<string>> FindAsync(SubscriberSearchIndex index, string text)
        => (await index.SearchAsync(new SubscriberQuery(text), Ct)).Items.Select(c => c.Email).ToList();

    [Fact]
    public async Task FindsAPartOfTheAddressNameOrOrganisationWhateverItsCaseAndAccents()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await host.Get<SubscriberStore>().UpsertManyAsync(People, Ct);
        var index = host.Get<SubscriberSearchIndex>();

        Assert.Equal(["m.dupont@douane.example"], await FindAsync(index, "Societe"));
        Assert.Equal(["m.dupont@douane.example"], await FindAsync(index, "GÉNÉRALE"));
        Assert.Equal(["j.smith@hmrc.example"], await FindAsync(index, "hmrc"));
        Assert.Equal(["j.smith@hmrc.example"], await FindAsync(index, "evenu"));
        Assert.Equal(["d.karimova@customs.uz.example"], await FindAsync(index, "uzbek"));
        Assert.Equal(["a.petrov@fcs.example"], await FindAsync(index, "таможенная"));
        Assert.Equal(["j.smith@hmrc.example"], await FindAsync(index, "jane smith"));
        Assert.Empty(await FindAsync(index, "nobody-by-that-name"));
        // No match across two fields: the end of an address and the start of a name are kept apart.
        Assert.Empty(await FindAsync(index, "examplejane"));
        Assert.Equal(4, (await index.SearchAsync(new SubscriberQuery(), Ct)).Total);
    }

    [Fact]
    public async Task FiltersSortsAndPagesWithTheSegmentsTotal()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        await host.Get<SubscriberStore>().UpsertManyAsync(People, Ct);
        var index = host.Get<SubscriberSearchIndex>();

        Assert.Equal(["d.karimova@customs.uz.example", "j.smith@hmrc.example"],
            (await index.SearchAsync(new SubscriberQuery(Frequency: DigestFrequency.Daily, Sort: SubscriberSort.Email), Ct)).Items.Select(c => c.Email));
        Assert.Equal(["a.petrov@fcs.example"],
            (await index.SearchAsync(new SubscriberQuery(Status: SubscriberStatus.Suspended), Ct)).Items.Select(c => c.Email));
        Assert.Equal(2, (await index.SearchAsync(new SubscriberQuery(Language: "RU"), Ct)).Total);
        Assert.Equal(["FR"], (await index.SearchAsync(new SubscriberQuery(Country: "fr"), Ct)).Items.Select(c => c.Country));
        // A topic finds who chose it and who chose none (all topics), in any spelling.
        var topic = await index.SearchAsync(new SubscriberQuery(Topic: "Data-Model", Sort: SubscriberSort.Email), Ct);
        Assert.Equal(["a.petrov@fcs.example", "d.karimova@customs.uz.example", "m.dupont@douane.example"], topic.Items.Select(c => c.Email));
        await Assert.ThrowsAsync<InvalidSubscriberException>(() => index.SearchAsync(new SubscriberQuery(Topic: "no such topic"), Ct));

        var page = await index.SearchAsync(new SubscriberQuery(Sort: SubscriberSort.Organization, Descending: true, Skip: 1, Take: 2), Ct);
        Assert.Equal(4, page.Total);
        Assert.Equal(["Société Générale des Douanes", "HM Revenue and Customs"], page.Items.Select(c => c.Organization));
        Assert.Equal(4, (await index.AllAsync(Ct)).Count);
    }

    [Fact]
    public async Task IsRightAfterEveryWritePathOfTheStore()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var store = host.Get<SubscriberStore>();
        var index = host.Get<SubscriberSearchIndex>();
        async Task<SubscriberCard?> CardAsync(string email)
            => (await index.SearchAsync(new SubscriberQuery(email), Ct)).Items.SingleOrDefault(c => c.Email == email);

        // Add.
        var jane = await store.AddAsync(People[0], Ct);
        Assert.Equal("Jane Smith", (await CardAsync(jane.Email))?.Name);

        // Update (a new name; a status change with its reason's date).
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await store.UpdateAsync(jane.Id, s => s with { Name = "Jane Smyth", Status = SubscriberStatus.Bounced, StatusReason = "550 5.1.1 unknown" }, Ct);
        var updated = await CardAsync(jane.Email);
        Assert.Equal(("Jane Smyth", SubscriberStatus.Bounced, (DateTimeOffset?)host.Time.GetUtcNow()),
            (updated?.Name, updated?.Status, updated?.StatusChangedAt));
        Assert.Empty(await FindAsync(index, "jane smith"));

        // Write many (replace).
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await store.UpsertManyAsync([People[1], People[2]], Ct);
        Assert.Equal(3, (await index.SearchAsync(new SubscriberQuery(), Ct)).Total);

        // An import merged into stored rows: one that does not set the status keeps the stored one (suspended below).
        var marie = (await store.FindByEmailAsync(People[1].Email, Ct))!;
        await store.UpdateAsync(marie.Id, s => s with { Status = SubscriberStatus.Suspended }, Ct);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var imported = store.Create(People[1] with { Organization = "Douanes de France" }, "import");
        await store.MergeImportedAsync([(imported, false)], Ct);
        var merged = await CardAsync(marie.Email);
        Assert.Equal(("Douanes de France", SubscriberStatus.Suspended), (merged?.Organization, merged?.Status));
        Assert.Equal((await store.GetAsync(marie.Id, Ct))!.Status, merged?.Status);

        // Delete.
        await store.DeleteAsync(marie.Id, Ct);
        Assert.Null(await CardAsync(marie.Email));

        // An id move (notify subscribers migrate-ids): the card under the new id, none under the old.
        var dilnoza = (await store.FindByEmailAsync(People[2].Email, Ct))!;
        var newId = new string('f', dilnoza.Id.Length);
        await store.CopyToNewIdAsync(dilnoza, newId, Ct);
        await store.DeleteOldRowAsync(dilnoza.Id, Ct);
        Assert.Equal(newId, (await CardAsync(dilnoza.Email))?.Id);
        Assert.Equal(2, (await index.SearchAsync(new SubscriberQuery(), Ct)).Total);

        // What the index holds is what the table holds.
        var table = (await store.ListAsync(Ct)).Select(s => (s.Id, s.Email, s.Name, s.Organization, s.Status)).Order().ToList();
        var cards = (await index.AllAsync(Ct)).Select(c => (c.Id, c.Email, c.Name, c.Organization, c.Status)).Order().ToList();
        Assert.Equal(table, cards);
    }

    [Fact]
    public async Task TwoInstancesSeeEachOthersChanges()
    {
        var settings = TestSettings.For(azurite);
        await using var one = await TestHost.StartAsync(settings);
        await using var two = await TestHost.StartAsync(settings);
        await one.Get<SubscriberStore>().UpsertManyAsync(People, Ct);
        Assert.Equal(["m.dupont@douane.example"], await FindAsync(two.Get<SubscriberSearchIndex>(), "societe"));

        var marie = (await two.Get<SubscriberStore>().FindByEmailAsync(People[1].Email, Ct))!;
        two.Time.Advance(TimeSpan.FromMinutes(1));
        await two.Get<SubscriberStore>().UpdateAsync(marie.Id, s => s with { Organization = "Direction générale des douanes" }, Ct);
        Assert.Empty(await FindAsync(one.Get<SubscriberSearchIndex>(), "societe"));
        Assert.Equal(["m.dupont@douane.example"], await FindAsync(one.Get<SubscriberSearchIndex>(), "direction generale"));

        // A compaction by one (here a rebuild) and a write by the other after it: both see both.
        await one.Get<SubscriberSearchIndex>().RebuildAsync(Ct);
        await two.Get<SubscriberStore>().AddAsync(new NewSubscriber("new@customs.example", "Nour Ahmed", "Customs of Jordan"), Ct);
        Assert.Equal(["new@customs.example"], await FindAsync(one.Get<SubscriberSearchIndex>(), "jordan"));
        Assert.Equal(5, (await two.Get<SubscriberSearchIndex>().SearchAsync(new SubscriberQuery(), Ct)).Total);
    }

    [Fact]
    public async Task ErasureLeavesNoTraceOfThePersonInAnyBlobOfTheIndex()
    {
        var settings = TestSettings.For(azurite);
        await using var host = await TestHost.StartAsync(settings);
        await using var other = await TestHost.StartAsync(settings);
        var store = host.Get<SubscriberStore>();
        var email = $"zq.{Guid.NewGuid().ToString("N")[..10]}@customs.example";
        var name = "Zebulon " + Guid.NewGuid().ToString("N")[..8];
        await store.UpsertManyAsync([.. People, new NewSubscriber(email, name, "Customs Administration")], Ct);
        var id = store.IdOf(email);
        // Several entries naming them: the snapshot (after a rebuild) and the log (changes since).
        await host.Get<SubscriberSearchIndex>().RebuildAsync(Ct);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await store.UpdateAsync(id, s => s with { Organization = "Customs Administration of " + name }, Ct);
        Assert.Single(await FindAsync(other.Get<SubscriberSearchIndex>(), name));

        await host.Get<SubscriberAdmin>().EraseAsync(email, "admin@secretariat.example", Ct);

        var container = new BlobServiceClient(settings["AzureWebJobsStorage"]).GetBlobContainerClient(settings["Storage:SubscriberIndexContainer"]);
        var blobs = 0;
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: Ct))
        {
            var text = System.Text.Encoding.UTF8.GetString(
                StorageScan.Gunzipped((await container.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToArray()));
            Assert.DoesNotContain(email, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(name, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(id, text, StringComparison.Ordinal);
            blobs++;
        }
        Assert.True(blobs >= 2, $"the index's blobs were read ({blobs})");
        Assert.Empty(await FindAsync(other.Get<SubscriberSearchIndex>(), name));
        Assert.Empty(await FindAsync(host.Get<SubscriberSearchIndex>(), "zebulon"));
        Assert.Equal(4, (await other.Get<SubscriberSearchIndex>().SearchAsync(new SubscriberQuery(), Ct)).Total);
    }

    [Fact]
    public async Task IsBuiltFromTheTableWhenMissingAndOnRebuild()
    {
        var settings = TestSettings.For(azurite);
        await using var host = await TestHost.StartAsync(settings);
        await host.Get<SubscriberStore>().UpsertManyAsync(People, Ct);
        var container = new BlobServiceClient(settings["AzureWebJobsStorage"]).GetBlobContainerClient(settings["Storage:SubscriberIndexContainer"]);
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: Ct))
            await container.GetBlobClient(blob.Name).DeleteAsync(cancellationToken: Ct);

        // Another instance (nothing in memory) finds the index missing and builds it from the table.
        await using var other = await TestHost.StartAsync(settings);
        Assert.Equal(["m.dupont@douane.example"], await FindAsync(other.Get<SubscriberSearchIndex>(), "societe"));
        Assert.Equal(4, await other.Get<SubscriberSearchIndex>().RebuildAsync(Ct));
        Assert.Equal(4, (await host.Get<SubscriberSearchIndex>().SearchAsync(new SubscriberQuery(), Ct)).Total);
    }
}
