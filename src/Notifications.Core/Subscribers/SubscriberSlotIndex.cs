using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>Counts of what <see cref="SubscriberSlotIndex.KeepUpAsync"/> did: the sweep's slice and the write log's retention.</summary>
/// <param name="Checked">Subscriber rows and locators of the slice compared.</param>
/// <param name="Repaired">Subscribers whose cards were recorded again (or removed) because they did not match their row.</param>
/// <param name="WriteLogPartitionsDeleted">Hours of the write log older than its retention, deleted.</param>
/// <param name="StrayCards">Cards of the slice in a group their subscriber's locator does not list (two racing writes), deleted.</param>
public sealed record SlotIndexUpkeep(int Checked, int Repaired, int WriteLogPartitionsDeleted, int StrayCards = 0);

/// <summary>What the index read since the process started (the planner's and the benchmark's evidence of what a tick costs).</summary>
public sealed class SlotIndexReads
{
    private long _cardPartitions, _cards, _written, _fullReads;

    /// <summary>Card partitions queried (one per due group and bucket).</summary>
    public long CardPartitions => Interlocked.Read(ref _cardPartitions);

    /// <summary>Cards read.</summary>
    public long Cards => Interlocked.Read(ref _cards);

    /// <summary>Subscribers written since a tick's window, point-read from the subscribers table.</summary>
    public long WrittenSince => Interlocked.Read(ref _written);

    /// <summary>Reads of everyone (index not built, or too many writes since the previous tick).</summary>
    public long FullReads => Interlocked.Read(ref _fullReads);

    internal void AddCardPartition() => Interlocked.Increment(ref _cardPartitions);
    internal void AddCard() => Interlocked.Increment(ref _cards);
    internal void AddWritten(int count) => Interlocked.Add(ref _written, count);
    internal void AddFullRead() => Interlocked.Increment(ref _fullReads);
}

/// <summary>
/// The slot index's settings, read from the <c>Schedule</c> section (where <c>ScheduleOptions</c> in Digests validates them; this
/// class has no <c>Section</c> of its own so the section is bound and validated once).
/// </summary>
public sealed class SlotIndexOptions
{
    /// <summary>The sweep compares every subscriber with their locator once in this many days (a slice each hourly tick).</summary>
    public int SlotIndexSweepDays { get; set; } = 28;
}

/// <summary>
/// The slot index (issue 18, docs/architecture.md): table <c>Storage:SubscriberSlotsTable</c> holding a card (what planning needs) of
/// every Active subscriber in their slot group (daily/weekly) and in a topic group per topic (or "*"), so that an hourly tick reads the
/// subscribers due at that hour and an alert the followers of its topics, instead of everyone.
/// <list type="bullet">
/// <item>cards: partition <c>c-{groupId}-{b}</c> (b = the id's first hex digit), row key the subscriber id;</item>
/// <item>directory <c>groups</c>: one row per group that ever held a card (its frequency, zone, hour, day, or topic);</item>
/// <item>locators <c>l-{b}</c>: per subscriber, the groups holding their cards and the <c>UpdatedAt</c> they reflect;</item>
/// <item>write log <c>w-{yyyyMMddHH}</c>: every subscriber write, logged before the row write (row key ticks.id), so that a tick reads
/// the subscribers written since the previous one from the table itself: a write whose cards were not recorded (a crash) is still
/// seen, and repaired;</item>
/// <item>meta <c>meta/build</c>: the build's cursor (subscribers indexed from an existing table, in id order) and whether it is done.</item>
/// </list>
/// <see cref="SubscriberStore"/> calls <see cref="LogWritesAsync"/> before and <see cref="RecordAsync(IReadOnlyList{Subscriber}, CancellationToken)"/>
/// after each of its writes. The index reads the subscribers table itself (it never needs the store, which calls it).
/// </summary>
public sealed partial class SubscriberSlotIndex(
    StorageResources storage, TimeProvider time, IOptions<SlotIndexOptions> options, ILogger<SubscriberSlotIndex> logger) : IPersonalDataStore
{
    /// <summary>How much earlier than its version a card is handed out, for index writes racing with departures and clocks that disagree.</summary>
    public static readonly TimeSpan VersionMargin = TimeSpan.FromMinutes(5);

    /// <summary>How long the write log is kept (the tick deletes older hours).</summary>
    public static readonly TimeSpan WriteLogRetention = TimeSpan.FromDays(3);

    /// <summary>How far back an alert reads the subscribers written recently, besides the cards of its topics.</summary>
    public static readonly TimeSpan AlertWrittenSince = TimeSpan.FromHours(2);

    /// <summary>More subscribers written since the previous tick than this, and the tick reads everyone instead (cheaper than point reads).</summary>
    public int FullReadAbove { get; set; } = 20_000;

    /// <summary>What this instance's index read so far.</summary>
    public SlotIndexReads Reads { get; } = new();

    private TableClient Table => storage.SubscriberSlots;

    /// <summary>
    /// Indexes up to <paramref name="maxSubscribers"/> more subscribers of the table, from the build's cursor on, in id order; marks the
    /// index built when it reaches the end. Idempotent and resumable: the planner calls it before each tick until it returns true.
    /// </summary>
    /// <returns>True when the index is built (now or before).</returns>
    public Task<bool> ContinueBuildAsync(int maxSubscribers, CancellationToken ct = default) => BuildStepAsync(maxSubscribers, ct);

    /// <summary>Every slot group of a frequency that ever held a card (the directory; a group may be empty now).</summary>
    public async Task<IReadOnlyList<SlotGroup>> ListSlotGroupsAsync(DigestFrequency frequency, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var groups = new List<SlotGroup>();
        await foreach (var e in Table.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter(
                               $"PartitionKey eq {SlotIndexKeys.Directory} and Kind eq {"slot"} and Frequency eq {frequency.ToString()}"),
                           cancellationToken: ct))
            groups.Add(new SlotGroup(frequency, e.GetString("TimeZone") ?? "UTC", e.GetInt32("DeliveryHour"),
                SubscriberRules.StoredWeeklyDay(e.GetString("WeeklyDay"))));
        return groups;
    }

    /// <summary>
    /// The candidates of a scheduled tick, in subscriber id order, each once: the cards of <paramref name="groups"/> (the due slot
    /// groups of <paramref name="frequency"/>) and every subscriber of that frequency written since <paramref name="writtenSince"/>
    /// (read from the table, any status: the caller skips those not Active), which replaces their card. Everyone of the frequency when
    /// the index is not built, or when more than <see cref="FullReadAbove"/> subscribers were written since.
    /// </summary>
    /// <returns>Each subscriber with the version of what was read (a card's: its <c>UpdatedAt</c> less <see cref="VersionMargin"/>).</returns>
    public IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamDueAsync(
        DigestFrequency frequency, IReadOnlyList<SlotGroup> groups, DateTimeOffset writtenSince, CancellationToken ct = default)
        => StreamCandidatesAsync(groups.Where(g => g.Frequency == frequency).Select(g => g.Id).Distinct().ToList(),
            s => s.Frequency == frequency, frequency, writtenSince, ct);

    /// <summary>
    /// The candidates of an alert, in subscriber id order, each once: the instant subscribers (every frequency's, when
    /// <paramref name="everyFrequency"/>) following one of <paramref name="topics"/> or all topics ("*" is added here), and every
    /// subscriber of those frequencies written since <paramref name="writtenSince"/> (read from the table, any status). Everyone (of
    /// those frequencies) when the index is not built, or when more than <see cref="FullReadAbove"/> subscribers were written since.
    /// </summary>
    public IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamFollowersAsync(
        IReadOnlyCollection<string> topics, bool everyFrequency, DateTimeOffset writtenSince, CancellationToken ct = default)
    {
        DigestFrequency[] frequencies = everyFrequency ? [DigestFrequency.Instant, DigestFrequency.Daily, DigestFrequency.Weekly] : [DigestFrequency.Instant];
        var groupIds = frequencies
            .SelectMany(f => topics.Append(TopicGroup.AllTopics).Distinct(StringComparer.Ordinal).Select(t => new TopicGroup(f, t).Id))
            .Distinct().ToList();
        return StreamCandidatesAsync(groupIds, s => everyFrequency || s.Frequency == DigestFrequency.Instant,
            everyFrequency ? null : DigestFrequency.Instant, writtenSince, ct);
    }

    /// <summary>
    /// The index's upkeep at an hourly tick: compares one slice of the id space (1/(<c>Schedule:SlotIndexSweepDays</c> × 24) of it, by
    /// the hour of <paramref name="at"/>) of subscriber rows with their locators and records again whatever does not match; deletes the
    /// write log's hours older than <see cref="WriteLogRetention"/>.
    /// </summary>
    public Task<SlotIndexUpkeep> KeepUpAsync(DateTimeOffset at, CancellationToken ct = default) => SweepAsync(at, ct);

    /// <summary>Indexes every subscriber of the table again, now (<c>notify subscribers reindex</c>); returns how many were read.</summary>
    public Task<int> RebuildAsync(CancellationToken ct = default) => RebuildAllAsync(ct);
}
