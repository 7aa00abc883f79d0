using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Notifications.Digests;
using Notifications.Pipeline;

namespace Notifications.Functions.Articles;

/// <summary>A file lands in the <c>articles</c> container: ingest it. CLI twin: <c>notify articles publish</c>.</summary>
public sealed class ArticlePublished(InstantAlerts alerts)
{
    [Function(nameof(ArticlePublished))]
    public Task Run(
        [BlobTrigger("articles/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        CancellationToken cancellationToken)
        => alerts.IngestAsync(blob.Name, cancellationToken);
}
