using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Mail;
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
/// <see cref="ScheduleOptions.FirstDigestLookBack"/>, and the watermark moves (ETag-guarded, a shard of ids at a time) before the
/// batches are written: two runs never give one subscriber the same article, and a subscriber with nothing new gets nothing.
/// </summary>
/// <remarks>
/// Memory does not grow with the number of subscribers: they are read a page at a time in id order, decided a watermark shard at a
/// time, and each variant's recipients are written to the ledger as soon as they fill a batch. What is held is one shard, and at most
/// one unfinished batch per variant.
/// </remarks>
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
    // Read by the plan being built (a nested class cannot see the constructor's parameters).
    private readonly DigestWatermarks _watermarks = watermarks;
    private readonly DigestSchedule _schedule = schedule;
    private readonly DigestRenderer _renderer = renderer;
    private readonly DigestArchive _archive = archive;
    private readonly DeliveryLedger _ledger = ledger;
    private readonly SubscriptionLinks _links = links;
    private readonly IOptions<DeliveryOptions> _delivery = delivery;
    private readonly IOptions<ScheduleOptions> _scheduleOptions = scheduleOptions;
    private readonly ILogger<DigestPlanner> _logger = logger;
    private readonly ArticleIndex _articles = articles;
    /// <summary>One subscriber's digest in this run: the articles available in [<see cref="Start"/>, <see cref="End"/>), shown as <see cref="Shown"/>.</summary>
    private sealed record Due(DateTimeOffset Start, DateTimeOffset End, DigestPeriod Shown);

    /// <summary>Claims the run, decides who gets what, renders each variant once and writes the batches. Null when another worker holds the claim.</summary>
    public Task<DigestRun?> PlanAsync(DigestPeriod period, DigestRun run, CancellationToken ct)
        => telemetry.TracePlanAsync(period, run, () => PlanOnceAsync(period, run, ct));

    private async Task<DigestRun?> PlanOnceAsync(DigestPeriod period, DigestRun run, CancellationToken ct)
    {
        // A fresh plan id: if this planner is slow and loses its claim, the rows it still writes belong to no run.
        var claimed = await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planning, PlanId = Guid.NewGuid().ToString("N")[..12] }, ct);
        if (claimed is null) return null;

        var plan = new Plan(this, claimed, period);
        if (period.IsAlert)
        {
            // Up to and including the run's instant (a second more: storage compares instants coarser than ticks).
            plan.AlertGroup = await _articles.ListAvailableAsync(run.WindowEnd.AddYears(-1), run.WindowEnd.AddSeconds(1), ct, translationKey: run.ArticleGroup);
            if (period.Key != DigestPeriod.AlertKey(run.ArticleGroup))
            {
                // A correction alert: of the one corrected version its key names; none when that version is gone (corrected again, withdrawn).
                plan.Corrected = plan.AlertGroup.FirstOrDefault(a => a.Correction && DigestPeriod.AlertKey(run.ArticleGroup, a.ContentHash) == period.Key);
                if (plan.Corrected is null) plan.AlertGroup = [];
            }
            if (plan.AlertGroup.Count == 0)
                return await runs.TryUpdateAsync(claimed with { Status = DigestRunStatus.Completed }, ct);
        }

        // Subscribers in id order, decided a watermark shard at a time; the shards are read alongside, in one query.
        await using var shards = _watermarks.StreamAsync(ct).GetAsyncEnumerator(ct);
        plan.Shards = shards;
        var shard = new List<(Subscriber Subscriber, DateTimeOffset Version)>();
        await foreach (var s in subscribers.StreamAsync(period.IsAlert ? null : period.Frequency, ct))
        {
            if (shard.Count > 0 && DigestWatermarks.ShardOf(s.Subscriber.Id) != DigestWatermarks.ShardOf(shard[0].Subscriber.Id))
            {
                await plan.DecideShardAsync(shard, ct);
                shard = []; // the plan may hold on to that one until its shard is written
            }
            shard.Add(s);
        }
        if (shard.Count > 0)
            await plan.DecideShardAsync(shard, ct);
        await plan.CommitAsync(ct);
        await plan.FlushAllAsync(ct);

        if (plan.Batches == 0)
            _logger.LogInformation("Run {RunId}: nothing new for anyone due", run.RunId);
        else
            _logger.LogInformation("Run {RunId} planned: {ArticleCount} articles, {RecipientCount} recipients in {BatchCount} batches, {VariantCount} renderings",
                run.RunId, plan.Articles.Count, plan.Recipients, plan.Batches, plan.Renderings);
        var planned = await runs.TryUpdateAsync(claimed with
        {
            Status = plan.Batches == 0 ? DigestRunStatus.Completed : DigestRunStatus.Planned,
            WindowStart = plan.WindowStart ?? run.WindowStart,
            ArticleCount = plan.Articles.Count,
            RecipientCount = plan.Recipients,
            BatchCount = plan.Batches,
        }, ct);
        if (planned is null && plan.Batches > 0)
        {
            // Too slow: another planner took the run over past the lease. What this one wrote belongs to no run; it goes now, with the
            // addresses it holds, rather than wait for the run's completion (which may have happened already).
            var deleted = await _ledger.DeletePlanAsync(run.RunId, claimed.PlanId, ct);
            _logger.LogWarning("Run {RunId}: this planner lost its claim to another planner while planning; the {Count} batches it wrote were deleted",
                run.RunId, deleted);
        }
        return planned;
    }

    /// <summary>One run's plan as it is built: the groups (variant and article set) being filled, and what was written so far.</summary>
    private sealed class Plan(DigestPlanner planner, DigestRun run, DigestPeriod period)
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
        private readonly TimeSpan _lookBack = planner._scheduleOptions.Value.FirstDigestLookBack;

        public IReadOnlyList<IndexedArticle> AlertGroup { get; set; } = [];
        /// <summary>A correction alert's corrected article: only those whose alert carries it get one.</summary>
        public IndexedArticle? Corrected { get; set; }
        /// <summary>The watermark shards in prefix order, read alongside the subscribers.</summary>
        public IAsyncEnumerator<WatermarkShard>? Shards { get; set; }
        private bool _shardsEnded;

        /// <summary>The shard of this prefix as streamed (one query for all); a shard with no row yet is empty.</summary>
        private async Task<WatermarkShard> NextShardAsync(string prefix)
        {
            while (Shards is not null && !_shardsEnded)
            {
                var current = Shards.Current;
                if (current is not null && string.CompareOrdinal(current.Prefix, prefix) >= 0)
                    return current.Prefix == prefix ? current : new WatermarkShard(prefix, new Dictionary<string, DigestWatermark>(StringComparer.Ordinal), null);
                if (!await Shards.MoveNextAsync()) _shardsEnded = true;
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
            if (writes.Count == 0 || await planner._watermarks.TryWriteAsync(writes, ct))
                foreach (var decision in _uncommitted)
                    await AddAllAsync(decision, ct);
            else
                foreach (var decision in _uncommitted)
                {
                    var current = decision;
                    while (current.Changed && !await planner._watermarks.TryWriteAsync([current.Marks], ct))
                        // Another run wrote these watermarks meanwhile: decide again with theirs.
                        current = await DecideAsync(current.Shard, await planner._watermarks.ReadAsync(current.Marks.Prefix, ct), ct);
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
                var mark = marks.Get(s.Id);
                var from = mark?.StartFor(run.RunId);
                var due = DueOf(s, from);
                var variant = DigestVariant.Of(s.Language, s.TopicList);
                var selected = due is null ? [] : await SelectAsync(due, variant, ct);
                if (Corrected is { } corrected && !selected.Any(a => a.BlobName == corrected.BlobName))
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
                var start = AlertGroup.Min(a => a.AvailableAt!.Value);
                var everyone = AlertGroup.Any(a => a.Alert);
                return (everyone || s.Frequency == DigestFrequency.Instant) && s.CreatedAt - _lookBack <= start
                    ? new Due(start, AlertGroup.Max(a => a.AvailableAt!.Value).AddTicks(1), period)
                    : null;
            }
            if (period.IsScheduled)
            {
                DueDigest? digest;
                try
                {
                    digest = planner._schedule.Due(period.Frequency, s.TimeZone, s.DeliveryHour, s.CreatedAt, from, run.WindowEnd);
                }
                catch (ArgumentException e)
                {
                    planner._logger.LogWarning("Subscriber {SubscriberId} is left out of run {RunId}: {Reason}", s.Id, run.RunId, e.Message);
                    return null;
                }
                return digest is null ? null : new Due(digest.WindowStart, digest.WindowEnd, Shown(period.Frequency, digest.Day));
            }
            var floor = s.CreatedAt - _lookBack;
            var begin = from is { } f && f > floor ? f : floor;
            return begin < run.WindowEnd ? new Due(begin, run.WindowEnd, period) : null;
        }

        /// <summary>The articles of the window on the variant's topics, in its language where translated (both cached: most share them).</summary>
        private async Task<IReadOnlyList<IndexedArticle>> SelectAsync(Due due, DigestVariant variant, CancellationToken ct)
        {
            if (_selections.TryGetValue((due.Start, due.End, variant.Id), out var selected)) return selected;
            IReadOnlyList<IndexedArticle> window;
            if (period.IsAlert)
                window = AlertGroup;
            else if (!_windows.TryGetValue((due.Start, due.End), out window!))
                // Bounds again here, to the tick: storage compares instants more coarsely.
                _windows[(due.Start, due.End)] = window = (await planner._articles.ListAvailableAsync(due.Start, due.End, ct))
                    .Where(a => a.AvailableAt >= due.Start && a.AvailableAt < due.End).ToList();
            return _selections[(due.Start, due.End, variant.Id)] = variant.Select(window);
        }

        private async Task AddAsync(Subscriber s, DateTimeOffset version, Due due, DigestVariant variant, IReadOnlyList<IndexedArticle> selected, CancellationToken ct)
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
            if (group.Pending.Count >= planner._delivery.Value.BatchSize)
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
                var correction = Corrected is not null;
                await Task.WhenAll(
                    planner._archive.SaveAsync(run.RunId, group.Id,
                        planner._renderer.Render(group.Shown, group.Articles, group.Variant.Language, planner._links.ViewDigest(run.RunId, group.Id), correction), ct),
                    planner._archive.SaveRenderingAsync(run.RunId, group.Id, new DigestRendering(group.Shown, group.Variant.Language, correction, group.Articles), ct));
                group.Rendered = true;
                Renderings++;
                Articles.UnionWith(group.Articles.Select(a => a.BlobName));
            }
            await planner._ledger.WriteBatchesAsync(run.RunId, run.PlanId, Batches, [new PlannedBatch(group.Id, group.Pending.ToList())], run.UpdatedAt, ct);
            Batches++;
            group.Pending.Clear();
        }
    }

    /// <summary>What a scheduled digest says it covers: the subscriber's local day, or for a weekly digest the week before it.</summary>
    private static DigestPeriod Shown(DigestFrequency frequency, DateOnly day)
        => frequency == DigestFrequency.Weekly
            ? new DigestPeriod(frequency, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day.AddDays(-7))
            : new DigestPeriod(frequency, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day);
}
