using Azure.Storage.Blobs.Models;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Storage;

namespace Notifications.Pipeline;

/// <summary>
/// Which runs carried each article, read from what runs record: an alert run names its article group (<see cref="DigestRun.ArticleGroup"/>,
/// the translation key: every article of the group is carried), a digest run's archived renderings (<c>&lt;run&gt;/&lt;variant&gt;/rendering.json</c>)
/// list the articles they rendered. Bounded: the runs changed in the last <see cref="Days"/> days, at most <see cref="MaxDigestRuns"/> digest
/// runs (newest first) and <see cref="MaxAlertRuns"/> alert runs. Cost: one query of the runs table, one index scan, and for each digest
/// run one blob listing plus one small download per rendering (a run has a rendering per language and topic set). The answer is kept for
/// <see cref="Lifetime"/>. <see cref="ArticleTrail.Recipients"/> is the run's recipient count (every variant), not the article's.
/// </summary>
public sealed class ArticleTrails(DigestRunStore runs, DigestArchive archive, ArticleIndex index, StorageResources storage, TimeProvider time)
{
    public const int Days = 90;
    public const int MaxDigestRuns = 60;
    public const int MaxAlertRuns = 500;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private sealed record Cached(DateTimeOffset At, IReadOnlyDictionary<string, IReadOnlyList<ArticleTrail>> Trails);
    private volatile Cached? _cached;

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ArticleTrail>>> ReadAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (_cached is { } c && now - c.At < Lifetime) return c.Trails;

        var recent = await runs.ListRecentAsync(now - TimeSpan.FromDays(Days), ct);
        var articles = await index.ListAsync(ct: ct);
        var byGroup = articles.ToLookup(a => a.TranslationKey ?? a.BlobName, a => a.BlobName, StringComparer.Ordinal);
        var carried = new List<(string Blob, ArticleTrail Trail)>();

        foreach (var run in recent.Where(r => r.Frequency == Subscribers.DigestFrequency.Instant && r.ArticleGroup.Length > 0).Take(MaxAlertRuns))
            foreach (var blob in byGroup[run.ArticleGroup])
                carried.Add((blob, TrailOf(run, alert: true)));

        var digestRuns = recent
            .Where(r => r.Frequency != Subscribers.DigestFrequency.Instant && r.Status is not (DigestRunStatus.Open or DigestRunStatus.Planning))
            .Take(MaxDigestRuns).ToList();
        var perRun = new List<string>[digestRuns.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, digestRuns.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (i, token) => perRun[i] = await ArticlesOfAsync(digestRuns[i].RunId, token));
        for (var i = 0; i < digestRuns.Count; i++)
            foreach (var blob in perRun[i])
                carried.Add((blob, TrailOf(digestRuns[i], alert: false)));

        IReadOnlyDictionary<string, IReadOnlyList<ArticleTrail>> trails = carried
            .GroupBy(t => t.Blob, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ArticleTrail>)g.Select(t => t.Trail).DistinctBy(t => t.RunId).OrderByDescending(t => t.At).ToList(),
                StringComparer.Ordinal);
        _cached = new Cached(now, trails);
        return trails;
    }

    /// <summary>Drops the kept answer: the next read is fresh (after this instance published or withdrew something).</summary>
    public void Forget() => _cached = null;

    private static ArticleTrail TrailOf(DigestRun run, bool alert)
        => new(run.RunId, run.Frequency, run.UpdatedAt, run.RecipientCount, alert, run.Status);

    /// <summary>The articles of every rendering archived for a run (made-again renderings without withdrawn articles included).</summary>
    private async Task<List<string>> ArticlesOfAsync(string runId, CancellationToken ct)
    {
        var variants = new List<string>();
        await foreach (var blob in storage.Digests.GetBlobsAsync(BlobTraits.None, BlobStates.None, runId + "/", ct))
            if (blob.Name.EndsWith("/rendering.json", StringComparison.Ordinal))
                variants.Add(blob.Name[(runId.Length + 1)..^"/rendering.json".Length]);
        var blobs = new List<string>();
        foreach (var variant in variants)
            if (await archive.LoadRenderingAsync(runId, variant, ct) is { } rendering)
                blobs.AddRange(rendering.Articles.Select(a => a.BlobName));
        return blobs.Distinct(StringComparer.Ordinal).ToList();
    }
}
