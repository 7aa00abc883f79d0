using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Benchmarks;
using Notifications.Storage;
using Notifications.Local;

namespace Notifications.Cli.Commands;

public static class BenchCommands
{
    public static Command Create(CliContext cli)
    {
        var bench = new Command("bench", "Benchmarks you can rerun; each works on containers and tables of its own and removes them afterwards.");

        var articles = new Option<int>("--articles") { Description = "How many articles to ingest.", DefaultValueFactory = _ => 500 };
        var concurrency = new Option<int>("--concurrency")
        { Description = "Articles ingested at once (as concurrent trigger invocations).", DefaultValueFactory = _ => 8 };
        var rounds = new Option<int>("--rounds")
        { Description = "Floor and pipeline alternate this many times; the best round of each counts.", DefaultValueFactory = _ => 3 };
        var ingest = new Command("ingest",
            "Ingest throughput on the configured storage (Azurite by default, started if needed), against a storage-only floor.")
            { articles, concurrency, rounds };
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
        }, commandSettings: OwnStorage(prefix), startStorage: true));
        bench.Subcommands.Add(ingest);
        bench.Subcommands.Add(Fanout(cli));
        bench.Subcommands.Add(SearchBenchCommand.Create(cli, OwnStorage("bench" + Guid.NewGuid().ToString("N")[..8])));
        bench.Subcommands.Add(TicksBenchCommand.Create(cli, OwnStorage("bench" + Guid.NewGuid().ToString("N")[..8])));
        return bench;
    }

    private static Command Fanout(CliContext cli)
    {
        var subscribers = new Option<int>("--subscribers")
        { Description = "How many active daily subscribers (en, ru, fr in turn).", DefaultValueFactory = _ => 100_000 };
        var naiveSample = new Option<int>("--naive-sample")
        {
            Description = "Recipients the naive baseline (one rendering and request each) really sends; extrapolated to all.",
            DefaultValueFactory = _ => 5_000
        };
        var fanoutRounds = new Option<int>("--rounds")
        {
            Description = "Floor and pipeline alternate this many times (each pipeline round is another day's run); the best round of each counts.",
            DefaultValueFactory = _ => 2
        };
        var latency = new Option<int>("--latency-ms")
        {
            Description = "How long the local endpoint takes to answer each request (SendGrid's own time), in ms.",
            DefaultValueFactory = _ => 0
        };
        var fanout = new Command("fanout",
            "Plan and send a digest to N subscribers through a local SendGrid-compatible endpoint (202), against a floor (read the subscribers, " +
            "post ready payloads) and a naive baseline (one request per recipient), measured in the same run.")
            { subscribers, naiveSample, fanoutRounds, latency, CliContext.JsonOption };
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        var port = Notifications.Local.AzuriteLauncher.FreePort();
        var settings = new Dictionary<string, string?>(OwnStorage(prefix))
        {
            ["Delivery:Mode"] = "SendGrid",
            ["SendGrid:Host"] = $"http://127.0.0.1:{port}",
            ["SendGrid:ApiKey"] = "SG.bench-not-a-real-key",
            // What is measured is the pipeline's own cost: no throttle (SendGrid's real limits are handled by the resilience pipeline).
            ["Delivery:RequestsPerSecond"] = "0",
        };
        fanout.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var n = parse.GetValue(subscribers);
            var sample = parse.GetValue(naiveSample);
            if (n < 1) throw new ArgumentException("--subscribers must be at least 1.");
            if (sample < 1) throw new ArgumentException("--naive-sample must be at least 1.");
            if (parse.GetValue(latency) is < 0 or > 10_000) throw new ArgumentException("--latency-ms must be between 0 and 10000.");
            await using var sink = await SendGridSink.StartAsync(port, TimeSpan.FromMilliseconds(parse.GetValue(latency)));
            try
            {
                if (parse.GetValue(fanoutRounds) is < 1 or > 10) throw new ArgumentException("--rounds must be between 1 and 10.");
                var r = await services.GetRequiredService<FanoutBenchmark>().RunAsync(sink, n, sample, parse.GetValue(fanoutRounds),
                    line => cli.Error.WriteLine(line), ct);
                if (parse.GetValue(CliContext.JsonOption))
                {
                    await cli.WriteJsonAsync(r);
                    return 0;
                }
                static string Mb(long bytes) => $"{bytes / 1048576.0,7:F0} MB";
                await cli.Out.WriteLineAsync($"{r.Subscribers:N0} subscribers, {r.Variants} variants, endpoint latency {parse.GetValue(latency)} " +
                    $"ms; requests expected (⌈recipients/1000⌉ per variant): {r.ExpectedRequests}");
                await cli.Out.WriteLineAsync($"pipeline (plan + deliver): {r.Pipeline.Wall.TotalSeconds,8:F2} s  {r.Pipeline.Requests,6} requests  " +
                    $"{r.Pipeline.RecipientsPerSecond,9:N0} recipients/s  peak {Mb(r.Pipeline.PeakWorkingSet)}");
                await cli.Out.WriteLineAsync($"floor (read + post):       {r.Floor.Wall.TotalSeconds,8:F2} s  {r.Floor.Requests,6} requests  " +
                    $"{r.Floor.RecipientsPerSecond,9:N0} recipients/s  peak {Mb(r.Floor.PeakWorkingSet)}");
                await cli.Out.WriteLineAsync($"floor reading only:        {r.FloorRead.TotalSeconds,8:F2} s");
                await cli.Out.WriteLineAsync($"naive (read + {r.NaiveSample:N0} sent, extrapolated): {r.NaiveExtrapolated.TotalSeconds,8:F2} s  " +
                    $"{r.Subscribers,6} requests  {r.Subscribers / r.NaiveExtrapolated.TotalSeconds,9:N0} recipients/s  " +
                    $"peak {Mb(r.Naive.PeakWorkingSet)}");
                var beyondReading = r.NaiveOverPipelineBeyondReading is { } beyond
                    ? beyond.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "x"
                    : "n/a (the pipeline took no longer than reading)";
                await cli.Out.WriteLineAsync($"pipeline/floor: {r.PipelineOverFloor:F2}x   naive/pipeline: {r.NaiveOverPipeline:F1}x   " +
                    $"naive/pipeline beyond reading the subscribers: {beyondReading}");
                return r.Pipeline.Requests == r.ExpectedRequests ? 0 : 1;
            }
            finally
            {
                await services.GetRequiredService<StorageResources>().DeleteAllAsync();
            }
        }, commandSettings: settings, startStorage: true));
        return fanout;
    }

    /// <summary>Containers, tables and a queue of the benchmark's own, removed afterwards.</summary>
    private static Dictionary<string, string?> OwnStorage(string prefix) => new()
    {
        ["Storage:ArticlesContainer"] = prefix + "-articles",
        ["Storage:RejectedArticlesContainer"] = prefix + "-rejected",
        ["Storage:DigestsContainer"] = prefix + "-digests",
        ["Storage:ArticleIndexTable"] = prefix + "ArticleIndex",
        ["Storage:SubscribersTable"] = prefix + "Subscribers",
        ["Storage:SubscriberSlotsTable"] = prefix + "SubscriberSlots",
        ["Storage:DigestRunsTable"] = prefix + "DigestRuns",
        ["Storage:DigestWatermarksTable"] = prefix + "DigestWatermarks",
        ["Storage:DeliveryLedgerTable"] = prefix + "DeliveryLedger",
        ["Storage:AuditTable"] = prefix + "Audit",
        ["Storage:DeliveryEventsTable"] = prefix + "DeliveryEvents",
        ["Storage:DeliveryCountersTable"] = prefix + "DeliveryCounters",
        ["Storage:TemplatesContainer"] = prefix + "-templates",
        ["Storage:SubscriberIndexContainer"] = prefix + "-subscriber-index",
        ["Storage:ImportsContainer"] = prefix + "-imports",
        ["Storage:SendBatchesQueue"] = prefix + "-send-batches",
        // Every other table and queue of its own too: deleting the benchmark's storage must never touch the store it shares Azurite with.
        ["Storage:AlertsDueQueue"] = prefix + "-alerts-due",
        ["Storage:SubscribeConfirmationsQueue"] = prefix + "-subscribe-confirmations",
        ["Storage:SuppressionsTable"] = prefix + "Suppressions",
        ["Storage:SubscribeRequestsTable"] = prefix + "SubscribeRequests",
        ["Storage:AddressChangesTable"] = prefix + "AddressChanges",
        ["Storage:RecipientTimelineTable"] = prefix + "RecipientTimeline",
        ["Delivery:Mode"] = "Outbox",
        ["Delivery:OutboxPath"] = Path.Combine(Path.GetTempPath(), prefix),
    };
}
