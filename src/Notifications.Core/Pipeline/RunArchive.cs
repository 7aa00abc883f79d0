using Microsoft.Extensions.Options;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>
/// A run's delivery figures from SendGrid's events. <see cref="Opened"/> and <see cref="Clicked"/> are null when opens and clicks are
/// not tracked (<c>Delivery:TrackOpensAndClicks</c> off): "not tracked", never zero.
/// </summary>
public sealed record RunFigures(long Recipients, long Delivered, long Bounced, long Complained, long? Opened, long? Clicked)
{
    /// <summary>A count as a share of the recipients (0–1); null when there were no recipients or the count is not tracked.</summary>
    public double? RateOf(long? count) => count is { } c && Recipients > 0 ? (double)c / Recipients : null;
}

/// <summary>One run in the archive: what it was, where it stands, its batches by outcome and its figures.</summary>
public sealed record RunSummary(
    string RunId,
    DigestFrequency Frequency,
    string PeriodKey,
    string ArticleGroup,
    DigestRunStatus Status,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DateTimeOffset UpdatedAt,
    int ArticleCount,
    int RecipientCount,
    int BatchCount,
    int BatchesSent,
    int BatchesFailed,
    int BatchesUncertain,
    RunFigures Figures);

/// <summary>One page of the archive: its runs (newest first) and how many runs there are in all.</summary>
public sealed record RunArchivePage(IReadOnlyList<RunSummary> Runs, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// Every digest run ever (not two days): the secretariat console's runs archive and dashboard, and <c>notify digest status --since</c>.
/// The runs table is read whole (one row per period and alert); batches and figures are read for the runs shown only.
/// <para>
/// Figures come from SendGrid's event counters (<see cref="DeliveryEvents"/>): delivered, bounced (hard bounces and blocked), complained
/// (spam reports); opened and clicked count events (an open twice is two opens) and are null ("not tracked") when
/// <c>Delivery:TrackOpensAndClicks</c> is off and none arrived for the run.
/// </para>
/// </summary>
public sealed class RunArchive(DigestRunStore runs, DeliveryLedger ledger, DeliveryEvents events, IOptions<DeliveryOptions> delivery)
{
    public const int MaxPageSize = 200;

    /// <summary>Runs updated since <paramref name="since"/> (all when null), newest first, at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<RunSummary>> ListAsync(DateTimeOffset? since = null, int take = 100, CancellationToken ct = default)
        => (await PageAsync(since, 1, take, ct)).Runs;

    /// <summary>Page <paramref name="page"/> (from 1) of the runs updated since <paramref name="since"/>, newest first.</summary>
    public async Task<RunArchivePage> PageAsync(DateTimeOffset? since, int page, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var all = await runs.ListAllAsync(since, ct);
        var pages = Math.Max(1, (all.Count + pageSize - 1) / pageSize);
        page = Math.Clamp(page, 1, pages);
        var shown = all.Skip((page - 1) * pageSize).Take(pageSize).ToList();
        var summaries = new RunSummary[shown.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, shown.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) => summaries[i] = await SummaryAsync(shown[i], token));
        return new RunArchivePage(summaries, all.Count, page, pageSize);
    }

    /// <summary>One run's summary; null when there is no such run.</summary>
    public async Task<RunSummary?> GetAsync(string runId, CancellationToken ct = default)
    {
        return await FindAsync(runId, ct) is { } run ? await SummaryAsync(run, ct) : null;
    }

    /// <summary>The run with this id; null when there is none or the id is not a run id (letters, digits and dashes, at most 64).</summary>
    public async Task<DigestRun?> FindAsync(string runId, CancellationToken ct = default)
    {
        if (runId.Length is 0 or > 64 || !runId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return null;
        try
        {
            var (frequency, key) = DigestPeriod.ParseRunId(runId);
            return await runs.GetAsync(frequency, key, ct);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The run's batches by outcome and its figures.</summary>
    public async Task<RunSummary> SummaryAsync(DigestRun run, CancellationToken ct = default)
    {
        var batches = run.PlanId.Length == 0 ? [] : await ledger.ListAsync(run.RunId, run.PlanId, ct, withRecipientIds: false);
        var counters = await events.CountersAsync(run.RunId, ct);
        return new RunSummary(run.RunId, run.Frequency, run.PeriodKey, run.ArticleGroup, run.Status, run.WindowStart, run.WindowEnd, run.UpdatedAt,
            run.ArticleCount, run.RecipientCount, run.BatchCount,
            batches.Count(b => b.Status == BatchStatus.Sent),
            batches.Count(b => b.Status == BatchStatus.Failed),
            batches.Count(b => b.Status is BatchStatus.Uncertain or BatchStatus.Sending),
            FiguresOf(run.RecipientCount, counters, delivery.Value.TrackOpensAndClicks));
    }

    /// <summary>
    /// The figures from a run's counters: opened and clicked null when tracking is off and none arrived (events that arrived while it was
    /// on are real and shown).
    /// </summary>
    public static RunFigures FiguresOf(long recipients, IReadOnlyDictionary<string, long> counters, bool tracking)
    {
        long Count(string name) => counters.TryGetValue(name, out var n) ? n : 0;
        var tracked = tracking || Count("open") + Count("click") > 0;
        return new RunFigures(recipients, Count("delivered"), Count("bounce") + Count("blocked"), Count("spamreport"),
            tracked ? Count("open") : null, tracked ? Count("click") : null);
    }
}
