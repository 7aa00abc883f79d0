using Azure;
using Azure.Storage.Blobs.Models;
using Notifications.Storage;
using Notifications.Mail;

namespace Notifications.Digests;

/// <summary>
/// Rendered digests in the <c>digests</c> container (<c>&lt;run id&gt;/&lt;variant&gt;/subject.txt, digest.html, digest.txt</c>, and
/// <c>rendering.json</c>: what it carries): rendered once per variant (language and topic set), sent by every batch of that variant
/// (or, when an article in it was withdrawn, the variant rendered again without it: <see cref="DigestRendering.WithoutId"/>).
/// </summary>
public sealed class DigestArchive(StorageResources storage)
{
    public async Task SaveAsync(string runId, string variant, MailContent digest, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await Task.WhenAll(
            Upload($"{runId}/{variant}/subject.txt", digest.Subject, "text/plain; charset=utf-8", ct),
            Upload($"{runId}/{variant}/digest.html", digest.Html, "text/html; charset=utf-8", ct, KeysMetadata(digest.Placeholders)),
            Upload($"{runId}/{variant}/digest.txt", digest.Text, "text/plain; charset=utf-8", ct));
    }

    /// <summary>Records what the variant's rendering carries (<see cref="DigestRendering"/>), next to it.</summary>
    public async Task SaveRenderingAsync(string runId, string variant, DigestRendering rendering, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await Upload($"{runId}/{variant}/{RenderingBlob}", System.Text.Json.JsonSerializer.Serialize(rendering, RenderingJson), "application/json", ct);
    }

    /// <summary>What the variant's rendering carries; null for a rendering archived before this was recorded (or none).</summary>
    public async Task<DigestRendering?> LoadRenderingAsync(string runId, string variant, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<DigestRendering>(await Download($"{runId}/{variant}/{RenderingBlob}", ct), RenderingJson);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
    }

    private const string RenderingBlob = "rendering.json";
    private static readonly System.Text.Json.JsonSerializerOptions RenderingJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>The variant's rendering; the English variant without topics when <paramref name="variant"/> is not given.</summary>
    public async Task<MailContent?> LoadAsync(string runId, string variant = DigestVariant.Default, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        try
        {
            var html = storage.Digests.GetBlobClient($"{runId}/{variant}/digest.html").DownloadContentAsync(ct);
            var parts = await Task.WhenAll(Download($"{runId}/{variant}/subject.txt", ct), Download($"{runId}/{variant}/digest.txt", ct));
            var details = (await html).Value;
            // Archived before keys had a nonce (no metadata): its keys are the legacy ones.
            // Its greeting key (a language) only when rendered with one.
            var keys = details.Details.Metadata.TryGetValue(KeysNonce, out var nonce) && nonce.Length > 0
                ? new MailPlaceholders(nonce, details.Details.Metadata.TryGetValue(KeysLanguage, out var language) && language.Length > 0 ? language : null)
                : MailPlaceholders.Legacy;
            return new MailContent(parts[0], details.Content.ToString(), parts[1], keys);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
    }

    /// <summary>The blob metadata of digest.html that holds the nonce of the rendering's keys (<see cref="MailPlaceholders"/>).</summary>
    private const string KeysNonce = "keysnonce";

    /// <summary>The blob metadata of digest.html that holds the language of the rendering's greeting key, when it has one.</summary>
    private const string KeysLanguage = "keyslanguage";

    private static Dictionary<string, string>? KeysMetadata(MailPlaceholders? keys)
    {
        if (keys is not { Nonce.Length: > 0 }) return null;
        var metadata = new Dictionary<string, string> { [KeysNonce] = keys.Nonce };
        if (keys.Language is { Length: > 0 } language) metadata[KeysLanguage] = language;
        return metadata;
    }

    private Task Upload(string name, string content, string contentType, CancellationToken ct, IDictionary<string, string>? metadata = null)
        => storage.Digests.GetBlobClient(name).UploadAsync(BinaryData.FromString(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType }, Metadata = metadata }, ct);

    private async Task<string> Download(string name, CancellationToken ct)
        => (await storage.Digests.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content.ToString();
}
