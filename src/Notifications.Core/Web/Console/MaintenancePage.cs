using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Notifications.Articles;
using Notifications.Localization;
using Notifications.Pipeline;
using Notifications.Storage;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>How far the article index is behind the articles container.</summary>
/// <param name="Unknown">Files in the container the index does not know (the trigger missed them).</param>
/// <param name="Deleted">Articles the index still offers (not withdrawn) whose file was deleted.</param>
public sealed record MissedArticles(int Unknown, int Deleted)
{
    public bool Any => Unknown > 0 || Deleted > 0;
}

/// <summary>
/// The admins' maintenance page (<c>/api/console/maintenance</c>, Admin role): "articles the trigger missed". GET shows
/// <see cref="MissedArticles"/>; POST (with the anti-forgery token) runs what <c>notify articles reingest</c> runs
/// (<see cref="ArticleIngestor.ReingestAsync"/>, then each result's alert through <see cref="ArticlePublished.AlertAsync(IngestResult, CancellationToken)"/>)
/// and shows what was processed.
/// </summary>
public sealed partial class MaintenancePage(
    ConsoleGate gate,
    ConsoleRenderer renderer,
    StorageResources storage,
    ArticleIndex index,
    ArticleIngestor ingestor,
    ArticlePublished published,
    ILogger<MaintenancePage> logger)
{
    public async Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        IReadOnlyList<IngestResult>? results = null;
        if (HttpMethods.IsPost(request.Method))
        {
            results = await ingestor.ReingestAsync(all: false, ct);
            foreach (var result in results)
                await published.AlertAsync(result, ct);
            LogReingested(results.Count);
        }
        var missed = await CountAsync(ct);
        var translation = Translations.For(entered.Language);
        var model = new ScriptObject
        {
            ["unknown"] = missed.Unknown,
            ["deleted"] = missed.Deleted,
            ["any"] = missed.Any,
            ["ran"] = results is not null,
            ["count"] = results?.Count ?? 0,
            ["results"] = (results ?? []).OrderBy(r => r.BlobName, StringComparer.Ordinal).Select(r => Row(r, translation)).ToList(),
        };
        return renderer.Page(entered, "console.maintenance.title", "console-maintenance.html.sbn", model);
    }

    /// <summary>The files the index does not know, and the indexed articles whose file is gone (what reingest would process).</summary>
    public async Task<MissedArticles> CountAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var names = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in storage.Articles.GetBlobsAsync(cancellationToken: ct))
            names.Add(blob.Name);
        var known = await index.ListAsync(ct: ct);
        var knownNames = known.Select(a => a.BlobName).ToHashSet(StringComparer.Ordinal);
        return new MissedArticles(
            names.Count(n => !knownNames.Contains(n)),
            known.Count(a => a.Status != ArticleStatus.Withdrawn && !names.Contains(a.BlobName)));
    }

    private static ScriptObject Row(IngestResult result, Translation translation)
    {
        var detail = result switch
        {
            { Outcome: IngestOutcome.Rejected, Article.Rejection: { } r } =>
                $"{r.Message} {r.Hint}" + (r.Line is { } line ? " (" + translation["console.maintenance.line"].Replace("{detail}", line.ToString(
                    System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + ")" : ""),
            { Outcome: IngestOutcome.Duplicate, Article.DuplicateOf: { } of } =>
                translation["console.maintenance.duplicate_of"].Replace("{detail}", of, StringComparison.Ordinal),
            _ => result.Article?.Title ?? "",
        };
        return new ScriptObject
        {
            ["file"] = result.BlobName,
            ["outcome"] = translation["console.maintenance.outcome_names." + result.Outcome.ToString().ToLowerInvariant()],
            ["detail"] = detail,
            ["bad"] = result.Outcome == IngestOutcome.Rejected,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Console maintenance: reingested {Processed} article files")]
    private partial void LogReingested(int processed);
}
