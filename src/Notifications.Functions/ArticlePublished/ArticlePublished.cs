using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;

namespace Notifications.Functions.ArticlePublished;

/// <summary>
/// A file lands in the articles container (<c>Storage:ArticlesContainer</c>): <see cref="Pipeline.ArticlePublished"/> ingests it and
/// alerts it. CLI twin: <c>notify articles publish</c>.
/// </summary>
public sealed class ArticleBlobTrigger(Pipeline.ArticlePublished articlePublished)
{
    [Function("ArticlePublished")]
    public Task Run(
        [BlobTrigger("%Storage:ArticlesContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        CancellationToken cancellationToken)
        => articlePublished.IngestAsync(blob.Name, cancellationToken);
}
