using Microsoft.Extensions.Options;
using Notifications.Delivery;
using Notifications.Digests;

namespace Notifications.Pipeline;

/// <summary>An article a run carried, with the clicks on its link (null when clicks are not tracked).</summary>
public sealed record RunArticle(string Title, string Language, string Link, long? Clicks);

/// <summary>One variant (rendering: language and topics) of a run: its batches and its own figures.</summary>
public sealed record RunVariant(string Id, string Language, int Batches, int Sent, int Failed, int Uncertain, int Cancelled, RunFigures Figures);

/// <summary>A clicked link of a run, and the article it leads to when it is one the run carried.</summary>
public sealed record RunLink(string Link, long Clicks, string? ArticleTitle);

/// <summary>
/// Everything the runs archive shows of one run: its summary, articles (titles), variants with their figures, the batches that need an
/// admin (failed, uncertain, being sent, cancelled, with their cause), what is known of the uncertain ones, and clicks per link.
/// </summary>
public sealed record RunDetail(
    RunSummary Summary,
    IReadOnlyList<RunArticle> Articles,
    IReadOnlyList<RunVariant> Variants,
    IReadOnlyList<DeliveryBatch> Problems,
    IReadOnlyList<UncertainAssessment> Uncertain,
    IReadOnlyList<RunLink> Links)
{
    public bool CanResume => Summary.Status is DigestRunStatus.Paused || (Summary.Status is DigestRunStatus.Planned && Summary.BatchesFailed > 0);
    public bool CanResendUncertain => Uncertain.Count > 0 && Summary.Status is DigestRunStatus.Planned or DigestRunStatus.Paused;
    public bool CanCancel => Summary.Status is DigestRunStatus.Open or DigestRunStatus.Planned or DigestRunStatus.Paused;
}

/// <summary>
/// One run in detail for the runs archive (<see cref="RunArchive"/> lists them): articles from the archived renderings
/// (<see cref="DigestArchive"/>), variants and batches from the ledger, figures per variant from the per-batch event counters, clicks per
/// link (<see cref="DeliveryEvents.LinkClicksAsync"/>).
/// </summary>
public sealed class RunDetails(
    RunArchive archive,
    DeliveryLedger ledger,
    DeliveryEvents events,
    DigestArchive digests,
    ArticleLinks links,
    UncertainBatchResolver uncertain,
    IOptions<DeliveryOptions> delivery)
{
    /// <summary>The run in detail; null when there is no such run.</summary>
    public async Task<RunDetail?> GetAsync(string runId, CancellationToken ct = default)
    {
        if (await archive.FindAsync(runId, ct) is not { } run) return null;
        var summary = await archive.SummaryAsync(run, ct);
        var batches = run.PlanId.Length == 0 ? [] : await ledger.ListAsync(run.RunId, run.PlanId, ct);
        var perBatch = await events.BatchCountersAsync(run.RunId, ct);
        var clicks = await events.LinkClicksAsync(run.RunId, ct);
        var tracking = delivery.Value.TrackOpensAndClicks || summary.Figures.Opened is not null;

        var articles = new List<RunArticle>();
        var variants = new List<RunVariant>();
        foreach (var variant in batches.GroupBy(b => b.Variant).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var rendering = await digests.LoadRenderingAsync(run.RunId, variant.Key, ct);
            foreach (var a in rendering?.Articles ?? [])
                if (articles.All(x => x.Link != links.For(a)))
                    articles.Add(new RunArticle(a.Title, a.Language, links.For(a), tracking ? ClicksOn(clicks, links.For(a)) : null));
            var counters = Sum(variant.Select(b => perBatch.GetValueOrDefault(b.BatchId)));
            variants.Add(new RunVariant(variant.Key, rendering?.Language ?? variant.Key.Split('-')[0], variant.Count(),
                variant.Count(b => b.Status == BatchStatus.Sent), variant.Count(b => b.Status == BatchStatus.Failed),
                variant.Count(b => b.Status is BatchStatus.Uncertain or BatchStatus.Sending), variant.Count(b => b.Status == BatchStatus.Cancelled),
                RunArchive.FiguresOf(variant.Sum(b => b.RecipientIds.Count), counters, tracking)));
        }
        var problems = batches.Where(b => b.Status is BatchStatus.Failed or BatchStatus.Uncertain or BatchStatus.Sending or BatchStatus.Cancelled)
            .ToList();
        return new RunDetail(summary, articles, variants, problems, await uncertain.ReportAsync(run.RunId, batches, ct),
            clicks.Select(c => new RunLink(c.Link, c.Clicks, articles.FirstOrDefault(a => SameLink(a.Link, c.Link))?.Title)).ToList());
    }

    private static long ClicksOn(IReadOnlyList<(string Link, long Clicks)> clicks, string link)
        => clicks.Where(c => SameLink(link, c.Link)).Sum(c => c.Clicks);

    /// <summary>An article's link and a clicked one (stored without query: <see cref="DeliveryEvents.LinkOf"/>) are the same page.</summary>
    private static bool SameLink(string articleLink, string clicked) => DeliveryEvents.LinkOf(articleLink) == clicked;

    private static Dictionary<string, long> Sum(IEnumerable<IReadOnlyDictionary<string, long>?> counters)
    {
        var sum = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in counters)
            foreach (var (name, n) in c ?? new Dictionary<string, long>())
                sum[name] = sum.GetValueOrDefault(name) + n;
        return sum;
    }
}
