using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Benchmarks;
using Notifications.Storage;

namespace Notifications.Cli.Commands;

/// <summary><c>notify bench search</c>: the subscriber search index at 10k and 100k subscribers (<see cref="SearchBenchmark"/>).</summary>
public static class SearchBenchCommand
{
    public static Command Create(CliContext cli, IReadOnlyDictionary<string, string?> ownStorage)
    {
        var sizes = new Option<string>("--sizes")
        { Description = "Subscriber counts, comma separated, measured in turn on the same growing store.", DefaultValueFactory = _ => "10000,100000" };
        var runs = new Option<int>("--runs") { Description = "Times each query runs (median and 95th percentile).", DefaultValueFactory = _ => 50 };
        var changes = new Option<int>("--changes") { Description = "Subscriber changes measured per size.", DefaultValueFactory = _ => 100 };
        var search = new Command("search",
            "The subscriber search index: ms per query of several kinds at each size, a cold start, a rebuild, and the cost of a subscriber change " +
            "(ms against a table-only floor, blob operations, bytes appended).")
            { sizes, runs, changes, CliContext.JsonOption };
        search.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var counts = parse.GetValue(sizes)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 100 ? n
                    : throw new ArgumentException($"--sizes: '{s}' is not a whole number of at least 100.")).Distinct().ToList();
            if (parse.GetValue(runs) is < 5 or > 10_000) throw new ArgumentException("--runs must be between 5 and 10000.");
            if (parse.GetValue(changes) is < 2 or > 10_000) throw new ArgumentException("--changes must be between 2 and 10000.");
            try
            {
                var figures = await services.GetRequiredService<SearchBenchmark>().RunAsync(counts, parse.GetValue(runs), parse.GetValue(changes),
                    line => cli.Error.WriteLine(line), ct);
                if (parse.GetValue(CliContext.JsonOption))
                {
                    await cli.WriteJsonAsync(figures);
                    return 0;
                }
                foreach (var f in figures)
                {
                    await cli.Out.WriteLineAsync($"{f.Subscribers:N0} subscribers: cold start {f.ColdLoadMs:F0} ms, rebuild {f.RebuildMs:F0} ms, " +
                        $"snapshot {f.SnapshotBytes / 1024.0:F0} KiB; the storage check alone (every search makes one): {f.FreshnessCheckMs:F2} ms");
                    foreach (var q in f.Queries)
                        await cli.Out.WriteLineAsync($"  {q.Kind,-36} {q.Matches,8:N0} found  median {q.MedianMs,7:F2} ms  p95 {q.P95Ms,7:F2} ms");
                    await cli.Out.WriteLineAsync($"  change (store, with index): {f.UpdateMs:F2} ms; table only: {f.FloorMs:F2} ms; index: " +
                        $"{f.IndexOpsPerChange:F2} blob ops and {f.IndexBytesPerChange:F0} bytes per change; another instance caught up on " +
                        $"{f.Changes} changes in {f.CatchUpMs:F1} ms");
                }
            }
            finally
            {
                await services.GetRequiredService<StorageResources>().DeleteAllAsync();
            }
            return 0;
        }, commandSettings: ownStorage, startStorage: true));
        return search;
    }
}
