using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Notifications.Articles;
using Notifications.Storage;

namespace Notifications.Benchmarks;

public sealed record IngestBenchmarkResult(int Articles, int Concurrency, TimeSpan Floor, TimeSpan Pipeline, IReadOnlyDictionary<IngestOutcome, int> Outcomes)
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
    public async Task<IngestBenchmarkResult> RunAsync(int articles, int concurrency, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var files = Enumerable.Range(0, articles).Select(Generate).ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct };

        // Warm up both paths (connections, JIT) outside the measurement.
        await FloorAsync("warmup/floor.md", files[0].Content, ct);
        await publisher.PublishAsync("warmup/pipeline.md", new MemoryStream(files[0].Content), ct);
        await ingestor.IngestAsync("warmup/pipeline.md", ct);

        var floor = Stopwatch.StartNew();
        await Parallel.ForEachAsync(files, options, async (f, token) => await FloorAsync("floor/" + f.Name, f.Content, token));
        floor.Stop();

        var outcomes = new IngestOutcome[files.Count];
        var pipeline = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), options, async (i, token) =>
        {
            await publisher.PublishAsync(files[i].Name, new MemoryStream(files[i].Content), token);
            outcomes[i] = (await ingestor.IngestAsync(files[i].Name, token)).Outcome;
        });
        pipeline.Stop();

        return new IngestBenchmarkResult(articles, concurrency, floor.Elapsed, pipeline.Elapsed,
            outcomes.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>The storage work alone: upload, download, hash, one table row.</summary>
    private async Task FloorAsync(string name, byte[] content, CancellationToken ct)
    {
        var blob = storage.Articles.GetBlobClient(name);
        await blob.UploadAsync(new BinaryData(content), overwrite: true, ct);
        var downloaded = (await blob.DownloadContentAsync(ct)).Value.Content.ToArray();
        var row = new TableEntity("floor", TableKey.Encode(name)) { ["ContentHash"] = Convert.ToHexStringLower(SHA256.HashData(downloaded)) };
        await storage.ArticleIndex.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
    }

    private static (string Name, byte[] Content) Generate(int i)
    {
        var session = 200 + i % 50;
        var day = 1 + i % 27;
        return (i % 20) switch
        {
            19 => ($"bench/{i:D6}-rejected.md", Encoding.UTF8.GetBytes($"---\ntitle: Report {i}\npublished: 2026-13-{day:D2}\n---\nBody.\n")),
            var k when k % 3 == 0 => ($"bench/{i:D6}.txt", Encoding.UTF8.GetBytes(
                $"Home / News / Contact\n\nThe {session}th session of the Permanent Technical Committee (PTC) was held from {day} to {day + 1} March 2026 in Brussels with online participation (report {i})\n\n" +
                $"Delegates discussed cross-border e-commerce, the data model and non-intrusive inspection. {Filler(i)}\n\nSecretariat of the Committee\n")),
            var k when k % 3 == 1 => ($"bench/{i:D6}.html", Encoding.UTF8.GetBytes(
                $"<!DOCTYPE html><html><head><title>Report {i} | Secretariat</title><script>track()</script></head><body><nav><a href=\"/\">Home</a></nav>" +
                $"<main><article><h1>Enforcement Committee report {i}</h1><p>The Enforcement Committee met on {day} April 2026 in Baku.</p><p onclick=\"x()\">{Filler(i)}</p></article></main>" +
                "<footer>© Secretariat</footer></body></html>")),
            _ => ($"bench/{i:D6}.md", Encoding.UTF8.GetBytes(
                $"---\ntitle: Working Party report {i}\npublished: 2026-05-{day:D2}\ntopics: [trade facilitation]\n---\n" +
                $"The {session}th and {session + 1}th sessions of the Working Party took place on {day}–{day + 1} May 2026 in Tashkent.\n\n{Filler(i)}\n")),
        };
    }

    private static string Filler(int i)
        => string.Concat(Enumerable.Repeat($"Members reviewed item {i} of the work programme and agreed to report back at the next session. ", 12));
}
