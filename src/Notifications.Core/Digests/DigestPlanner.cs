using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Subscribers;
using Notifications.Telemetry;

namespace Notifications.Digests;

/// <summary>
/// Plans one run: who gets which articles, rendered once per variant, written to the ledger as batches before anything is sent.
/// <list type="bullet">
/// <item>The hourly timer's runs take the subscribers that <see cref="DigestSchedule"/> says are due at that hour in their own time zone.</item>
/// <item>A run started by hand takes every active subscriber of its frequency, with windows ending now.</item>
/// <item>An instant alert takes the article (and its translations) to the <c>instant</c> subscribers of its topics, and with
/// <c>alert: true</c> to every subscriber of its topics.</item>
/// </list>
/// A subscriber's window starts at their watermark (<see cref="DigestWatermarks"/>), or for their first digest at their creation minus
/// <see cref="ScheduleOptions.FirstDigestLookBack"/>, and the watermark moves (ETag-guarded) before the batches are written: two runs
/// never give one subscriber the same article, and a subscriber with nothing new gets nothing.
/// </summary>
public sealed class DigestPlanner(
    DigestRunStore runs,
    ArticleIndex articles,
    SubscriberStore subscribers,
    DigestWatermarks watermarks,
    DigestSchedule schedule,
    DigestRenderer renderer,
    DigestArchive archive,
    DeliveryLedger ledger,
    SubscriptionLinks links,
    IOptions<DeliveryOptions> delivery,
    IOptions<ScheduleOptions> scheduleOptions,
    ILogger<DigestPlanner> logger,
    PipelineTelemetry telemetry)
{
    /// <summary>One subscriber's digest in this run: the articles available in [<see cref="Start"/>, <see cref="End"/>), shown as <see cref="Shown"/>.</summary>
    private sealed record Due(Subscriber Subscriber, DateTimeOffset Start, DateTimeOffset End, DigestPeriod Shown, DigestWatermark? Mark, DateTimeOffset? MarkStart);

    /// <summary>Claims the run, decides who gets what, renders each variant once and writes the batches. Null when another worker holds the claim.</summary>
    public Task<DigestRun?> PlanAsync(DigestPeriod period, DigestRun run, CancellationToken ct)
        => telemetry.TracePlanAsync(period, run, () => PlanOnceAsync(period, run, ct));

    private async Task<DigestRun?> PlanOnceAsync(DigestPeriod period, DigestRun run, CancellationToken ct)
    {
        // A fresh plan id: if this planner is slow and loses its claim, the rows it still writes belong to no run.
        var claimed = await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planning, PlanId = Guid.NewGuid().ToString("N")[..12] }, ct);
        if (claimed is null) return null;

        IReadOnlyList<IndexedArticle> window;
        List<Due> due;
        if (period.IsAlert)
        {
            // Up to and including the run's instant (a second more: storage compares instants coarser than ticks).
            window = await articles.ListAvailableAsync(run.WindowEnd.AddYears(-1), run.WindowEnd.AddSeconds(1), ct, translationKey: run.ArticleGroup);
            due = await AlertRecipientsAsync(window, period, ct);
        }
        else
        {
            due = await DueAsync(period, run, ct);
            window = due.Count == 0 ? [] : await articles.ListAvailableAsync(due.Min(d => d.Start), due.Max(d => d.End), ct);
        }

        // What each subscriber gets: the articles of their window, on their topics, in their language where translated.
        var cache = new Dictionary<(DateTimeOffset, DateTimeOffset, string), IReadOnlyList<IndexedArticle>>();
        var getting = new List<(Due Due, DigestVariant Variant, IReadOnlyList<IndexedArticle> Articles)>();
        foreach (var d in due)
        {
            var variant = DigestVariant.Of(d.Subscriber.Language, d.Subscriber.TopicList);
            if (!cache.TryGetValue((d.Start, d.End, variant.Id), out var selected))
                cache[(d.Start, d.End, variant.Id)] = selected = variant.Select(window.Where(a => a.AvailableAt >= d.Start && a.AvailableAt < d.End).ToList());
            if (selected.Count > 0)
                getting.Add((d, variant, selected));
        }

        // Move the watermarks first: whoever another run reached first is left to that run.
        // An alert does not wait for a watermark; it moves the instant subscribers' ones, so that a digest after a switch to daily does not repeat it.
        var moves = getting
            .Where(g => !period.IsAlert || g.Due.Subscriber.Frequency == DigestFrequency.Instant)
            .Select(g => new DigestWatermarks.Move(g.Due.Subscriber.Id, g.Due.Mark, g.Due.MarkStart,
                period.IsAlert && g.Due.Mark is { } mark && mark.Through > g.Due.End ? mark.Through : g.Due.End))
            .ToList();
        var moved = await watermarks.MoveAsync(run.RunId, moves, ct);
        if (!period.IsAlert)
        {
            var lost = getting.RemoveAll(g => !moved.Contains(g.Due.Subscriber.Id));
            if (lost > 0)
                logger.LogInformation("Run {RunId}: {Count} subscribers were covered by another run meanwhile and are left out", run.RunId, lost);
        }

        // One rendering per variant and article set, never per subscriber.
        var batches = new List<(string Variant, IReadOnlyList<string> Ids)>();
        var recipients = 0;
        var articleCount = new HashSet<string>(StringComparer.Ordinal);
        var renderings = getting
            .GroupBy(g => (g.Variant.Id, g.Due.Shown.Key, g.Due.Shown.FirstDay, Articles: string.Join('\n', g.Articles.Select(a => a.BlobName))))
            .OrderBy(g => g.Key.Id, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal).ThenBy(g => g.Key.Articles, StringComparer.Ordinal)
            .ToList();
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in renderings)
        {
            var first = group.First();
            var n = used[first.Variant.Id] = used.GetValueOrDefault(first.Variant.Id) + 1;
            var id = n == 1 ? first.Variant.Id : $"{first.Variant.Id}-{n}";
            await archive.SaveAsync(run.RunId, id, renderer.Render(first.Due.Shown, first.Articles, first.Variant.Language, links.ViewDigest(run.RunId, id)), ct);
            var ids = group.Select(g => g.Due.Subscriber.Id).Order(StringComparer.Ordinal).ToList();
            recipients += ids.Count;
            articleCount.UnionWith(first.Articles.Select(a => a.BlobName));
            batches.AddRange(ids.Chunk(delivery.Value.BatchSize).Select(c => (id, (IReadOnlyList<string>)c)));
        }
        await ledger.WritePlanAsync(run.RunId, claimed.PlanId, batches, ct);

        if (batches.Count == 0)
            logger.LogInformation("Run {RunId}: nothing new for the {DueCount} subscribers due", run.RunId, due.Count);
        else
            logger.LogInformation("Run {RunId} planned: {ArticleCount} articles, {RecipientCount} recipients in {BatchCount} batches, {VariantCount} renderings",
                run.RunId, articleCount.Count, recipients, batches.Count, renderings.Count);
        return await runs.TryUpdateAsync(claimed with
        {
            Status = batches.Count == 0 ? DigestRunStatus.Completed : DigestRunStatus.Planned,
            WindowStart = getting.Count == 0 ? run.WindowStart : getting.Min(g => g.Due.Start),
            ArticleCount = articleCount.Count,
            RecipientCount = recipients,
            BatchCount = batches.Count,
        }, ct);
    }

    /// <summary>The subscribers of the run's frequency whose digest is due, each with their own window.</summary>
    private async Task<List<Due>> DueAsync(DigestPeriod period, DigestRun run, CancellationToken ct)
    {
        var marks = await watermarks.ReadAllAsync(ct);
        var lookBack = scheduleOptions.Value.FirstDigestLookBack;
        var due = new List<Due>();
        foreach (var s in await subscribers.ListByFrequencyAsync(period.Frequency, ct))
        {
            if (s.Status != SubscriberStatus.Active) continue;
            var mark = marks.GetValueOrDefault(s.Id);
            var from = mark?.StartFor(run.RunId);
            if (period.IsScheduled)
            {
                DueDigest? digest;
                try
                {
                    digest = schedule.Due(period.Frequency, s.TimeZone, s.DeliveryHour, s.CreatedAt, from, run.WindowEnd);
                }
                catch (ArgumentException e)
                {
                    logger.LogWarning("Subscriber {SubscriberId} is left out of run {RunId}: {Reason}", s.Id, run.RunId, e.Message);
                    continue;
                }
                if (digest is not null)
                    due.Add(new Due(s, digest.WindowStart, digest.WindowEnd, Shown(period.Frequency, digest.Day), mark, from));
            }
            else
            {
                var floor = s.CreatedAt - lookBack;
                var start = from is { } f && f > floor ? f : floor;
                if (start < run.WindowEnd)
                    due.Add(new Due(s, start, run.WindowEnd, period, mark, from));
            }
        }
        return due;
    }

    /// <summary>
    /// An alert's recipients: active <c>instant</c> subscribers, or with <c>alert: true</c> every active subscriber (their topics decide,
    /// as for digests), who subscribed before the article became available, give or take the first-digest look-back.
    /// </summary>
    private async Task<List<Due>> AlertRecipientsAsync(IReadOnlyList<IndexedArticle> group, DigestPeriod period, CancellationToken ct)
    {
        if (group.Count == 0) return [];
        var everyone = group.Any(a => a.Alert);
        var start = group.Min(a => a.AvailableAt!.Value);
        var end = group.Max(a => a.AvailableAt!.Value).AddTicks(1);
        var lookBack = scheduleOptions.Value.FirstDigestLookBack;
        var marks = await watermarks.ReadAllAsync(ct);
        return (await subscribers.ListAsync(ct))
            .Where(s => s.Status == SubscriberStatus.Active && (everyone || s.Frequency == DigestFrequency.Instant) && s.CreatedAt - lookBack <= start)
            .Select(s => new Due(s, start, end, period, marks.GetValueOrDefault(s.Id), marks.GetValueOrDefault(s.Id)?.Through))
            .ToList();
    }

    /// <summary>What a scheduled digest says it covers: the subscriber's local day, or for a weekly digest the week before it.</summary>
    private static DigestPeriod Shown(DigestFrequency frequency, DateOnly day)
        => frequency == DigestFrequency.Weekly
            ? new DigestPeriod(frequency, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day.AddDays(-7))
            : new DigestPeriod(frequency, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day);
}
