using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Notifications.Articles;
using Notifications.Storage;

namespace Notifications.Benchmarks;

public sealed record IngestBenchmarkResult(int Articles, int Concurrency, int Rounds, TimeSpan Floor, TimeSpan Pipeline,
    IReadOnlyDictionary<IngestOutcome, int> Outcomes)
{
    public double FloorPerSecond => Articles / Floor.TotalSeconds;
    public double PipelinePerSecond => Articles / Pipeline.TotalSeconds;
    /// <summary>How much longer the pipeline takes than the storage work alone (1.0 = no overhead).</summary>
    public double Ratio => Pipeline.TotalSeconds / Floor.TotalSeconds;
}

/// <summary>
/// Ingest throughput (<c>notify bench ingest</c>): N generated articles (Markdown, pasted text and HTML, a few rejected), each
/// uploaded and ingested as the trigger would. The floor, measured in the same run on the same storage, does only the
/// storage work an ingestion cannot avoid: upload, download, one index row. Run it on containers and tables of its own.
/// </summary>
public sealed class IngestBenchmark(StorageResources storage, ArticlePublisher publisher, ArticleIngestor ingestor)
{
    /// <param name="rounds">Floor and pipeline alternate this many times; each reports its best round (noise on a shared machine only slows).</param>
    public async Task<IngestBenchmarkResult> RunAsync(int articles, int concurrency, int rounds = 3, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct };

        // Warm up both paths (connections, JIT, every format) outside the measurement.
        await Parallel.ForEachAsync(Enumerable.Range(0, 40).Select(i => Generate(i, round: -1)), options, async (f, token) =>
        {
            await FloorAsync("warmup/floor/" + f.Name, f.Content, token);
            await publisher.PublishAsync("warmup/" + f.Name, new MemoryStream(f.Content), token);
            await ingestor.IngestAsync("warmup/" + f.Name, token);
        });

        var floor = TimeSpan.MaxValue;
        var pipeline = TimeSpan.MaxValue;
        var outcomes = new IngestOutcome[articles];
        for (var round = 0; round < rounds; round++)
        {
            // New content every round: the same content again would be (rightly) ingested as duplicates.
            var files = Enumerable.Range(0, articles).Select(i => Generate(i, round)).ToList();
            var floorRound = Stopwatch.StartNew();
            await Parallel.ForEachAsync(files, options, async (f, token) => await FloorAsync("floor/" + f.Name, f.Content, token));
            floor = Min(floor, floorRound.Elapsed);

            var pipelineRound = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), options, async (i, token) =>
            {
                var name = files[i].Name;
                await publisher.PublishAsync(name, new MemoryStream(files[i].Content), token);
                outcomes[i] = (await ingestor.IngestAsync(name, token)).Outcome;
            });
            pipeline = Min(pipeline, pipelineRound.Elapsed);
        }

        return new IngestBenchmarkResult(articles, concurrency, rounds, floor, pipeline,
            outcomes.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count()));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>The storage work alone: upload, download, hash, one table row.</summary>
    private async Task FloorAsync(string name, byte[] content, CancellationToken ct)
    {
        var blob = storage.Articles.GetBlobClient(name);
        await blob.UploadAsync(new BinaryData(content), overwrite: true, ct);
        var downloaded = (await blob.DownloadContentAsync(ct)).Value.Content.ToArray();
        var row = new TableEntity("floor", TableKey.Encode(name)) { ["ContentHash"] = Convert.ToHexStringLower(SHA256.HashData(downloaded)) };
        await storage.ArticleIndex.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
    }

    private static (string Name, byte[] Content) Generate(int i, int round)
    {
        var (name, content) = Generate(i);
        return ($"round{round}/{name}", [.. content, .. Encoding.UTF8.GetBytes($"\nRound {round}.\n")]);
    }

    private static (string Name, byte[] Content) Generate(int i)
    {
        var session = 200 + i % 50;
        var day = 1 + i % 27;
        return (i % 20) switch
        {
            19 => ($"bench/{i:D6}-rejected.md", Encoding.UTF8.GetBytes($"---\ntitle: Report {i}\npublished: 2026-13-{day:D2}\n---\nBody.\n")),
            var k when k % 3 == 0 => ($"bench/{i:D6}.txt", Encoding.UTF8.GetBytes(
                $"Home / News / Contact\n\nThe {session}th session of the Permanent Technical Committee (PTC) was held from {day} to {day + 1} " +
                    $"March 2026 in Brussels with online participation (report {i})\n\n" +
                $"Delegates discussed cross-border e-commerce, the data model and non-intrusive inspection. {Filler(i)}\n\nSecretariat of the Committee\n")),
            var k when k % 3 == 1 => ($"bench/{i:D6}.html", Encoding.UTF8.GetBytes(
                $"<!DOCTYPE html><html><head><title>Report {i} | Secretariat</title><script>track()</script></head><body><nav><a href=\"/\">Home</a></nav>" +
                $"<main><article><h1>Enforcement Committee report {i}</h1><p>The Enforcement Committee met on {day} April 2026 in Baku.</p><p " +
                    $"onclick=\"x()\">{Filler(i)}</p></article></main>" +
                "<footer>© Secretariat</footer></body></html>")),
            _ => ($"bench/{i:D6}.md", Encoding.UTF8.GetBytes(
                $"---\ntitle: Working Party report {i}\npublished: 2026-05-{day:D2}\ntopics: [trade facilitation]\n---\n" +
                $"The {session}th and {session + 1}th sessions of the Working Party took place on {day}–{day + 1} May 2026 in Tashkent.\n\n{Filler(i)}\n")),
        };
    }

    private static string Filler(int i)
        => string.Concat(Enumerable.Repeat($"Members reviewed item {i} of the work programme and agreed to report back at the next session. ", 12));
}
