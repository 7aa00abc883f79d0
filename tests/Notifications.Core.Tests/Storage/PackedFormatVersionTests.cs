using System.Buffers.Binary;
using System.IO.Compression;
using Azure.Data.Tables;
using Notifications.Mail;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Testing;

namespace Notifications.Core.Tests.Storage;

/// <summary>
/// Packed binary rows (watermark shards, ledger addresses) carry a format version byte; rows written before it (gzip right away)
/// still read, and a version this code does not know is an error that names the row and says what to do.
/// </summary>
public sealed class PackedFormatVersionTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private const string Id = "3fa85f6457174562b3fc2c963f66afa6";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TestHost> StartAsync()
    {
        var host = await TestHost.StartAsync(TestSettings.For(azurite), Now);
        await host.Get<StorageResources>().EnsureCreatedAsync();
        return host;
    }

    [Fact]
    public async Task WatermarkShardIsWrittenWithFormatVersionOneAndReadsBack()
    {
        await using var host = await StartAsync();
        var watermarks = host.Get<DigestWatermarks>();
        var shard = await watermarks.ReadAsync("3f", Ct);
        shard.Marks[Id] = new DigestWatermark(Id, Now, Now.AddDays(-1), 42);

        Assert.True(await watermarks.TryWriteAsync(shard, Ct));

        var row = (await host.Get<StorageResources>().DigestWatermarks.GetEntityAsync<TableEntity>("shard", "3f", cancellationToken: Ct)).Value;
        Assert.Equal(1, row.GetBinary("Marks0")[0]);
        Assert.Equal(new DigestWatermark(Id, Now, Now.AddDays(-1), 42), await watermarks.GetAsync(Id, Ct));
    }

    [Fact]
    public async Task WatermarkShardWrittenBeforeFormatVersionsStillReads()
    {
        await using var host = await StartAsync();
        var marks = new byte[36];
        Convert.FromHexString(Id).CopyTo(marks, 0);
        BinaryPrimitives.WriteInt64LittleEndian(marks.AsSpan(16), Now.UtcTicks);
        BinaryPrimitives.WriteInt32LittleEndian(marks.AsSpan(32), 7);
        var row = new TableEntity("shard", "3f");
        WriteAsBeforeVersions(row, "Marks", marks);
        await host.Get<StorageResources>().DigestWatermarks.AddEntityAsync(row, Ct);

        Assert.Equal(new DigestWatermark(Id, Now, null, 7), await host.Get<DigestWatermarks>().GetAsync(Id, Ct));
    }

    [Fact]
    public async Task WatermarkShardOfAnUnknownFormatVersionIsAnErrorNamingTheRow()
    {
        await using var host = await StartAsync();
        var row = new TableEntity("shard", "3f");
        TableBinary.Write(row, "Marks", new byte[36], format: 2);
        await host.Get<StorageResources>().DigestWatermarks.AddEntityAsync(row, Ct);

        var error = await Assert.ThrowsAsync<UnknownFormatException>(() => host.Get<DigestWatermarks>().GetAsync(Id, Ct));

        Assert.Equal("The Marks data of table row (PartitionKey 'shard', RowKey '3f') has format version 2; this version of Notifications " +
                     "reads versions 1 to 1. A newer version of Notifications wrote it: run that version (or a newer one) on this storage; " +
                     "do not edit or delete the row.", error.Message);
    }

    [Fact]
    public async Task LedgerAddressesAreWrittenWithFormatVersionOneAndReadBack()
    {
        await using var host = await StartAsync();
        var ledger = host.Get<DeliveryLedger>();
        var recipient = new PlannedRecipient(Id, "анна@customs.example", "Anne Dupont-Ковалёва", Now.AddHours(-3));

        await ledger.WriteBatchesAsync("run", "p1", 0, [new PlannedBatch("default", [recipient])], Now, Ct);

        var row = (await host.Get<StorageResources>().DeliveryLedger.GetEntityAsync<TableEntity>("run", "p1.b00000", cancellationToken: Ct)).Value;
        Assert.Equal(1, row.GetBinary("Addresses0")[0]);
        Assert.Equal([recipient], (await ledger.GetAsync("run", "p1", "b00000", Ct))!.Planned);
    }

    [Fact]
    public async Task LedgerAddressesWrittenBeforeFormatVersionsStillRead()
    {
        await using var host = await StartAsync();
        var recipient = new PlannedRecipient(Id, "анна@customs.example", "Anne Dupont-Ковалёва", Now.AddHours(-3));
        await host.Get<StorageResources>().DeliveryLedger.AddEntityAsync(LedgerRowAsBeforeVersions(recipient), Ct);

        var batch = await host.Get<DeliveryLedger>().GetAsync("run", "p1", "b00000", Ct);

        Assert.Equal([recipient], batch!.Planned);
        Assert.Equal([Id], batch.RecipientIds);
    }

    [Fact]
    public async Task LedgerAddressesOfAnUnknownFormatVersionAreAnErrorNamingTheRow()
    {
        await using var host = await StartAsync();
        var row = LedgerRowAsBeforeVersions(new PlannedRecipient(Id, "a@customs.example", "A", Now));
        TableBinary.Write(row, "Addresses", [1, 2, 3], format: 9);
        await host.Get<StorageResources>().DeliveryLedger.AddEntityAsync(row, Ct);

        var error = await Assert.ThrowsAsync<UnknownFormatException>(() => host.Get<DeliveryLedger>().GetAsync("run", "p1", "b00000", Ct));

        Assert.StartsWith("The Addresses data of table row (PartitionKey 'run', RowKey 'p1.b00000') has format version 9;", error.Message);
        Assert.Contains("A newer version of Notifications wrote it", error.Message);
    }

    [Fact]
    public void ABytePastTheVersionRangeIsReportedAsNotWrittenByNotifications()
    {
        var row = new TableEntity("shard", "3f") { ["MarksChunks"] = 1, ["Marks0"] = new byte[] { 0xFF, 0x1F, 0x8B } };

        var error = Assert.Throws<UnknownFormatException>(() => TableBinary.Read(row, "Marks", newestFormat: 1));

        Assert.Contains("has format version 255", error.Message);
        Assert.EndsWith("The row is not data Notifications wrote (damaged, or written by hand): restore it from a backup or delete it.", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0x1F)]
    public void AVersionThatCouldNotBeToldFromARowBeforeVersionsIsRefused(byte format)
        => Assert.Throws<ArgumentOutOfRangeException>(() => TableBinary.Write(new TableEntity("p", "r"), "Marks", [1], format));

    /// <summary>A batch row as the ledger wrote it before format versions (its addresses gzip right away).</summary>
    private static TableEntity LedgerRowAsBeforeVersions(PlannedRecipient recipient)
    {
        using var addresses = new MemoryStream();
        using (var writer = new BinaryWriter(addresses, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Convert.FromHexString(recipient.SubscriberId));
            writer.Write(recipient.Email);
            writer.Write(recipient.Name);
            writer.Write(recipient.Version.UtcTicks);
        }
        var row = new TableEntity("run", "p1.b00000")
        {
            ["BatchId"] = "b00000",
            ["Variant"] = "default",
            ["Status"] = nameof(BatchStatus.Planned),
            ["Recipients"] = Convert.FromHexString(recipient.SubscriberId),
            ["RecipientCount"] = 1,
            ["Attempts"] = 0,
            ["PlannedAt"] = Now,
            ["UpdatedAt"] = Now,
        };
        WriteAsBeforeVersions(row, "Addresses", addresses.ToArray());
        return row;
    }

    /// <summary>What TableBinary.Write did before format versions: the data gzip-compressed, in 60 KiB chunks, nothing in front.</summary>
    private static void WriteAsBeforeVersions(TableEntity entity, string name, byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        var packed = buffer.ToArray();
        Assert.Equal(0x1F, packed[0]);
        entity[name + "Chunks"] = 1;
        entity[name + "0"] = packed;
    }
}
