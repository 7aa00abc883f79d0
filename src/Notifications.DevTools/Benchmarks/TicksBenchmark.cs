using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notifications.Articles;
using Notifications.Pipeline;
using Notifications.Storage;
using Notifications.Subscribers;

namespace Notifications.Benchmarks;

/// <summary>What one hourly tick (or one alert) read and planned.</summary>
/// <param name="Due">Recipients the tick's daily and weekly runs planned (the alert: its recipients).</param>
/// <param name="Rows">Subscriber rows read: entities of the subscribers table and the slot index's cards (partitions <c>c-…</c>).</param>
/// <param name="IndexRows">The slot index's other entities: group directory, locators, write log, build meta (none before).</param>
/// <param name="AllRows">Entities returned by every table (runs, watermarks, ledger, articles... included).</param>
/// <param name="Projected">Rows and index rows under Azure's targets, partitions read in parallel (<see cref="TableReads.ProjectedParallel"/>).</param>
/// <param name="Held">
/// Time the throttle held answers back (<c>--throttle</c>; summed over requests), to compare with <paramref name="ProjectedAllTables"/>.
/// </param>
/// <param name="ProjectedAllTables">The same model over every table the tick read (watermarks, runs, ledger... too).</param>
public sealed record TickReads(DateTimeOffset Hour, int Due, long Rows, long IndexRows, long AllRows, long Requests, int Partitions, TimeSpan Wall,
    TimeSpan Projected, long BusiestPartition, TimeSpan Held, TimeSpan ProjectedAllTables)
{
    /// <summary>The subscriber and index partitions read, for projections.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<PartitionRead> Detail { get; init; } = [];
}

/// <summary>A day of 24 ticks and the alerts, in one mode (<c>Schedule:UseSlotIndex</c> false: before; true: after).</summary>
public sealed record TicksMode(string Name, bool UseSlotIndex, IReadOnlyList<TickReads> Ticks, TickReads Alert, TickReads EveryFollowerAlert,
    long PeakWorkingSet, long PrepareRows)
{
    public TickReads BusiestByDue => Ticks.MaxBy(t => t.Due)!;
    public long IndexRowsPerDay => Ticks.Sum(t => t.IndexRows);

    /// <summary>The busiest tick projected to 100k, 300k and 1M subscribers (<see cref="TicksBenchmarkResult.ProjectAt"/>), in seconds.</summary>
    public IReadOnlyDictionary<string, double> ProjectedBusiest { get; init; } = new Dictionary<string, double>();
    public TickReads MostRows => Ticks.MaxBy(t => t.Rows)!;
    public TickReads FewestRows => Ticks.MinBy(t => t.Rows)!;
    public long MedianRows => Ticks.Select(t => t.Rows).Order().ElementAt(Ticks.Count / 2);
    public long RowsPerDay => Ticks.Sum(t => t.Rows);
    public int DuePerDay => Ticks.Sum(t => t.Due);
}

public sealed record TicksBenchmarkResult(int Subscribers, int Daily, int Weekly, int Instant, bool Throttled, DateTimeOffset Day,
    TicksMode Before, TicksMode After)
{
    public double BeforeRowsPerDayOverN => (double)Before.RowsPerDay / Subscribers;
    public double AfterRowsPerDayOverN => (double)After.RowsPerDay / Subscribers;

    /// <summary>
    /// A tick's read time under the Azure targets at <paramref name="n"/> subscribers: its subscriber-row partitions scaled by n / measured
    /// N (same spread of zones, hours and frequencies: each due group grows in proportion), the index's other partitions (directory,
    /// write log: not in proportion to N) as measured; partitions read in parallel: max(busiest partition / 2,000, all / 20,000) s.
    /// </summary>
    public static TimeSpan ProjectAt(TickReads tick, int measuredN, int n)
    {
        var k = (double)n / measuredN;
        var scaled = tick.Detail.Select(p => TicksBenchmark.IsSubscriberRow(p) ? p.Entities * k : p.Entities).ToList();
        return scaled.Count == 0 ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Max(scaled.Max() / TableReadMeter.PartitionTarget, scaled.Sum() / TableReadMeter.AccountTarget));
    }
}

/// <summary>
/// <c>notify bench ticks</c>: N subscribers spread over the member administrations' zones (<see cref="TicksPopulation"/>), then, in
/// each mode, an instant alert, an <c>alert: true</c> alert and the 24 hourly ticks of one day (<see cref="HourPassed.RunDueAsync"/>,
/// sent to <see cref="SendGridSink"/>), counting the entities every table read returns (<see cref="TableReadMeter"/>). Before
/// (<c>Schedule:UseSlotIndex=false</c>) runs on day D, after on day D + 1, on the same subscribers (the after day is a steady state:
/// its first tick's window starts at the before day's last). Each mode has a host of its own, on a clock the benchmark sets.
/// </summary>
public sealed class TicksBenchmark(IConfiguration configuration)
{
    private readonly TableReadMeter _meter = new();
    private string _subscribersTable = "Subscribers";
    private string _slotsTable = "SubscriberSlots";

    /// <summary>A subscriber row: the subscribers table's, or a card of the slot index (partition <c>c-{group}-{bucket}</c>).</summary>
    internal static bool IsSubscriberRow(PartitionRead p)
        => p.Partition.StartsWith("c-", StringComparison.Ordinal) || !p.Table.EndsWith("SubscriberSlots", StringComparison.Ordinal);

    private bool Counted(string table) => table == _subscribersTable || table == _slotsTable;

    /// <summary>Runs before the after mode's day, with its services (e.g. the slot index built); returns nothing.</summary>
    public Func<IServiceProvider, CancellationToken, Task>? PrepareIndex { get; init; }

    /// <summary>Log what the pipeline does (to stderr), with timestamps.</summary>
    public bool Verbose { get; init; }

    public async Task<TicksBenchmarkResult> RunAsync(int n, bool throttle, Action<string>? progress = null, CancellationToken ct = default)
    {
        var day = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(2), TimeSpan.Zero);
        var clock = new BenchClock(day.AddDays(-1));
        var subscribersTable = configuration["Storage:SubscribersTable"] ?? "Subscribers";
        var slotsTable = configuration["Storage:SubscriberSlotsTable"] ?? "SubscriberSlots";
        _subscribersTable = subscribersTable;
        _slotsTable = slotsTable;

        int daily = 0, weekly = 0, instant = 0;
        TicksMode before, after;
        using (var seeding = await StartAsync(false, clock, ct))
        {
            progress?.Invoke($"Seeding {n:N0} subscribers over {TicksPopulation.Zones.Count} zones...");
            var store = seeding.Services.GetRequiredService<SubscriberStore>();
            await seeding.Services.GetRequiredService<StorageResources>().EnsureCreatedAsync();
            var counts = new int[3];
            await Parallel.ForEachAsync(Enumerable.Range(0, (n + 999) / 1000), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
                async (chunk, token) =>
                {
                    var people = Enumerable.Range(chunk * 1000, Math.Min(1000, n - chunk * 1000))
                        .Select(i => TicksPopulation.Subscriber(i, store.IdOf, day.AddDays(-30))).ToList();
                    foreach (var p in people) Interlocked.Increment(ref counts[(int)p.Frequency]);
                    await store.WriteManyAsync(people, token);
                });
            (daily, weekly, instant) = (counts[(int)DigestFrequency.Daily], counts[(int)DigestFrequency.Weekly], counts[(int)DigestFrequency.Instant]);
            await seeding.StopAsync(ct);
        }
        _meter.Throttle = throttle;
        before = await RunModeAsync("before", false, n, day, clock, progress, ct);
        after = await RunModeAsync("after", true, n, day.AddDays(1), clock, progress, ct);
        return new TicksBenchmarkResult(n, daily, weekly, instant, throttle, day, before, after);
    }

    private async Task<TicksMode> RunModeAsync(string name, bool useSlotIndex, int measuredN, DateTimeOffset day, BenchClock clock,
        Action<string>? progress, CancellationToken ct)
    {
        clock.Now = day.AddHours(-1);
        using var host = await StartAsync(useSlotIndex, clock, ct);
        var services = host.Services;
        long prepareRows = 0;
        if (useSlotIndex && PrepareIndex is { } prepare)
        {
            progress?.Invoke($"{name}: building the slot index...");
            _meter.Reset();
            await prepare(services, ct);
            prepareRows = _meter.Snapshot().Entities(Counted);
        }
        PeakMemory.Reset();
        progress?.Invoke($"{name}: alerts...");
        // The day's digest news: one article on every topic (its own alert planned here, not measured), so that everyone due is mailed.
        await AlertAsync(services, clock, day.AddMinutes(-50), $"bench/{name}-digest.md", "", ct, string.Join(", ", TicksPopulation.Topics));
        var alert = await AlertAsync(services, clock, day.AddMinutes(-35), $"bench/{name}-instant.md", "", ct);
        var everyone = await AlertAsync(services, clock, day.AddMinutes(-20), $"bench/{name}-everyone.md", "alert: true\n", ct);
        var hourPassed = services.GetRequiredService<HourPassed>();
        var ticks = new List<TickReads>();
        for (var h = 0; h < 24; h++)
        {
            var at = day.AddHours(h);
            clock.Now = at.AddMinutes(1);
            _meter.Reset();
            var watch = Stopwatch.StartNew();
            var results = await hourPassed.RunDueAsync(at, ct);
            var wall = watch.Elapsed;
            var due = results.Where(r => r.RunId.StartsWith("daily", StringComparison.Ordinal) || r.RunId.StartsWith("weekly", StringComparison.Ordinal))
                .Sum(r => r.PlannedRecipients);
            ticks.Add(Reads(at, due, wall));
            progress?.Invoke($"{name}: tick {at:HH}:00 UTC: {due:N0} due, {ticks[^1].Rows:N0} subscriber/index rows read, {wall.TotalSeconds:F2} s");
        }
        var peak = PeakMemory.Read();
        await host.StopAsync(ct);
        var busiest = ticks.MaxBy(t => t.Due)!;
        return new TicksMode(name, useSlotIndex, ticks, alert, everyone, peak, prepareRows)
        {
            ProjectedBusiest = ((int[])[100_000, 300_000, 1_000_000]).ToDictionary(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture),
                k => Math.Round(TicksBenchmarkResult.ProjectAt(busiest, measuredN, k).TotalSeconds, 2)),
        };
    }

    /// <summary>
    /// An article published and ingested at <paramref name="at"/>, its alert planned once its wait for translations is over (what is
    /// measured); its batches go at the next tick.
    /// </summary>
    private async Task<TickReads> AlertAsync(IServiceProvider services, BenchClock clock, DateTimeOffset at, string blob, string frontMatter,
        CancellationToken ct, string topics = "e-commerce")
    {
        clock.Now = at;
        var text = $"---\ntitle: News {blob}\npublished: {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\ntopics: [{topics}]\n{frontMatter}" +
            "summary: Delegates agreed the next steps.\n---\n" +
            string.Concat(Enumerable.Repeat("The Working Party met in Brussels and agreed the next steps. ", 10));
        await services.GetRequiredService<ArticlePublisher>().PublishAsync(blob, new MemoryStream(Encoding.UTF8.GetBytes(text)), ct);
        var ingested = await services.GetRequiredService<ArticleIngestor>().IngestAsync(blob, ct);
        if (ingested is not { Outcome: IngestOutcome.Accepted, Article: { } article })
            throw new InvalidOperationException($"The benchmark's article {blob} was not accepted ({ingested.Outcome}).");
        if (await services.GetRequiredService<ArticlePublished>().AlertWaitsUntilAsync(article, ct) is { } until && until > clock.Now)
            clock.Now = until;
        _meter.Reset();
        var watch = Stopwatch.StartNew();
        var alerts = await services.GetRequiredService<TranslationAlerts>().PlanDueAsync(article.TranslationKey ?? article.BlobName, clock.Now, ct);
        return Reads(at, alerts.Runs.Sum(r => r.RecipientCount), watch.Elapsed);
    }

    private TickReads Reads(DateTimeOffset at, int due, TimeSpan wall)
    {
        var reads = _meter.Snapshot();
        var ours = reads.Partitions.Where(p => Counted(p.Table)).ToList();
        var rows = ours.Where(IsSubscriberRow).Sum(p => p.Entities);
        return new TickReads(at, due, rows, ours.Sum(p => p.Entities) - rows, reads.Entities(), reads.Requests(Counted), ours.Count, wall,
            reads.ProjectedParallel(Counted), ours.Count == 0 ? 0 : ours.Max(p => p.Entities), _meter.Held, reads.ProjectedParallel())
        { Detail = ours };
    }

    private async Task<IHost> StartAsync(bool useSlotIndex, BenchClock clock, CancellationToken ct)
    {
        var config = new ConfigurationManager();
        config.AddConfiguration(configuration);
        config.AddInMemoryCollection(new Dictionary<string, string?> { ["Schedule:UseSlotIndex"] = useSlotIndex ? "true" : "false" });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Configuration = config });
        builder.Logging.SetMinimumLevel(Verbose ? LogLevel.Information : LogLevel.Error);
        if (Verbose)
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
            builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        }
        builder.Services.AddNotifications(builder.Configuration);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(new TablePipelinePolicy(_meter));
        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }

    /// <summary>The benchmark's clock: the hour it says, whatever the wall clock.</summary>
    private sealed class BenchClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
