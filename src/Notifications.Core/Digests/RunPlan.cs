using Microsoft.Extensions.Logging;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>
/// One run's plan as <see cref="DigestPlanner"/> builds it: the groups (variant and article set) being filled, and what was written so
/// far. Made for one run with all it reads: the run and its period, for an alert the articles it carries (and the corrected one), the
/// watermark shards streamed alongside the subscribers, and the stores, renderer and settings it writes with.
/// </summary>
/// <param name="alertGroup">An alert's article and its translations; empty for a digest.</param>
/// <param name="corrected">A correction alert's corrected article: only those whose alert carries it get one.</param>
/// <param name="lateLanguage">A late translation's alert: only the readers of this language get it; null otherwise.</param>
/// <param name="shards">The watermark shards in prefix order, read alongside the subscribers.</param>
/// <param name="batchSize">Recipients per batch (<see cref="DeliveryOptions.BatchSize"/>).</param>
/// <param name="lookBack">How far back a subscriber's first digest reaches (<see cref="ScheduleOptions.FirstDigestLookBack"/>).</param>
internal sealed class RunPlan(
    DigestRun run,
    DigestPeriod period,
    IReadOnlyList<IndexedArticle> alertGroup,
    IndexedArticle? corrected,
    string? lateLanguage,
    IAsyncEnumerator<WatermarkShard> shards,
    ArticleIndex articles,
    DigestWatermarks watermarks,
    DigestSchedule schedule,
    DigestRenderer renderer,
    DigestArchive archive,
    DeliveryLedger ledger,
    SubscriptionLinks links,
    int batchSize,
    TimeSpan lookBack,
    ILogger logger)
{
    private sealed class Group(string id, DigestVariant variant, DigestPeriod shown, IReadOnlyList<IndexedArticle> articles)
    {
        public string Id { get; } = id;
        public DigestVariant Variant { get; } = variant;
        public DigestPeriod Shown { get; } = shown;
        public IReadOnlyList<IndexedArticle> Articles { get; } = articles;
        public List<PlannedRecipient> Pending { get; } = [];
        public bool Rendered { get; set; }
    }

    private readonly Dictionary<(string Variant, string Shown, DateOnly FirstDay, string Articles), Group> _groups = [];
    private readonly Dictionary<string, int> _variantCount = new(StringComparer.Ordinal);
    private readonly Dictionary<(DateTimeOffset, DateTimeOffset), IReadOnlyList<IndexedArticle>> _windows = [];
    private readonly Dictionary<(DateTimeOffset, DateTimeOffset, string), IReadOnlyList<IndexedArticle>> _selections = [];
    private readonly int _tag = DigestWatermark.TagOf(run.RunId);
    private bool _shardsEnded;

    /// <summary>The shard of this prefix as streamed (one query for all); a shard with no row yet is empty.</summary>
    private async Task<WatermarkShard> NextShardAsync(string prefix)
    {
        while (!_shardsEnded)
        {
            var current = shards.Current;
            if (current is not null && string.CompareOrdinal(current.Prefix, prefix) >= 0)
                return current.Prefix == prefix ? current : new WatermarkShard(prefix, new Dictionary<string, DigestWatermark>(StringComparer.Ordinal), null);
            if (!await shards.MoveNextAsync()) _shardsEnded = true;
        }
        return new WatermarkShard(prefix, new Dictionary<string, DigestWatermark>(StringComparer.Ordinal), null);
    }
    public HashSet<string> Articles { get; } = new(StringComparer.Ordinal);
    public int Recipients { get; private set; }
    public int Batches { get; private set; }
    public int Renderings { get; private set; }
    public DateTimeOffset? WindowStart { get; private set; }

    private sealed record Decision(
        IReadOnlyList<(Subscriber Subscriber, DateTimeOffset Version)> Shard,
        WatermarkShard Marks,
        bool Changed,
        List<(Subscriber Subscriber, DateTimeOffset Version, Due Due, DigestVariant Variant, IReadOnlyList<IndexedArticle> Articles)> Decided);

    /// <summary>Shards decided but not written yet: written together, in one transaction, then added to the batches.</summary>
    private readonly List<Decision> _uncommitted = [];
    private int _uncommittedSubscribers;

    /// <summary>
    /// Decides the subscribers of one watermark shard (who is due, with which articles, and their watermarks' new place) and holds the
    /// decision until up to 16 shards or 1,000 subscribers are decided: then <see cref="CommitAsync"/> writes those shards.
    /// </summary>
    public async Task DecideShardAsync(IReadOnlyList<(Subscriber Subscriber, DateTimeOffset Version)> shard, CancellationToken ct)
    {
        var decision = await DecideAsync(shard, await NextShardAsync(DigestWatermarks.ShardOf(shard[0].Subscriber.Id)), ct);
        _uncommitted.Add(decision);
        _uncommittedSubscribers += shard.Count;
        if (_uncommitted.Count >= 16 || _uncommittedSubscribers >= 1000)
            await CommitAsync(ct);
    }

    /// <summary>
    /// Moves the watermarks of the decided shards in one ETag-guarded transaction, and only then adds their subscribers to the batches.
    /// When another run wrote one of those shards meanwhile, each is done again on its own, from a fresh read.
    /// </summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (_uncommitted.Count == 0) return;
        var writes = _uncommitted.Where(d => d.Changed).Select(d => d.Marks).ToList();
        if (writes.Count == 0 || await watermarks.TryWriteAsync(writes, ct))
            foreach (var decision in _uncommitted)
                await AddAllAsync(decision, ct);
        else
            foreach (var decision in _uncommitted)
            {
                var current = decision;
                while (current.Changed && !await watermarks.TryWriteAsync([current.Marks], ct))
                    // Another run wrote these watermarks meanwhile: decide again with theirs.
                    current = await DecideAsync(current.Shard, await watermarks.ReadAsync(current.Marks.Prefix, ct), ct);
                await AddAllAsync(current, ct);
            }
        _uncommitted.Clear();
        _uncommittedSubscribers = 0;
    }

    private async Task AddAllAsync(Decision decision, CancellationToken ct)
    {
        foreach (var d in decision.Decided)
            await AddAsync(d.Subscriber, d.Version, d.Due, d.Variant, d.Articles, ct);
    }

    /// <summary>Who of the shard is due, with which articles; their watermarks moved in <paramref name="marks"/> (in memory).</summary>
    private async Task<Decision> DecideAsync(IReadOnlyList<(Subscriber Subscriber, DateTimeOffset Version)> shard, WatermarkShard marks, CancellationToken ct)
    {
        var decided = new List<(Subscriber Subscriber, DateTimeOffset Version, Due Due, DigestVariant Variant, IReadOnlyList<IndexedArticle> Articles)>();
        var changed = false;
        foreach (var (s, version) in shard)
        {
            if (s.Status != SubscriberStatus.Active) continue;
            if (lateLanguage is not null && s.Language != lateLanguage) continue; // the others had the group's alert
            var mark = marks.Get(s.Id);
            var from = mark?.StartFor(run.RunId);
            var due = DueOf(s, from);
            var variant = DigestVariant.Of(s.Language, s.TopicList);
            var selected = due is null ? [] : await SelectAsync(due, variant, ct);
            if (corrected is not null && !selected.Any(a => a.BlobName == corrected.BlobName))
                selected = []; // they read another translation, which was not corrected
            if (selected.Count == 0)
            {
                // Nothing for them (now): a mark this run moved before (a planner that stopped) goes back where it was.
                if (mark is not null && mark.RunTag == _tag && !period.IsAlert)
                {
                    if (mark.PreviousThrough is { } previous) marks.Marks[s.Id] = mark with { Through = previous, PreviousThrough = null, RunTag = 0 };
                    else marks.Marks.Remove(s.Id);
                    changed = true;
                }
                continue;
            }
            decided.Add((s, version, due!, variant, selected));
            if (!period.IsAlert)
                marks.Marks[s.Id] = new DigestWatermark(s.Id, due!.End, from, _tag);
            else if (s.Frequency == DigestFrequency.Instant)
                // An alert does not wait for a watermark; it moves the instant subscribers' ones, so that a digest after a switch
                // to daily does not repeat it.
                marks.Marks[s.Id] = new DigestWatermark(s.Id, mark is { } m && m.Through > due!.End ? m.Through : due!.End, mark?.Through, _tag);
            else
                continue;
            changed = true;
        }
        return new Decision(shard, marks, changed, decided);
    }

    /// <summary>The subscriber's window in this run; null when they are not due.</summary>
    private Due? DueOf(Subscriber s, DateTimeOffset? from)
    {
        if (period.IsAlert)
        {
            var start = alertGroup.Min(a => a.AvailableAt!.Value);
            var everyone = alertGroup.Any(a => a.Alert);
            return (everyone || s.Frequency == DigestFrequency.Instant) && s.CreatedAt - lookBack <= start
                ? new Due(start, alertGroup.Max(a => a.AvailableAt!.Value).AddTicks(1), period)
                : null;
        }
        if (period.IsScheduled)
        {
            DueDigest? digest;
            try
            {
                digest = schedule.Due(period.Frequency, s.TimeZone, s.DeliveryHour, s.CreatedAt, from, run.WindowEnd, s.WeeklyDay);
            }
            catch (ArgumentException e)
            {
                logger.LogWarning("Subscriber {SubscriberId} is left out of run {RunId}: {Reason}", s.Id, run.RunId, e.Message);
                return null;
            }
            return digest is null ? null : new Due(digest.WindowStart, digest.WindowEnd, Shown(period.Frequency, digest.Day));
        }
        var floor = s.CreatedAt - lookBack;
        var begin = from is { } f && f > floor ? f : floor;
        return begin < run.WindowEnd ? new Due(begin, run.WindowEnd, period) : null;
    }

    /// <summary>The articles of the window on the variant's topics, in its language where translated (both cached: most share them).</summary>
    private async Task<IReadOnlyList<IndexedArticle>> SelectAsync(Due due, DigestVariant variant, CancellationToken ct)
    {
        if (_selections.TryGetValue((due.Start, due.End, variant.Id), out var selected)) return selected;
        IReadOnlyList<IndexedArticle> window;
        if (period.IsAlert)
            window = alertGroup;
        else if (!_windows.TryGetValue((due.Start, due.End), out window!))
            // Bounds again here, to the tick: storage compares instants more coarsely.
            _windows[(due.Start, due.End)] = window = (await articles.ListAvailableAsync(due.Start, due.End, ct))
                .Where(a => a.AvailableAt >= due.Start && a.AvailableAt < due.End).ToList();
        return _selections[(due.Start, due.End, variant.Id)] = variant.Select(window);
    }

    private async Task AddAsync(
        Subscriber s, DateTimeOffset version, Due due, DigestVariant variant, IReadOnlyList<IndexedArticle> selected, CancellationToken ct)
    {
        var key = (variant.Id, due.Shown.Key, due.Shown.FirstDay, string.Join('\n', selected.Select(a => a.BlobName)));
        if (!_groups.TryGetValue(key, out var group))
        {
            var n = _variantCount[variant.Id] = _variantCount.GetValueOrDefault(variant.Id) + 1;
            _groups[key] = group = new Group(n == 1 ? variant.Id : $"{variant.Id}-{n}", variant, due.Shown, selected);
        }
        group.Pending.Add(new PlannedRecipient(s.Id, s.Email, s.Name, version));
        Recipients++;
        if (WindowStart is null || due.Start < WindowStart) WindowStart = due.Start;
        if (group.Pending.Count >= batchSize)
            await FlushAsync(group, ct);
    }

    public async Task FlushAllAsync(CancellationToken ct)
    {
        foreach (var group in _groups.Values.Where(g => g.Pending.Count > 0).OrderBy(g => g.Id, StringComparer.Ordinal).ToList())
            await FlushAsync(group, ct);
    }

    /// <summary>Writes the group's pending recipients as one batch, rendering the group's digest first if this is its first batch.</summary>
    private async Task FlushAsync(Group group, CancellationToken ct)
    {
        if (!group.Rendered)
        {
            var correction = corrected is not null;
            await Task.WhenAll(
                archive.SaveAsync(run.RunId, group.Id,
                    renderer.Render(group.Shown, group.Articles, group.Variant.Language, links.ViewDigest(run.RunId, group.Id), correction,
                        topics: group.Variant.Topics), ct),
                archive.SaveRenderingAsync(run.RunId, group.Id,
                    new DigestRendering(group.Shown, group.Variant.Language, correction, group.Articles, group.Variant.Topics), ct));
            group.Rendered = true;
            Renderings++;
            Articles.UnionWith(group.Articles.Select(a => a.BlobName));
        }
        await ledger.WriteBatchesAsync(run.RunId, run.PlanId, Batches, [new PlannedBatch(group.Id, group.Pending.ToList())], run.UpdatedAt, ct);
        Batches++;
        group.Pending.Clear();
    }

    /// <summary>What a scheduled digest says it covers: the subscriber's local day, or for a weekly digest the week before it.</summary>
    private static DigestPeriod Shown(DigestFrequency frequency, DateOnly day)
        => frequency == DigestFrequency.Weekly
            ? new DigestPeriod(frequency, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day.AddDays(-7))
            : new DigestPeriod(frequency, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day);

    /// <summary>
    /// One subscriber's digest in this run: the articles available in [<see cref="Start"/>, <see cref="End"/>), shown as <see cref="Shown"/>.
    /// </summary>
    private sealed record Due(DateTimeOffset Start, DateTimeOffset End, DigestPeriod Shown);
}
