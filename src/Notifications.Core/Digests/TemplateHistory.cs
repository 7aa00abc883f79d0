using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Notifications.Storage;

namespace Notifications.Digests;

/// <summary>One earlier version of a template override, kept when a save, a rollback or a removal replaced it.</summary>
/// <param name="Id">The version's id: when it was saved and the start of its content's SHA-256 (<c>20261206T101500Z-3f9a0c1d</c>).</param>
/// <param name="SavedAt">When this version was saved (uploaded).</param>
/// <param name="SavedBy">Who saved it (the console user, the CLI's operator); null when it was uploaded by other means.</param>
/// <param name="ReplacedAt">When it stopped being the override.</param>
/// <param name="ReplacedBy">Who replaced or removed it.</param>
public sealed record TemplateVersion(string Id, string Name, DateTimeOffset SavedAt, string? SavedBy, DateTimeOffset ReplacedAt, string? ReplacedBy,
    long Bytes);

/// <summary>
/// The versions of each template override before the current one, in the templates container under <c>history/&lt;name&gt;/&lt;id&gt;</c>
/// (names that <see cref="DigestTemplateOverrides"/> never reads as overrides). Azurite does not implement blob versioning, and an
/// account may not have it on, so the history is plain blobs: a version is written once (its id is its save time and content hash)
/// and never changed. Who saved a version travels with it in blob metadata (<see cref="SavedByKey"/>, escaped: metadata is ASCII).
/// The templates hold no subscriber's data: nothing here takes part in erasure.
/// </summary>
public sealed class TemplateHistory(StorageResources storage, TimeProvider time)
{
    public const string Prefix = "history/";
    public const string SavedByKey = "savedby";
    private const string ReplacedByKey = "replacedby";
    private const string ReplacedAtKey = "replacedat";
    private const string SavedAtKey = "savedat";

    /// <summary>The versions of <paramref name="name"/> kept so far, newest first.</summary>
    public async Task<IReadOnlyList<TemplateVersion>> ListAsync(string name, CancellationToken ct = default)
    {
        var versions = new List<TemplateVersion>();
        try
        {
            await foreach (var blob in storage.Templates.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix + name + "/", Traits = BlobTraits.Metadata },
                ct))
            {
                var id = blob.Name[(Prefix.Length + name.Length + 1)..];
                var meta = blob.Metadata;
                versions.Add(new TemplateVersion(id, name, Time(meta, SavedAtKey) ?? blob.Properties.CreatedOn ?? default, Person(meta, SavedByKey),
                    Time(meta, ReplacedAtKey) ?? blob.Properties.CreatedOn ?? default, Person(meta, ReplacedByKey), blob.Properties.ContentLength ?? 0));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: no history.
        }
        // Newest first by when each version was replaced (full precision): ids carry only the second it was saved, and two saves,
        // a rollback and a removal can fall in the same second.
        return versions.OrderByDescending(v => v.ReplacedAt).ThenByDescending(v => v.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The text of one kept version; null when there is none of that id.</summary>
    public async Task<string?> ReadAsync(string name, string id, CancellationToken ct = default)
    {
        if (!IsVersionId(id)) return null;
        try
        {
            var content = await storage.Templates.GetBlobClient(Prefix + name + "/" + id).DownloadContentAsync(ct);
            return content.Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Keeps the current override of <paramref name="name"/> (when there is one) as a version, before <paramref name="by"/> replaces or
    /// removes it. Writing the same version again changes nothing (its id is its save time and content). Returns the ETag the
    /// override had when it was read, or null when there is none: the caller replaces it only if it still has that ETag.
    /// </summary>
    public async Task<ETag?> KeepCurrentAsync(string name, string? by, CancellationToken ct = default)
    {
        Azure.Storage.Blobs.Models.BlobDownloadResult current;
        try
        {
            current = (await storage.Templates.GetBlobClient(name).DownloadContentAsync(ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        var meta = current.Details.Metadata;
        var savedAt = Time(meta, SavedAtKey) ?? current.Details.LastModified;
        var text = current.Content.ToString();
        var id = IdOf(savedAt, text);
        var metadata = new Dictionary<string, string>
        {
            [SavedAtKey] = savedAt.ToString("O", CultureInfo.InvariantCulture),
            [ReplacedAtKey] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        if (Person(meta, SavedByKey) is { } savedBy) metadata[SavedByKey] = Uri.EscapeDataString(savedBy);
        if (by is not null) metadata[ReplacedByKey] = Uri.EscapeDataString(by);
        try
        {
            await storage.Templates.GetBlobClient(Prefix + name + "/" + id).UploadAsync(BinaryData.FromString(text), new BlobUploadOptions
            {
                Metadata = metadata,
                HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain; charset=utf-8" },
                Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = ETag.All },
            }, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Kept already.
        }
        return current.Details.ETag;
    }

    /// <summary>The metadata a new override carries: who saved it and when.</summary>
    public Dictionary<string, string> SavedMetadata(string? by)
    {
        var metadata = new Dictionary<string, string> { [SavedAtKey] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) };
        if (by is not null) metadata[SavedByKey] = Uri.EscapeDataString(by);
        return metadata;
    }

    /// <summary>Who saved the override whose metadata this is.</summary>
    public static string? SavedBy(IDictionary<string, string>? metadata) => Person(metadata, SavedByKey);

    /// <summary>When the override whose metadata this is was saved (null: uploaded by other means; use its last-modified time).</summary>
    public static DateTimeOffset? SavedAt(IDictionary<string, string>? metadata) => Time(metadata, SavedAtKey);

    /// <summary>A version id as <see cref="TemplateVersion.Id"/> has it (so a request cannot name another blob).</summary>
    public static bool IsVersionId(string id)
        => id.Length == 25 && id[8] == 'T' && id[15] == 'Z' && id[16] == '-' && id.Where((c, i) => i is not (8 or 15 or 16)).All(char.IsAsciiLetterOrDigit);

    private static string IdOf(DateTimeOffset savedAt, string text)
        => savedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" +
           Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];

    private static DateTimeOffset? Time(IDictionary<string, string>? metadata, string key)
        => metadata is not null && metadata.TryGetValue(key, out var v)
           && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;

    private static string? Person(IDictionary<string, string>? metadata, string key)
        => metadata is not null && metadata.TryGetValue(key, out var v) && v.Length > 0 ? Uri.UnescapeDataString(v) : null;
}
