using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Storage;
using Notifications.Telemetry;

namespace Notifications.Articles;

public enum IngestOutcome { Accepted, Updated, Unchanged, Draft, Duplicate, Rejected, Withdrawn, Missing }

public sealed record IngestResult(string BlobName, IngestOutcome Outcome, IndexedArticle? Article)
{
    /// <summary>What was left out of an accepted file (unknown topics, fields): the article is in, but the editor should look.</summary>
    public IReadOnlyList<ArticleWarning> Warnings => Article?.WarningList ?? [];
}

/// <summary>
/// What happens when a blob lands in <c>articles</c> (the blob trigger, <c>notify articles publish</c> and <c>reingest</c>):
/// read it, parse it, and record the outcome in the article index, once. Idempotent under at-least-once delivery: the same
/// content twice is one record (ETag-guarded), the same content under two names is one article, and a rejection is
/// reported once. A rejected file stays where it is; its reason goes to the index, next to it in <c>articles-rejected</c>,
/// and to the editor.
/// </summary>
public sealed class ArticleIngestor(
    StorageResources storage,
    ArticleIndex index,
    ArticlePublisher files,
    ArticleParser parser,
    ArticleRejectionNotifier notifier,
    IOptions<ArticleOptions> options,
    TimeProvider time,
    ILogger<ArticleIngestor> logger,
    PipelineTelemetry telemetry)
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public Task<IngestResult> IngestAsync(string blobName, CancellationToken ct = default)
        => telemetry.TraceIngestAsync(blobName, () => IngestOnceAsync(blobName, ct),
            r => new IngestTags(r.Outcome.ToString(), r.Outcome == IngestOutcome.Rejected ? r.Article?.Rejection?.Code : null));

    private async Task<IngestResult> IngestOnceAsync(string blobName, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var content = await files.ReadAsync(blobName, options.Value.MaxBytes, ct);
        if (content is null)
            return await WithdrawAsync(blobName, ct);

        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        // At-least-once triggers may run this concurrently for one blob: the ETag-guarded write decides, the loser re-reads.
        for (var attempt = 0; ; attempt++)
        {
            var existing = await index.GetAsync(blobName, ct);
            if (existing is { Article: var known } && known.ContentHash == hash && known.Status != ArticleStatus.Withdrawn)
            {
                logger.LogInformation("Article {BlobName} is unchanged ({Status})", blobName, known.Status);
                return new IngestResult(blobName, IngestOutcome.Unchanged, known);
            }

            var (record, outcome) = await EvaluateAsync(blobName, content, hash, existing?.Article, ct);
            if (await index.TryWriteAsync(record, existing?.ETag, ct))
            {
                await UpdateRejectionReportAsync(record, existing?.Article, ct);
                if (record.Rejection is { } r)
                {
                    PipelineLog.ArticleRejected(logger, blobName, r.Code, r.Message, record.Editor ?? options.Value.EditorsEmail);
                    await notifier.NotifyAsync(record, ct);
                }
                else
                    logger.LogInformation("Article {BlobName} {Outcome}: {Title}", blobName, outcome, record.Title);
                foreach (var w in record.WarningList)
                    logger.LogWarning("Article {BlobName} {Outcome} with a warning: {Code} (line {Line}) {Message}",
                        blobName, outcome, w.Code, w.Line, w.Message);
                return new IngestResult(blobName, outcome, record);
            }
            if (attempt >= 5) throw new InvalidOperationException($"The index row for article '{blobName}' keeps changing under us; try again.");
        }
    }

    /// <summary>
    /// What the trigger would have done for blobs it missed: ingests every blob the index does not know (all blobs with
    /// <paramref name="all"/>; unchanged ones are no-ops), and withdraws indexed articles whose blob is gone.
    /// </summary>
    public async Task<IReadOnlyList<IngestResult>> ReingestAsync(bool all, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var known = (await index.ListAsync(ct: ct)).ToDictionary(a => a.BlobName, StringComparer.Ordinal);
        var names = new List<string>();
        await foreach (var blob in storage.Articles.GetBlobsAsync(cancellationToken: ct))
            names.Add(blob.Name);
        var todo = names.Where(n => all || !known.ContainsKey(n))
            .Concat(known.Values.Where(a => a.Status != ArticleStatus.Withdrawn).Select(a => a.BlobName).Except(names, StringComparer.Ordinal))
            .ToList();

        var results = new IngestResult[todo.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, todo.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) => results[i] = await IngestAsync(todo[i], token));
        return results;
    }

    private async Task<(IndexedArticle Record, IngestOutcome Outcome)> EvaluateAsync(
        string blobName, byte[] content, string hash, IndexedArticle? previous, CancellationToken ct)
    {
        Article a;
        try
        {
            a = parser.Parse(blobName, content);
        }
        catch (ArticleRejectedException e)
        {
            var rejected = new IndexedArticle(blobName, ArticleStatus.Rejected, previous?.Title ?? "", "", previous?.Language ?? "", [], null, null, hash,
                previous?.AcceptedAt, e.Rejection, Editor: e.Editor);
            return (rejected, IngestOutcome.Rejected);
        }

        var now = time.GetUtcNow();
        var record = new IndexedArticle(blobName, ArticleStatus.Accepted, a.Title, a.Summary, a.Language, a.Topics, a.Published, a.Url, hash,
            previous?.AcceptedAt, null, null, a.Format, a.Session, a.Slug ?? a.TranslationOf ?? TranslationKeyOf(blobName), null, a.Editor, a.Alert,
            Warnings: a.Warnings);

        var owner = await index.ClaimContentAsync(hash, blobName, ct);
        if (owner != blobName)
            return (record with { Status = ArticleStatus.Duplicate, DuplicateOf = owner }, IngestOutcome.Duplicate);
        if (a.Draft)
            return (record with { Status = ArticleStatus.Draft }, IngestOutcome.Draft);

        // A corrected article keeps the moment it entered digests, so it is not mailed again, unless the editor asks (resend: true).
        // Otherwise it enters digests now, or at its publication date if that is later (held until then).
        var wasAvailable = previous is { Status: ArticleStatus.Accepted, AvailableAt: not null };
        var availableAt = wasAvailable && !a.Resend
            ? previous!.AvailableAt
            : a.Published is { } published && published > now ? published : now;
        // Resent after it went out (not while it was held): a correction, which instant subscribers are alerted to as one.
        var correction = a.Resend && wasAvailable && previous!.AvailableAt <= now;
        var accepted = record with { AcceptedAt = previous?.AcceptedAt ?? now, AvailableAt = availableAt, Correction = correction };
        return (NewsWindowRule.Apply(accepted, a, options.Value.NewsWindow),
            previous?.Status == ArticleStatus.Accepted ? IngestOutcome.Updated : IngestOutcome.Accepted);
    }

    /// <summary>
    /// The file is gone: an article the index knows is withdrawn from every digest not yet planned, and from every batch not yet
    /// claimed (the digests' sender checks what a batch's rendering carries before it claims it: <c>DigestBatchSender</c>).
    /// </summary>
    private async Task<IngestResult> WithdrawAsync(string blobName, CancellationToken ct)
    {
        while (await index.GetAsync(blobName, ct) is { } existing)
        {
            if (existing.Article.Status == ArticleStatus.Withdrawn)
                return new IngestResult(blobName, IngestOutcome.Withdrawn, existing.Article);
            var withdrawn = existing.Article with { Status = ArticleStatus.Withdrawn, AvailableAt = null };
            if (await index.TryWriteAsync(withdrawn, existing.ETag, ct))
            {
                logger.LogInformation("Article {BlobName} was deleted: withdrawn from every digest and alert not yet sent", blobName);
                return new IngestResult(blobName, IngestOutcome.Withdrawn, withdrawn);
            }
        }
        logger.LogWarning("Article blob {BlobName} does not exist; nothing to ingest", blobName);
        return new IngestResult(blobName, IngestOutcome.Missing, null);
    }

    /// <summary>Writes the report next to a rejected file; removes a stale one when a rejected file was fixed.</summary>
    private async Task UpdateRejectionReportAsync(IndexedArticle record, IndexedArticle? previous, CancellationToken ct)
    {
        var report = storage.RejectedArticles.GetBlobClient(record.BlobName + ".rejected.json");
        if (record.Rejection is not { } r)
        {
            if (previous?.Status == ArticleStatus.Rejected)
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

    /// <summary>Without a slug, the translation group is the name up to its first dot: "2026/ptc.ru.md" and "2026/ptc.en.md" → "2026/ptc".</summary>
    private static string TranslationKeyOf(string blobName)
    {
        var name = blobName;
        var slash = name.LastIndexOf('/');
        var dot = name.IndexOf('.', slash + 1);
        return dot > 0 ? name[..dot] : name;
    }
}
