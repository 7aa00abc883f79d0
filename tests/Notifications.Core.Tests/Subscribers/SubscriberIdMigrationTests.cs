using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>
/// <c>notify subscribers migrate-ids</c> on Azurite: subscribers written under the old id (an unsalted SHA-256 of the address) move,
/// with their audit history and watermark, to the keyed id; old links still find them; running it again changes nothing.
/// </summary>
public sealed class SubscriberIdMigrationTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Through = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Writes subscribers as the old code did: id = SHA-256 of the address, audit and watermark under it.</summary>
    private static async Task<List<Subscriber>> WriteUnderOldIdsAsync(TestHost host, int count)
    {
        var store = host.Get<SubscriberStore>();
        var old = Enumerable.Range(0, count).Select(i =>
        {
            var s = store.Create(new NewSubscriber($"official{i:D3}@customs.example", $"Official {i}", "Customs Administration"), "admin");
            return s with { Id = SubscriberIds.LegacyOf(s.Email) };
        }).ToList();
        await store.WriteManyAsync(old, Ct);
        var watermarks = host.Get<DigestWatermarks>();
        foreach (var s in old)
        {
            await host.Get<SubscriberAudit>().RecordAsync(s.Id, "admin", "created", new Dictionary<string, string> { ["status"] = "active" }, Ct);
            var shard = await watermarks.ReadAsync(DigestWatermarks.ShardOf(s.Id), Ct);
            shard.Marks[s.Id] = new DigestWatermark(s.Id, Through, null, 7);
            Assert.True(await watermarks.TryWriteAsync(shard, Ct));
        }
        return old;
    }

    [Fact]
    public async Task EverySubscriberMovesWithAuditAndWatermarkAndOldIdsStillResolve()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var old = await WriteUnderOldIdsAsync(host, 12);
        var store = host.Get<SubscriberStore>();
        var migration = host.Get<SubscriberIdMigration>();

        var dry = await migration.MigrateAsync(dryRun: true, Ct);
        var report = await migration.MigrateAsync(dryRun: false, Ct);
        var again = await migration.MigrateAsync(dryRun: false, Ct);

        Assert.Equal((12, 12, 0, 0), (dry.Subscribers, dry.Moved, dry.AlreadyKeyed, dry.Unknown));
        Assert.Equal((12, 12, 0, 0), (report.Subscribers, report.Moved, report.AlreadyKeyed, report.Unknown));
        Assert.Equal((12, 0, 12, 0), (again.Subscribers, again.Moved, again.AlreadyKeyed, again.Unknown));
        var listed = await store.ListAsync(Ct);
        Assert.Equal(12, listed.Count);
        foreach (var s in old)
        {
            var newId = store.IdOf(s.Email);
            Assert.NotEqual(s.Id, newId);
            Assert.Contains(listed, l => l.Id == newId && l.Email == s.Email && l.Name == s.Name);
            Assert.Equal(newId, (await store.GetAsync(s.Id, Ct))!.Id); // an old link still finds them
            Assert.Empty(await host.Get<SubscriberAudit>().ListAsync(s.Id, Ct));
            Assert.Single(await host.Get<SubscriberAudit>().ListAsync(newId, Ct), e => e.Action == "created");
            Assert.Null(await host.Get<DigestWatermarks>().GetAsync(s.Id, Ct));
            Assert.Equal(
                (Through, 7),
                ((await host.Get<DigestWatermarks>().GetAsync(newId, Ct))!.Through, (await host.Get<DigestWatermarks>().GetAsync(newId, Ct))!.RunTag));
        }
    }

    [Fact]
    public async Task AMigrationStoppedHalfWayIsFinishedByRunningItAgain()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var old = await WriteUnderOldIdsAsync(host, 3);
        var store = host.Get<SubscriberStore>();
        var first = old[0];
        var newId = store.IdOf(first.Email);
        // Stopped after copying the record (and a change made since through the alias), before the audit, watermark and old row.
        await store.CopyToNewIdAsync(first, newId, Ct);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await store.UpdateAsync(first.Id, s => s with { Name = "Renamed Meanwhile" }, Ct);

        var report = await host.Get<SubscriberIdMigration>().MigrateAsync(dryRun: false, Ct);

        Assert.Equal((4, 3, 1), (report.Subscribers, report.Moved, report.AlreadyKeyed)); // the copy made before counts as keyed
        Assert.Equal(3, (await store.ListAsync(Ct)).Count);
        Assert.Equal("Renamed Meanwhile", (await store.GetAsync(newId, Ct))!.Name); // the row changed last wins
        Assert.NotNull(await host.Get<DigestWatermarks>().GetAsync(newId, Ct));
        Assert.Single(await host.Get<SubscriberAudit>().ListAsync(newId, Ct), e => e.Action == "created");
    }

    [Fact]
    public async Task BeforeMigrationAnAddressUnderItsOldIdIsFoundByEmailAndNotAddedTwice()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var old = (await WriteUnderOldIdsAsync(host, 1))[0];
        var admin = host.Get<SubscriberAdmin>();

        var found = await admin.FindAsync(old.Email.ToUpperInvariant(), Ct);
        var twice = await Assert.ThrowsAsync<InvalidSubscriberException>(() => admin.CreateAsync(new NewSubscriber(old.Email, "Again", "Org"), "admin", Ct));

        Assert.Equal(old.Id, found!.Id);
        Assert.True(twice.IsConflict);
        Assert.Single(await host.Get<SubscriberStore>().ListAsync(Ct));
    }

    [Fact]
    public async Task ErasureAfterMigrationRemovesTheOldIdAlias()
    {
        await using var host = await TestHost.StartAsync(TestSettings.For(azurite));
        var old = await WriteUnderOldIdsAsync(host, 1);
        await host.Get<SubscriberIdMigration>().MigrateAsync(dryRun: false, Ct);

        await host.Get<SubscriberAdmin>().EraseAsync(old[0].Email, "admin", Ct);

        Assert.Null(await host.Get<SubscriberStore>().GetAsync(old[0].Id, Ct));
    }
}
