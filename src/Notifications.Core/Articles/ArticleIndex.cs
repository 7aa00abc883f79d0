using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Articles;

/// <summary>
/// The article index table: one row per blob in <c>articles</c>, keyed by the blob name.
/// Digests read the accepted articles of a window from here.
/// </summary>
public sealed class ArticleIndex(StorageResources storage)
{
    private const string Partition = "article";

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

    /// <summary>Accepted articles whose acceptance falls in [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<IndexedArticle>> ListAcceptedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition} and Status eq {nameof(ArticleStatus.Accepted)} and AcceptedAt ge {from.UtcDateTime} and AcceptedAt lt {to.UtcDateTime}");
        var list = new List<IndexedArticle>();
        await foreach (var e in storage.ArticleIndex.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(ToArticle(e));
        return list.OrderBy(a => a.AcceptedAt).ThenBy(a => a.BlobName, StringComparer.Ordinal).ToList();
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
        ["RejectionCode"] = a.Rejection?.Code,
        ["RejectionMessage"] = a.Rejection?.Message,
        ["RejectionLine"] = a.Rejection?.Line,
        ["RejectionHint"] = a.Rejection?.Hint,
    };

    private static IndexedArticle ToArticle(TableEntity e) => new(
        e.GetString("BlobName"),
        Enum.Parse<ArticleStatus>(e.GetString("Status")),
        e.GetString("Title") ?? "",
        e.GetString("Summary") ?? "",
        e.GetString("Language") ?? "en",
        (e.GetString("Topics") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
        e.GetDateTimeOffset("Published"),
        e.GetString("Url"),
        e.GetString("ContentHash") ?? "",
        e.GetDateTimeOffset("AcceptedAt"),
        e.GetString("RejectionCode") is { } code
            ? new ArticleRejection(code, e.GetString("RejectionMessage") ?? "", e.GetInt32("RejectionLine"), e.GetString("RejectionHint") ?? "")
            : null);
}
