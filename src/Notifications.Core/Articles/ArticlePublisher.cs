using Azure;
using Azure.Storage.Blobs.Models;
using Notifications.Storage;

namespace Notifications.Articles;

/// <summary>
/// The files of the <c>articles</c> container: what an editor does (put a file in, take it out, open it to edit), and the one
/// bounded read that ingest, the desk and the article pages share.
/// </summary>
public sealed class ArticlePublisher(StorageResources storage)
{
    public async Task PublishAsync(string blobName, Stream content, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await storage.Articles.GetBlobClient(blobName).UploadAsync(content, overwrite: true, ct);
    }

    /// <summary>Deletes the file; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string blobName, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        return await storage.Articles.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: ct);
    }

    /// <summary>The file's bytes, at most <paramref name="maxBytes"/> + 1 of them read (more means it is too large); null when there is no such file.</summary>
    public async Task<byte[]?> ReadAsync(string blobName, int maxBytes, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        try
        {
            var download = await storage.Articles.GetBlobClient(blobName).DownloadStreamingAsync(cancellationToken: ct);
            await using var stream = download.Value.Content;
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while (buffer.Length <= maxBytes
                   && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes + 1L - buffer.Length)), ct)) > 0)
                buffer.Write(chunk, 0, read);
            return buffer.ToArray();
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
    }
}
