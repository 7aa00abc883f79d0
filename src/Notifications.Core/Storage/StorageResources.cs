using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Notifications.Storage;

/// <summary>
/// The containers and tables the pipeline uses, created on first use (idempotent, once per process), reached with a connection
/// string or, in Azure, with the function app's managed identity (see <see cref="StorageConnection"/>).
/// </summary>
public sealed class StorageResources
{
    private readonly Lock _gate = new();
    private Task? _created;

    /// <param name="tablePolicies">Extra policies for the table clients (<see cref="TablePipelinePolicy"/>): none in production.</param>
    public StorageResources(IOptions<StorageOptions> options, IEnumerable<TablePipelinePolicy>? tablePolicies = null)
    {
        var o = options.Value;
        Connection = o.Connection;
        // Base64, as the Functions queue trigger expects by default.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var tableOptions = new TableClientOptions();
        foreach (var policy in tablePolicies ?? [])
            tableOptions.AddPolicy(policy.Policy, policy.Position);
        BlobServiceClient blobs;
        TableServiceClient tables;
        QueueServiceClient queues;
        if (Connection.ConnectionString is { } connectionString)
        {
            blobs = new BlobServiceClient(connectionString);
            tables = new TableServiceClient(connectionString, tableOptions);
            queues = new QueueServiceClient(connectionString, queueOptions);
        }
        else
        {
            // Identity-based (Azure: the function app's managed identity; shared keys are off on the account).
            Credential = Connection.CreateCredential();
            blobs = new BlobServiceClient(Connection.BlobServiceUri, Credential);
            tables = new TableServiceClient(Connection.TableServiceUri, Credential, tableOptions);
            queues = new QueueServiceClient(Connection.QueueServiceUri, Credential, queueOptions);
        }
        SendBatches = queues.GetQueueClient(o.SendBatchesQueue);
        SendBatchesPoison = queues.GetQueueClient(o.SendBatchesQueue + "-poison");
        AlertsDue = queues.GetQueueClient(o.AlertsDueQueue);
        AlertsDuePoison = queues.GetQueueClient(o.AlertsDueQueue + "-poison");
        Articles = blobs.GetBlobContainerClient(o.ArticlesContainer);
        RejectedArticles = blobs.GetBlobContainerClient(o.RejectedArticlesContainer);
        Digests = blobs.GetBlobContainerClient(o.DigestsContainer);
        Templates = blobs.GetBlobContainerClient(o.TemplatesContainer);
        SubscriberIndex = blobs.GetBlobContainerClient(o.SubscriberIndexContainer);
        Imports = blobs.GetBlobContainerClient(o.ImportsContainer);
        ArticleIndex = tables.GetTableClient(o.ArticleIndexTable);
        Subscribers = tables.GetTableClient(o.SubscribersTable);
        DigestRuns = tables.GetTableClient(o.DigestRunsTable);
        DigestWatermarks = tables.GetTableClient(o.DigestWatermarksTable);
        DeliveryLedger = tables.GetTableClient(o.DeliveryLedgerTable);
        Audit = tables.GetTableClient(o.AuditTable);
        DeliveryEvents = tables.GetTableClient(o.DeliveryEventsTable);
        DeliveryCounters = tables.GetTableClient(o.DeliveryCountersTable);
        Suppressions = tables.GetTableClient(o.SuppressionsTable);
        SubscribeRequests = tables.GetTableClient(o.SubscribeRequestsTable);
        AddressChanges = tables.GetTableClient(o.AddressChangesTable);
        RecipientTimeline = tables.GetTableClient(o.RecipientTimelineTable);
        SubscriberSlots = tables.GetTableClient(o.SubscriberSlotsTable);
        SubscribeConfirmations = queues.GetQueueClient(o.SubscribeConfirmationsQueue);
        SubscribeConfirmationsPoison = queues.GetQueueClient(o.SubscribeConfirmationsQueue + "-poison");
    }

    /// <summary>How the clients reach the account: a connection string, or service URIs with <see cref="Credential"/>.</summary>
    public StorageConnection Connection { get; }

    /// <summary>The token credential of an identity-based connection; null for a connection string.</summary>
    public TokenCredential? Credential { get; }

    public QueueClient SendBatches { get; }
    public QueueClient SendBatchesPoison { get; }
    /// <summary>One message per translation group whose alert waits for its translations (its key only), visible when the wait ends.</summary>
    public QueueClient AlertsDue { get; }
    public QueueClient AlertsDuePoison { get; }
    public BlobContainerClient Articles { get; }
    public BlobContainerClient RejectedArticles { get; }
    public BlobContainerClient Digests { get; }
    /// <summary>Template overrides uploaded by admins, and the reports on those that were rejected.</summary>
    public BlobContainerClient Templates { get; }
    /// <summary>The subscriber search index's snapshot and change logs (<see cref="Subscribers.SubscriberSearchIndex"/>).</summary>
    public BlobContainerClient SubscriberIndex { get; }
    /// <summary>Import files between the console's preview and apply, and import results (<see cref="Subscribers.ImportUploads"/>).</summary>
    public BlobContainerClient Imports { get; }
    public TableClient ArticleIndex { get; }
    public TableClient Subscribers { get; }
    public TableClient DigestRuns { get; }
    /// <summary>Per subscriber, the end of the last window their digests covered.</summary>
    public TableClient DigestWatermarks { get; }
    public TableClient DeliveryLedger { get; }
    public TableClient Audit { get; }
    /// <summary>SendGrid webhook events as received (deduplication by sg_event_id), kept 30 days.</summary>
    public TableClient DeliveryEvents { get; }
    /// <summary>SendGrid event counts per digest run, and per batch the evidence that SendGrid accepted it (<see cref="Delivery.DeliveryEvidence"/>).</summary>
    public TableClient DeliveryCounters { get; }
    /// <summary>Erased addresses not to re-subscribe without an override (keyed hash, reason, date).</summary>
    public TableClient Suppressions { get; }
    /// <summary>Subscribe requests waiting for their confirmation link (the subscriber record is not touched until then).</summary>
    public TableClient SubscribeRequests { get; }
    /// <summary>Address changes waiting for the new address to confirm them (<see cref="StorageOptions.AddressChangesTable"/>).</summary>
    public TableClient AddressChanges { get; }
    /// <summary>Per subscriber, per run, the SendGrid events of their digest (<see cref="StorageOptions.RecipientTimelineTable"/>).</summary>
    public TableClient RecipientTimeline { get; }
    /// <summary>The slot index's cards, groups, locators, write log and build state (<see cref="StorageOptions.SubscriberSlotsTable"/>).</summary>
    public TableClient SubscriberSlots { get; }
    /// <summary>One message per subscribe request (its key only, never the address): the confirmation email to send.</summary>
    public QueueClient SubscribeConfirmations { get; }
    public QueueClient SubscribeConfirmationsPoison { get; }

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
            Templates.DeleteIfExistsAsync(),
            SubscriberIndex.DeleteIfExistsAsync(),
            Imports.DeleteIfExistsAsync(),
            ArticleIndex.DeleteAsync(),
            Subscribers.DeleteAsync(),
            DigestRuns.DeleteAsync(),
            DigestWatermarks.DeleteAsync(),
            DeliveryLedger.DeleteAsync(),
            Audit.DeleteAsync(),
            SendBatches.DeleteIfExistsAsync(),
            SendBatchesPoison.DeleteIfExistsAsync(),
            DeliveryEvents.DeleteAsync(),
            DeliveryCounters.DeleteAsync(),
            Suppressions.DeleteAsync(),
            SubscribeRequests.DeleteAsync(),
            AddressChanges.DeleteAsync(),
            RecipientTimeline.DeleteAsync(),
            SubscriberSlots.DeleteAsync(),
            SubscribeConfirmations.DeleteIfExistsAsync(),
            SubscribeConfirmationsPoison.DeleteIfExistsAsync(),
            AlertsDue.DeleteIfExistsAsync(),
            AlertsDuePoison.DeleteIfExistsAsync());
        lock (_gate) _created = null;
    }

    private async Task CreateAllAsync()
    {
        await Task.WhenAll(
            Articles.CreateIfNotExistsAsync(),
            RejectedArticles.CreateIfNotExistsAsync(),
            Digests.CreateIfNotExistsAsync(),
            Templates.CreateIfNotExistsAsync(),
            SubscriberIndex.CreateIfNotExistsAsync(),
            Imports.CreateIfNotExistsAsync(),
            ArticleIndex.CreateIfNotExistsAsync(),
            Subscribers.CreateIfNotExistsAsync(),
            DigestRuns.CreateIfNotExistsAsync(),
            DigestWatermarks.CreateIfNotExistsAsync(),
            DeliveryLedger.CreateIfNotExistsAsync(),
            Audit.CreateIfNotExistsAsync(),
            SendBatches.CreateIfNotExistsAsync(),
            SendBatchesPoison.CreateIfNotExistsAsync(),
            DeliveryEvents.CreateIfNotExistsAsync(),
            DeliveryCounters.CreateIfNotExistsAsync(),
            Suppressions.CreateIfNotExistsAsync(),
            SubscribeRequests.CreateIfNotExistsAsync(),
            AddressChanges.CreateIfNotExistsAsync(),
            RecipientTimeline.CreateIfNotExistsAsync(),
            SubscriberSlots.CreateIfNotExistsAsync(),
            SubscribeConfirmations.CreateIfNotExistsAsync(),
            SubscribeConfirmationsPoison.CreateIfNotExistsAsync(),
            AlertsDue.CreateIfNotExistsAsync(),
            AlertsDuePoison.CreateIfNotExistsAsync());
    }
}
