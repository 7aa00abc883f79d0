using Notifications.Delivery;
using Azure;
using Azure.Storage.Blobs.Models;
using Notifications.Storage;

namespace Notifications.Digests;

/// <summary>Rendered digests in the <c>digests</c> container (<c>&lt;run id&gt;/subject.txt, digest.html, digest.txt</c>): rendered once, sent by every batch.</summary>
public sealed class DigestArchive(StorageResources storage)
{
    public async Task SaveAsync(string runId, MailContent digest, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await Task.WhenAll(
            Upload($"{runId}/subject.txt", digest.Subject, "text/plain; charset=utf-8", ct),
            Upload($"{runId}/digest.html", digest.Html, "text/html; charset=utf-8", ct),
            Upload($"{runId}/digest.txt", digest.Text, "text/plain; charset=utf-8", ct));
    }

    public async Task<MailContent?> LoadAsync(string runId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        try
        {
            var parts = await Task.WhenAll(Download($"{runId}/subject.txt", ct), Download($"{runId}/digest.html", ct), Download($"{runId}/digest.txt", ct));
            return new MailContent(parts[0], parts[1], parts[2]);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
    }

    private Task Upload(string name, string content, string contentType, CancellationToken ct)
        => storage.Digests.GetBlobClient(name).UploadAsync(BinaryData.FromString(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, ct);

    private async Task<string> Download(string name, CancellationToken ct)
        => (await storage.Digests.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content.ToString();
}
