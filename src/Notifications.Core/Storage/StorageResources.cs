using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Notifications.Storage;

/// <summary>
/// The containers and tables the pipeline uses, created on first use (idempotent, once per process).
/// </summary>
public sealed class StorageResources
{
    private readonly Lock _gate = new();
    private Task? _created;

    public StorageResources(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        var blobs = new BlobServiceClient(o.ConnectionString);
        var tables = new TableServiceClient(o.ConnectionString);
        Articles = blobs.GetBlobContainerClient(o.ArticlesContainer);
        RejectedArticles = blobs.GetBlobContainerClient(o.RejectedArticlesContainer);
        Digests = blobs.GetBlobContainerClient(o.DigestsContainer);
        ArticleIndex = tables.GetTableClient(o.ArticleIndexTable);
        Subscribers = tables.GetTableClient(o.SubscribersTable);
        DigestRuns = tables.GetTableClient(o.DigestRunsTable);
        DeliveryLedger = tables.GetTableClient(o.DeliveryLedgerTable);
        Audit = tables.GetTableClient(o.AuditTable);
    }

    public BlobContainerClient Articles { get; }
    public BlobContainerClient RejectedArticles { get; }
    public BlobContainerClient Digests { get; }
    public TableClient ArticleIndex { get; }
    public TableClient Subscribers { get; }
    public TableClient DigestRuns { get; }
    public TableClient DeliveryLedger { get; }
    public TableClient Audit { get; }

    /// <summary>Creates every container and table that does not exist yet: once per process, again after a failure.</summary>
    public Task EnsureCreatedAsync()
    {
        lock (_gate)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
                _created = CreateAllAsync();
            return _created;
        }
    }

    /// <summary>Deletes every container and table (benchmarks clean up after themselves with this).</summary>
    public async Task DeleteAllAsync()
    {
        await Task.WhenAll(
            Articles.DeleteIfExistsAsync(),
            RejectedArticles.DeleteIfExistsAsync(),
            Digests.DeleteIfExistsAsync(),
            ArticleIndex.DeleteAsync(),
            Subscribers.DeleteAsync(),
            DigestRuns.DeleteAsync(),
            DeliveryLedger.DeleteAsync(),
            Audit.DeleteAsync());
        lock (_gate) _created = null;
    }

    private async Task CreateAllAsync()
    {
        await Task.WhenAll(
            Articles.CreateIfNotExistsAsync(),
            RejectedArticles.CreateIfNotExistsAsync(),
            Digests.CreateIfNotExistsAsync(),
            ArticleIndex.CreateIfNotExistsAsync(),
            Subscribers.CreateIfNotExistsAsync(),
            DigestRuns.CreateIfNotExistsAsync(),
            DeliveryLedger.CreateIfNotExistsAsync(),
            Audit.CreateIfNotExistsAsync());
    }
}
