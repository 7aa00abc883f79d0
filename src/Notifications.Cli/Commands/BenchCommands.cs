using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Benchmarks;
using Notifications.Storage;

namespace Notifications.Cli.Commands;

public static class BenchCommands
{
    public static Command Create(CliContext cli)
    {
        var bench = new Command("bench", "Benchmarks you can rerun; each works on containers and tables of its own and removes them afterwards.");

        var articles = new Option<int>("--articles") { Description = "How many articles to ingest.", DefaultValueFactory = _ => 500 };
        var concurrency = new Option<int>("--concurrency") { Description = "Articles ingested at once (as concurrent trigger invocations).", DefaultValueFactory = _ => 8 };
        var rounds = new Option<int>("--rounds") { Description = "Floor and pipeline alternate this many times; the best round of each counts.", DefaultValueFactory = _ => 3 };
        var ingest = new Command("ingest", "Ingest throughput on the configured storage (Azurite by default, started if needed), against a storage-only floor.") { articles, concurrency, rounds };
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        ingest.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var n = parse.GetValue(articles);
            var c = parse.GetValue(concurrency);
            if (n < 20) throw new ArgumentException("--articles must be at least 20.");
            if (c < 1) throw new ArgumentException("--concurrency must be at least 1.");
            if (parse.GetValue(rounds) is < 1 or > 10) throw new ArgumentException("--rounds must be between 1 and 10.");
            try
            {
                var r = await services.GetRequiredService<IngestBenchmark>().RunAsync(n, c, parse.GetValue(rounds), ct);
                await cli.Out.WriteLineAsync($"Ingested {r.Articles} articles, {r.Concurrency} at a time, best of {r.Rounds} rounds: " +
                    string.Join(", ", r.Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key.ToString().ToLowerInvariant()}")) + ".");
                await cli.Out.WriteLineAsync($"floor (upload, download, one row): {r.Floor.TotalSeconds,7:F2} s  {r.FloorPerSecond,8:F1} articles/s");
                await cli.Out.WriteLineAsync($"pipeline (upload + ingest):        {r.Pipeline.TotalSeconds,7:F2} s  {r.PipelinePerSecond,8:F1} articles/s");
                await cli.Out.WriteLineAsync($"pipeline/floor: {r.Ratio:F2}x");
            }
            finally
            {
                await services.GetRequiredService<StorageResources>().DeleteAllAsync();
            }
            return 0;
        }, commandSettings: new Dictionary<string, string?>
        {
            ["Storage:ArticlesContainer"] = prefix + "-articles",
            ["Storage:RejectedArticlesContainer"] = prefix + "-rejected",
            ["Storage:DigestsContainer"] = prefix + "-digests",
            ["Storage:ArticleIndexTable"] = prefix + "ArticleIndex",
            ["Storage:SubscribersTable"] = prefix + "Subscribers",
            ["Storage:DigestRunsTable"] = prefix + "DigestRuns",
            ["Storage:DigestWatermarksTable"] = prefix + "DigestWatermarks",
            ["Storage:DeliveryLedgerTable"] = prefix + "DeliveryLedger",
            ["Storage:AuditTable"] = prefix + "Audit",
            ["Storage:SendBatchesQueue"] = prefix + "-send-batches",
            ["Delivery:Mode"] = "Outbox",
            ["Delivery:OutboxPath"] = Path.Combine(Path.GetTempPath(), prefix),
        }, startStorage: true));
        bench.Subcommands.Add(ingest);
        return bench;
    }
}
