using Notifications.Storage;

namespace Notifications.Articles;

/// <summary>What an editor does: put a file into the <c>articles</c> container.</summary>
public sealed class ArticlePublisher(StorageResources storage)
{
    public async Task PublishAsync(string blobName, Stream content, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await storage.Articles.GetBlobClient(blobName).UploadAsync(content, overwrite: true, ct);
    }

}
