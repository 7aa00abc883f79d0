using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Notifications.Storage;
using Notifications.Topics;

namespace Notifications.Articles;

/// <summary>
/// The article index table. Partition <c>article</c>: one row per blob in <c>articles</c>, keyed by the blob name.
/// Partition <c>content</c>: one row per content hash, naming the blob that owns that content (so the same file under
/// two names is one article). Digests read the available articles of a window from here.
/// Topics are read back as their key in the topic table, so a row written before topics were resolved ("data-model") matches
/// the subscribers of "data model" without a reingest.
/// </summary>
public sealed class ArticleIndex(StorageResources storage, TimeProvider time, TopicCatalog catalog)
{
    private const string Partition = "article";
    private const string ContentPartition = "content";
    /// <summary>How long a content claim whose owner has no index row yet counts as "being ingested".</summary>
    private static readonly TimeSpan ClaimGrace = TimeSpan.FromMinutes(5);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<(IndexedArticle Article, ETag ETag)?> GetAsync(string blobName, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var row = await storage.ArticleIndex.GetEntityIfExistsAsync<TableEntity>(Partition, TableKey.Encode(blobName), cancellationToken: ct);
        return row.HasValue && row.Value is { } e ? (ToArticle(e), e.ETag) : null;
    }

    /// <summary>Adds the row, or replaces it if the ETag still matches. False when someone else wrote first.</summary>
    public async Task<bool> TryWriteAsync(IndexedArticle article, ETag? expected, CancellationToken ct = default)
    {
        var entity = ToEntity(article);
        try
        {
            if (expected is { } etag)
                await storage.ArticleIndex.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, ct);
            else
                await storage.ArticleIndex.AddEntityAsync(entity, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Claims a content hash for a blob and returns the blob that owns it: this one, or the other article with the same content.
    /// A claim is taken over when its owner no longer has that content (edited, withdrawn, rejected) or never got indexed.
    /// </summary>
    public async Task<string> ClaimContentAsync(string contentHash, string blobName, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var claim = new TableEntity(ContentPartition, contentHash) { ["BlobName"] = blobName, ["ClaimedAt"] = time.GetUtcNow() };
        try
        {
            // New content is the common case: claim it in one request, and read the claim only when it exists.
            await storage.ArticleIndex.AddEntityAsync(claim, ct);
            return blobName;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
        while (true)
        {
            var row = await storage.ArticleIndex.GetEntityIfExistsAsync<TableEntity>(ContentPartition, contentHash, cancellationToken: ct);
            try
            {
                if (!row.HasValue || row.Value is null)
                {
                    await storage.ArticleIndex.AddEntityAsync(claim, ct);
                    return blobName;
                }
                var owner = row.Value.GetString("BlobName");
                if (owner == blobName) return blobName;
                var ownerRow = await GetAsync(owner, ct);
                var ownerHolds = ownerRow is { Article: var a }
                    ? a.ContentHash == contentHash && a.Status is ArticleStatus.Accepted or ArticleStatus.Draft
                    : time.GetUtcNow() - (row.Value.GetDateTimeOffset("ClaimedAt") ?? default) < ClaimGrace;
                if (ownerHolds) return owner;
                await storage.ArticleIndex.UpdateEntityAsync(claim, row.Value.ETag, TableUpdateMode.Replace, ct);
                return blobName;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Someone claimed or took over at the same moment: read again.
            }
        }
    }

    /// <summary>
    /// Accepted articles that enter digests in [from, to), oldest first. An article whose file was deleted meanwhile is
    /// marked Withdrawn here and left out: a deletion withdraws it from every digest not yet planned. An article that is not news
    /// (<see cref="IndexedArticle.NotNews"/>: its session ended long ago) is left out too, unless <paramref name="includeNotNews"/>
    /// (its article page lists its translations).
    /// </summary>
    /// <param name="translationKey">Only this article and its translations (an instant alert).</param>
    public async Task<IReadOnlyList<IndexedArticle>> ListAvailableAsync(
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default, string? translationKey = null, bool includeNotNews = false)
    {
        await storage.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {nameof(ArticleStatus.Accepted)}")
            + " and " + TableClient.CreateQueryFilter($"AvailableAt ge {from.UtcDateTime} and AvailableAt lt {to.UtcDateTime}");
        if (translationKey is not null)
            filter += " and " + TableClient.CreateQueryFilter($"TranslationKey eq {translationKey}");
        var candidates = new List<(IndexedArticle Article, ETag ETag)>();
        await foreach (var e in storage.ArticleIndex.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            if (ToArticle(e) is var article && (includeNotNews || !article.NotNews))
                candidates.Add((article, e.ETag));

        var stillPublished = await Task.WhenAll(candidates.Select(async c =>
        {
            if (await storage.Articles.GetBlobClient(c.Article.BlobName).ExistsAsync(ct)) return c.Article;
            await TryWriteAsync(c.Article with { Status = ArticleStatus.Withdrawn, AvailableAt = null }, c.ETag, ct);
            return null;
        }));
        return stillPublished.OfType<IndexedArticle>().OrderBy(a => a.AvailableAt).ThenBy(a => a.BlobName, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Which of these articles are withdrawn now: marked so here, or their file is gone (then marked Withdrawn here, as
    /// <see cref="ListAvailableAsync"/> does). What a sender asks before it claims a batch whose content carries them.
    /// </summary>
    public async Task<IReadOnlySet<string>> WithdrawnAmongAsync(IReadOnlyCollection<string> blobNames, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var withdrawn = await Task.WhenAll(blobNames.Distinct(StringComparer.Ordinal).Select(async name =>
        {
            if (await GetAsync(name, ct) is not { } row) return null;
            if (row.Article.Status == ArticleStatus.Withdrawn) return name;
            if (await storage.Articles.GetBlobClient(name).ExistsAsync(ct)) return null;
            await TryWriteAsync(row.Article with { Status = ArticleStatus.Withdrawn, AvailableAt = null }, row.ETag, ct);
            return name;
        }));
        return withdrawn.OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<IndexedArticle>> ListAsync(ArticleStatus? status = null, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Status eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        var list = new List<IndexedArticle>();
        await foreach (var e in storage.ArticleIndex.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(ToArticle(e));
        return list;
    }

    private static TableEntity ToEntity(IndexedArticle a) => new(Partition, TableKey.Encode(a.BlobName))
    {
        ["BlobName"] = a.BlobName,
        ["Status"] = a.Status.ToString(),
        ["Title"] = a.Title,
        ["Summary"] = a.Summary,
        ["Language"] = a.Language,
        ["Topics"] = string.Join(',', a.Topics),
        ["Published"] = a.Published,
        ["Url"] = a.Url,
        ["ContentHash"] = a.ContentHash,
        ["AcceptedAt"] = a.AcceptedAt,
        ["AvailableAt"] = a.AvailableAt,
        ["Format"] = a.Format.ToString(),
        ["Session"] = a.Session is { IsEmpty: false } session ? JsonSerializer.Serialize(session, Json) : null,
        ["TranslationKey"] = a.TranslationKey,
        ["DuplicateOf"] = a.DuplicateOf,
        ["Editor"] = a.Editor,
        ["Alert"] = a.Alert,
        ["Correction"] = a.Correction,
        ["RejectionCode"] = a.Rejection?.Code,
        ["RejectionMessage"] = a.Rejection?.Message,
        ["RejectionLine"] = a.Rejection?.Line,
        ["RejectionHint"] = a.Rejection?.Hint,
        ["Warnings"] = a.WarningList.Count > 0 ? JsonSerializer.Serialize(a.WarningList, Json) : null,
        ["NotNews"] = a.NotNews,
    };

    private IndexedArticle ToArticle(TableEntity e) => new(
        e.GetString("BlobName"),
        Enum.Parse<ArticleStatus>(e.GetString("Status")),
        e.GetString("Title") ?? "",
        e.GetString("Summary") ?? "",
        e.GetString("Language") ?? "en",
        (e.GetString("Topics") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => catalog.Resolve(t) ?? t).Distinct().ToList(),
        e.GetDateTimeOffset("Published"),
        e.GetString("Url"),
        e.GetString("ContentHash") ?? "",
        e.GetDateTimeOffset("AcceptedAt"),
        e.GetString("RejectionCode") is { } code
            ? new ArticleRejection(code, e.GetString("RejectionMessage") ?? "", e.GetInt32("RejectionLine"), e.GetString("RejectionHint") ?? "")
            : null,
        e.GetDateTimeOffset("AvailableAt"),
        Enum.TryParse<ArticleFormat>(e.GetString("Format"), out var format) ? format : ArticleFormat.Markdown,
        e.GetString("Session") is { Length: > 0 } session ? JsonSerializer.Deserialize<SessionInfo>(session, Json) : null,
        e.GetString("TranslationKey"),
        e.GetString("DuplicateOf"),
        e.GetString("Editor"),
        e.GetBoolean("Alert") ?? false,
        e.GetBoolean("Correction") ?? false,
        e.GetString("Warnings") is { Length: > 0 } warnings ? JsonSerializer.Deserialize<List<ArticleWarning>>(warnings, Json) : null,
        e.GetBoolean("NotNews") ?? false);
}
