using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Storage;

namespace Notifications.Web;

/// <summary>
/// Reads an article's file for its page, bounded: at most <see cref="ArticleOptions.MaxBytes"/> + 1 bytes (one more than the parser
/// accepts, so a file that grew past the limit is refused by the parser rather than cut); null when the file is gone.
/// </summary>
internal sealed class ArticleBlobReader(StorageResources storage, IOptions<ArticleOptions> options)
{
    public async Task<byte[]?> ReadAsync(string blobName, CancellationToken ct)
    {
        var limit = (long)options.Value.MaxBytes + 1;
        await storage.EnsureCreatedAsync();
        try
        {
            var download = await storage.Articles.GetBlobClient(blobName).DownloadStreamingAsync(cancellationToken: ct);
            await using var stream = download.Value.Content;
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while (buffer.Length < limit
                && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), ct)) > 0)
                buffer.Write(chunk, 0, read);
            return buffer.ToArray();
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound || e.Status == 404)
        {
            return null;
        }
    }
}
