using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Storage;
using Notifications.Subscribers;

namespace Notifications.Benchmarks;

/// <summary>One kind of query: its median and 95th percentile over the runs, in ms, and how many it matched.</summary>
public sealed record SearchQueryFigure(string Kind, string Query, int Matches, double MedianMs, double P95Ms);

/// <summary>The figures at one size.</summary>
/// <param name="ColdLoadMs">A new instance's first search: the snapshot and logs read and parsed.</param>
/// <param name="RebuildMs">Building the index from the table (<c>notify subscribers reindex</c>), snapshot written.</param>
/// <param name="UpdateMs">One subscriber change through the store (table read and write, index append), median.</param>
/// <param name="FloorMs">The same change straight on the table (read and replace), median: the index's share is the difference.</param>
/// <param name="IndexOpsPerChange">Blob operations of the index per change (the append).</param>
/// <param name="IndexBytesPerChange">Bytes appended to the change log per change.</param>
/// <param name="CatchUpMs">Another instance's search after all those changes (it reads only what was appended).</param>
/// <param name="FreshnessCheckMs">The one storage operation in every search (the live log's properties) alone, median: the floor.</param>
public sealed record SearchSizeFigures(int Subscribers, double ColdLoadMs, double RebuildMs, long SnapshotBytes, IReadOnlyList<SearchQueryFigure> Queries,
    int Changes, double UpdateMs, double FloorMs, double IndexOpsPerChange, double IndexBytesPerChange, double CatchUpMs, double FreshnessCheckMs);

/// <summary>
/// The subscriber search index (<c>notify bench search</c>): N generated subscribers (names and organisations with accents, three
/// languages, 40 countries), then per size the time per query of several kinds on an instance that has the index in memory (each
/// search includes its one storage operation: the live log's length), a cold start, a rebuild, and the cost of a subscriber change.
/// Run it on containers and tables of its own.
/// </summary>
public sealed class SearchBenchmark(IServiceProvider services, StorageResources storage, SubscriberStore store, SubscriberSearchIndex index)
{
    private static readonly string[] First =
        ["Aziz", "Dilnoza", "Jane", "Marie", "Olivier", "Алексей", "Ирина", "Björn", "Zoë", "Łukasz", "Nour", "Chloé", "Tomás", "Kwame", "Mei"];
    private static readonly string[] Last =
        ["Karimov", "Smith", "Dupont", "Петров", "Иванова", "Müller", "Nowak", "Ahmed", "García", "Okafor", "Lefèvre", "Sørensen", "Chen"];
    private static readonly string[] Bodies =
        ["Customs Committee", "Revenue and Customs", "Direction générale des douanes", "Федеральная таможенная служба", "Customs Administration",
         "Agence des douanes et accises", "State Customs Service", "Tax and Customs Board", "Служба таможни", "Zollverwaltung"];
    private static readonly string[] Countries =
        [.. "UZ GB FR RU DE PL JO ES NG DK CN KZ KG TJ TM AZ AM GE UA MD BE NL IT PT SE FI NO EE LV LT CZ SK HU RO BG GR TR EG MA KE".Split(' ')];
    private static readonly string[] Languages = ["en", "ru", "fr"];

    public async Task<IReadOnlyList<SearchSizeFigures>> RunAsync(IReadOnlyList<int> sizes, int runs, int changes, Action<string> progress,
        CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var figures = new List<SearchSizeFigures>();
        var written = 0;
        foreach (var size in sizes.Order())
        {
            progress($"writing subscribers {written:N0} to {size:N0}...");
            await Parallel.ForEachAsync(Enumerable.Range(written, size - written).Chunk(1000),
                new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
                async (chunk, token) => await store.WriteManyAsync(chunk.Select(Generate).ToList(), token));
            written = size;

            progress($"{size:N0}: rebuild...");
            var rebuild = Stopwatch.StartNew();
            await index.RebuildAsync(ct);
            var rebuildMs = rebuild.Elapsed.TotalMilliseconds;
            var snapshotBytes = (await storage.SubscriberIndex.GetBlobClient("snapshot.jsonl.gz").GetPropertiesAsync(cancellationToken: ct))
                .Value.ContentLength;

            // Another instance: nothing in memory.
            var other = ActivatorUtilities.CreateInstance<SubscriberSearchIndex>(services);
            var cold = Stopwatch.StartNew();
            await other.SearchAsync(new SubscriberQuery("ka"), ct);
            var coldMs = cold.Elapsed.TotalMilliseconds;

            progress($"{size:N0}: queries...");
            var freshness = await FreshnessCheckAsync(runs, ct);
            var queries = new List<SearchQueryFigure>();
            foreach (var (kind, query) in Queries())
                queries.Add(await MeasureAsync(other, kind, query, runs, ct));

            progress($"{size:N0}: {changes} changes...");
            var (updateMs, floorMs, ops, bytes) = await ChangesAsync(size, changes, ct);
            var catchUp = Stopwatch.StartNew();
            await other.SearchAsync(new SubscriberQuery("ka"), ct);
            figures.Add(new SearchSizeFigures(size, coldMs, rebuildMs, snapshotBytes, queries, changes, updateMs, floorMs, ops, bytes,
                catchUp.Elapsed.TotalMilliseconds, freshness));
        }
        return figures;
    }

    private static IEnumerable<(string Kind, SubscriberQuery Query)> Queries() =>
    [
        ("2 letters", new SubscriberQuery("ka")),
        ("part of an organisation", new SubscriberQuery("douan")),
        ("accents ignored", new SubscriberQuery("societe generale")),
        ("no match", new SubscriberQuery("zzqxv")),
        ("text + status, language, country", new SubscriberQuery("cust", SubscriberStatus.Active, Language: "ru", Country: "UZ")),
        ("no text, by organisation, page 10", new SubscriberQuery(Sort: SubscriberSort.Organization, Descending: true, Skip: 450)),
        ("segment count (frequency + topic)", new SubscriberQuery(Frequency: DigestFrequency.Weekly, Topic: "e-commerce", Take: 0)),
    ];

    private static async Task<SearchQueryFigure> MeasureAsync(SubscriberSearchIndex instance, string kind, SubscriberQuery query, int runs,
        CancellationToken ct)
    {
        var result = await instance.SearchAsync(query, ct); // the sort order's first use, outside the measurement
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await instance.SearchAsync(query, ct);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return new SearchQueryFigure(kind, query.Text ?? "", result.Total, times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.95) - 1]);
    }

    /// <summary>Changes (a new name) through the store, and the same read-and-replace straight on the table (the floor), alternated.</summary>
    private async Task<(double UpdateMs, double FloorMs, double Ops, double Bytes)> ChangesAsync(int size, int changes, CancellationToken ct)
    {
        var random = new Random(size);
        var updates = new List<double>(changes);
        var floors = new List<double>(changes);
        var opsBefore = index.StorageOperations;
        var bytesBefore = await LogBytesAsync(ct);
        for (var i = 0; i < changes; i++)
        {
            var id = store.IdOf(Email(random.Next(size)));
            var watch = Stopwatch.StartNew();
            await store.UpdateAsync(id, s => s with { Name = s.Name + "·" }, ct);
            updates.Add(watch.Elapsed.TotalMilliseconds);

            var floorId = store.IdOf(Email(random.Next(size)));
            watch.Restart();
            var row = (await storage.Subscribers.GetEntityAsync<TableEntity>("subscriber", floorId, cancellationToken: ct)).Value;
            row["Name"] = row.GetString("Name") + "·";
            await storage.Subscribers.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
            floors.Add(watch.Elapsed.TotalMilliseconds);
        }
        var ops = (index.StorageOperations - opsBefore) / (double)changes;
        var bytes = (await LogBytesAsync(ct) - bytesBefore) / (double)changes;
        updates.Sort();
        floors.Sort();
        return (updates[changes / 2], floors[changes / 2], ops, bytes);
    }

    private async Task<double> FreshnessCheckAsync(int runs, CancellationToken ct)
    {
        string? live = null;
        await foreach (var blob in storage.SubscriberIndex.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "log-" }, ct))
            live = blob.Name;
        var client = storage.SubscriberIndex.GetBlobClient(live ?? throw new InvalidOperationException("The index has no change log."));
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await client.GetPropertiesAsync(cancellationToken: ct);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[runs / 2];
    }

    private async Task<long> LogBytesAsync(CancellationToken ct)
    {
        long total = 0;
        await foreach (var blob in storage.SubscriberIndex.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "log-" }, ct))
            total += blob.Properties.ContentLength ?? 0;
        return total;
    }

    private static string Email(int i) => $"official{i:D6}@customs{i % Countries.Length:D2}.example";

    private Subscriber Generate(int i)
    {
        var country = Countries[i % Countries.Length];
        var organization = $"{Bodies[i / 7 % Bodies.Length]} of {country}" + (i % 97 == 0 ? " (Société Générale)" : "");
        var subscriber = store.Create(new NewSubscriber(Email(i), $"{First[i % First.Length]} {Last[i / 3 % Last.Length]}", organization,
            Languages[i % 3], (DigestFrequency)(i % 3), i % 11 == 0 ? SubscriberStatus.Unsubscribed : SubscriberStatus.Active, country,
            i % 5 == 0 ? ["e-commerce"] : null), "bench");
        return subscriber;
    }
}
