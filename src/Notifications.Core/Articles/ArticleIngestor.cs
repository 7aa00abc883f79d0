using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Notifications.Storage;

namespace Notifications.Articles;

public enum IngestOutcome { Accepted, Updated, Unchanged, Rejected, Missing }

public sealed record IngestResult(string BlobName, IngestOutcome Outcome, IndexedArticle? Article);

/// <summary>
/// What happens when a blob lands in <c>articles</c> (the blob trigger, or <c>notify articles publish/reingest</c>):
/// read it, parse it, and record the outcome in the article index. Idempotent: the same content twice records one article;
/// a rejected file stays where it is, and its reason is stored in the index and next to it in <c>articles-rejected</c>.
/// </summary>
public sealed class ArticleIngestor(StorageResources storage, ArticleIndex index, ArticleParser parser, TimeProvider time, ILogger<ArticleIngestor> logger)
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<IngestResult> IngestAsync(string blobName, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        BinaryData content;
        try
        {
            content = (await storage.Articles.GetBlobClient(blobName).DownloadContentAsync(ct)).Value.Content;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            logger.LogWarning("Article blob {BlobName} no longer exists; nothing to ingest", blobName);
            return new IngestResult(blobName, IngestOutcome.Missing, null);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(content.ToMemory().Span));
        // At-least-once triggers may run this concurrently for one blob: the ETag-guarded write decides, the loser re-reads.
        for (var attempt = 0; ; attempt++)
        {
            var existing = await index.GetAsync(blobName, ct);
            if (existing is { Article: var known } && known.ContentHash == hash)
            {
                logger.LogInformation("Article {BlobName} is unchanged ({Status})", blobName, known.Status);
                return new IngestResult(blobName, IngestOutcome.Unchanged, known);
            }

            var (record, outcome) = Evaluate(blobName, content, hash, existing?.Article);
            if (await index.TryWriteAsync(record, existing?.ETag, ct))
            {
                await UpdateRejectionReportAsync(record, ct);
                if (record.Rejection is { } r)
                    logger.LogWarning("Article {BlobName} rejected: {Code} {Reason}", blobName, r.Code, r.Message);
                else
                    logger.LogInformation("Article {BlobName} {Outcome}: {Title}", blobName, outcome, record.Title);
                return new IngestResult(blobName, outcome, record);
            }
            if (attempt >= 5) throw new InvalidOperationException($"The index row for article '{blobName}' keeps changing under us; try again.");
        }
    }

    private (IndexedArticle Record, IngestOutcome Outcome) Evaluate(string blobName, BinaryData content, string hash, IndexedArticle? previous)
    {
        try
        {
            var a = parser.Parse(content.ToMemory().Span);
            // A corrected article keeps its first acceptance time, so it is not mailed again as new.
            var acceptedAt = previous?.AcceptedAt ?? time.GetUtcNow();
            var record = new IndexedArticle(blobName, ArticleStatus.Accepted, a.Title, a.Summary, a.Language, a.Topics, a.Published, a.Url, hash, acceptedAt, null);
            return (record, previous?.Status == ArticleStatus.Accepted ? IngestOutcome.Updated : IngestOutcome.Accepted);
        }
        catch (ArticleRejectedException e)
        {
            var record = new IndexedArticle(blobName, ArticleStatus.Rejected, previous?.Title ?? "", "", previous?.Language ?? "", [], null, null, hash,
                previous?.AcceptedAt, e.Rejection);
            return (record, IngestOutcome.Rejected);
        }
    }

    private async Task UpdateRejectionReportAsync(IndexedArticle record, CancellationToken ct)
    {
        var report = storage.RejectedArticles.GetBlobClient(record.BlobName + ".rejected.json");
        if (record.Rejection is not { } r)
        {
            await report.DeleteIfExistsAsync(cancellationToken: ct);
            return;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(new
        {
            article = record.BlobName,
            code = r.Code,
            message = r.Message,
            line = r.Line,
            hint = r.Hint,
            rejectedAt = time.GetUtcNow(),
        }, ReportJson);
        await report.UploadAsync(new BinaryData(json), overwrite: true, ct);
    }
}
