using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs.Models;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>An uploaded import file waiting between its preview and the admin's "apply": its id and the SHA-256 of its bytes.</summary>
public sealed record ImportUpload(string Id, string Sha256, string FileName, int Bytes);

/// <summary>
/// The console's import files between preview and apply (<c>upload/&lt;id&gt;.csv</c>), and the results of applied imports
/// (<c>result/&lt;id&gt;.json</c>), in the <c>imports</c> container (<c>Storage:ImportsContainer</c>). Short-lived: an upload is
/// good for <see cref="UploadLifetime"/> and goes once applied, a result stays <see cref="ResultLifetime"/>; older ones are deleted
/// whenever an upload is saved. Apply reads the stored bytes back only when their SHA-256 is the one the preview showed and the same
/// admin asks, so what is applied is the file that was previewed. Erasure (<see cref="IPersonalDataStore"/>) deletes every upload
/// and result that holds the person's address or name.
/// </summary>
public sealed class ImportUploads(StorageResources storage, TimeProvider time) : IPersonalDataStore
{
    public static readonly TimeSpan UploadLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan ResultLifetime = TimeSpan.FromDays(1);

    private const string UploadPrefix = "upload/";
    private const string ResultPrefix = "result/";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Addresses as they are (no \u002B for '+'), so that erasure finds them in the text.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Keeps the file for its apply, after deleting what has expired.</summary>
    public async Task<ImportUpload> SaveAsync(byte[] content, string fileName, string actor, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await PurgeAsync(ct);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var upload = new ImportUpload(id, Sha256Of(content), Path.GetFileName(fileName.Trim()) is { Length: > 0 } name ? name : "import.csv", content.Length);
        await storage.Imports.GetBlobClient(UploadPrefix + id + ".csv").UploadAsync(new BinaryData(content), new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string>
            {
                ["sha256"] = upload.Sha256,
                ["actor"] = ActorKey(actor),
                ["filename"] = Uri.EscapeDataString(upload.FileName),
                ["expires"] = (time.GetUtcNow() + UploadLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            },
        }, ct);
        return upload;
    }

    /// <summary>The upload's bytes, when it exists, has not expired, was uploaded by this actor and still has this SHA-256; else null.</summary>
    public async Task<(ImportUpload Upload, byte[] Content)?> ReadAsync(string? id, string? sha256, string actor, CancellationToken ct = default)
    {
        if (!IsId(id) || string.IsNullOrEmpty(sha256)) return null;
        await storage.EnsureCreatedAsync();
        try
        {
            var download = await storage.Imports.GetBlobClient(UploadPrefix + id + ".csv").DownloadContentAsync(ct);
            var metadata = download.Value.Details.Metadata;
            var content = download.Value.Content.ToArray();
            if (Meta(metadata, "actor") != ActorKey(actor) || Expired(metadata)) return null;
            var hash = Sha256Of(content);
            if (!string.Equals(hash, sha256, StringComparison.OrdinalIgnoreCase) || Meta(metadata, "sha256") != hash) return null;
            return (new ImportUpload(id!, hash, Uri.UnescapeDataString(Meta(metadata, "filename") ?? "import.csv"), content.Length), content);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes the upload (once applied, it is not needed any more).</summary>
    public async Task DeleteUploadAsync(string id, CancellationToken ct = default)
    {
        if (IsId(id))
            await storage.Imports.DeleteBlobIfExistsAsync(UploadPrefix + id + ".csv", cancellationToken: ct);
    }

    /// <summary>Keeps what an applied import did, for the admin who ran it to see and download.</summary>
    public async Task SaveResultAsync(string id, ImportReport report, string actor, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await storage.Imports.GetBlobClient(ResultPrefix + id + ".json").UploadAsync(BinaryData.FromObjectAsJson(report, Json), new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string>
            {
                ["actor"] = ActorKey(actor),
                ["expires"] = (time.GetUtcNow() + ResultLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            },
        }, ct);
    }

    /// <summary>The result of an applied import for the admin who ran it; null when it is not theirs, expired or erased.</summary>
    public async Task<ImportReport?> ReadResultAsync(string? id, string actor, CancellationToken ct = default)
    {
        if (!IsId(id)) return null;
        await storage.EnsureCreatedAsync();
        try
        {
            var download = await storage.Imports.GetBlobClient(ResultPrefix + id + ".json").DownloadContentAsync(ct);
            var metadata = download.Value.Details.Metadata;
            if (Meta(metadata, "actor") != ActorKey(actor) || Expired(metadata)) return null;
            return download.Value.Content.ToObjectFromJson<ImportReport>(Json);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes every upload and result past its time.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var deleted = 0;
        await foreach (var blob in storage.Imports.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, ct))
            if (Expired(blob.Metadata) && (await storage.Imports.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct)).Value)
                deleted++;
        return deleted;
    }

    async Task<ErasureStep> IPersonalDataStore.ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var removed = 0;
        await foreach (var blob in storage.Imports.GetBlobsAsync(cancellationToken: ct))
        {
            var content = await storage.Imports.GetBlobClient(blob.Name).DownloadContentAsync(ct);
            if (subscriber.IsIn(Encoding.UTF8.GetString(content.Value.Content.ToMemory().Span))
                && (await storage.Imports.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct)).Value)
                removed++;
        }
        return new ErasureStep("import files", removed);
    }

    private static string? Meta(IDictionary<string, string> metadata, string key) => metadata.TryGetValue(key, out var value) ? value : null;

    public static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private bool Expired(IDictionary<string, string> metadata)
        => !long.TryParse(Meta(metadata, "expires"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var expires)
           || DateTimeOffset.FromUnixTimeSeconds(expires) <= time.GetUtcNow();

    /// <summary>The actor as a hash: metadata is not where a name should sit.</summary>
    private static string ActorKey(string actor) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(actor)))[..32];

    private static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}
