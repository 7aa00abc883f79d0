using Azure.Storage.Blobs;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary><c>notify bench search</c> as a smoke test: it measures every kind of query at each size, one append per change, and cleans up.</summary>
// One at a time: each counts the "bench…" tables and containers left behind, which another benchmark running meanwhile has.
[Collection("benchmarks")]
public sealed class SearchBenchCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SearchBenchmarkReportsEachSizeAndLeavesNoIndexBehind()
    {
        var settings = TestSettings.For(azurite);
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var before = await CountBenchContainersAsync(blobs);

        var run = await CliRun.RunAsync(settings, "bench", "search", "--sizes", "300,600", "--runs", "5", "--changes", "4", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var sizes = json.RootElement.EnumerateArray().ToList();
        Assert.Equal([300, 600], sizes.Select(s => s.GetProperty("subscribers").GetInt32()));
        foreach (var size in sizes)
        {
            var queries = size.GetProperty("queries").EnumerateArray()
                .ToDictionary(q => q.GetProperty("kind").GetString()!, q => q.GetProperty("matches").GetInt32());
            Assert.Equal(7, queries.Count);
            Assert.Equal(0, queries["no match"]);
            Assert.InRange(queries["2 letters"], 1, size.GetProperty("subscribers").GetInt32());
            Assert.Equal(size.GetProperty("subscribers").GetInt32(), queries["no text, by organisation, page 10"]);
            // One append per change, and a card's worth of bytes.
            Assert.Equal(1.0, size.GetProperty("indexOpsPerChange").GetDouble());
            Assert.InRange(size.GetProperty("indexBytesPerChange").GetDouble(), 100, 1000);
        }
        Assert.Equal(before, await CountBenchContainersAsync(blobs));
    }

    private static async Task<int> CountBenchContainersAsync(BlobServiceClient blobs)
    {
        var count = 0;
        await foreach (var c in blobs.GetBlobContainersAsync(cancellationToken: TestContext.Current.CancellationToken))
            if (c.Name.StartsWith("bench", StringComparison.Ordinal)) count++;
        return count;
    }
}
