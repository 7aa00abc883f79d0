using Azure.Data.Tables;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>The benchmark as a smoke test: it runs, reports, and cleans up after itself. No timing is asserted.</summary>
public sealed class BenchCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task IngestBenchmarkReportsThroughputAndLeavesNoTablesBehind()
    {
        var settings = TestSettings.For(azurite);
        var tables = new TableServiceClient(azurite.ConnectionString);
        var before = await CountBenchTablesAsync(tables);

        var run = await CliRun.RunAsync(settings, "bench", "ingest", "--articles", "40", "--rounds", "1", "--concurrency", "4");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Ingested 40 articles, 4 at a time, best of 1 rounds: 38 accepted, 2 rejected.", run.OutputLines);
        Assert.Matches(@"^pipeline/floor: \d+\.\d\dx$", run.OutputLines[^1]);
        Assert.Equal(before, await CountBenchTablesAsync(tables));
    }

    [Fact]
    public async Task FanoutBenchmarkSendsEveryoneInTheFewestRequestsAndLeavesNoTablesBehind()
    {
        var settings = TestSettings.For(azurite);
        var tables = new TableServiceClient(azurite.ConnectionString);
        var before = await CountBenchTablesAsync(tables);

        // 2,500 subscribers in three languages: 834 + 833 + 833, one request each, however fast.
        var run = await CliRun.RunAsync(settings, "bench", "fanout", "--subscribers", "2500", "--naive-sample", "20", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var r = json.RootElement;
        Assert.Equal(2500, r.GetProperty("subscribers").GetInt32());
        Assert.Equal(3, r.GetProperty("variants").GetInt32());
        Assert.Equal(3, r.GetProperty("expectedRequests").GetInt32());
        Assert.Equal(3, r.GetProperty("pipeline").GetProperty("requests").GetInt32());
        Assert.Equal(2500, r.GetProperty("pipeline").GetProperty("recipients").GetInt64());
        Assert.Equal(3, r.GetProperty("floor").GetProperty("requests").GetInt32());
        Assert.Equal(20, r.GetProperty("naive").GetProperty("requests").GetInt32());
        Assert.True(r.GetProperty("pipeline").GetProperty("peakWorkingSet").GetInt64() > 0);
        Assert.Equal(before, await CountBenchTablesAsync(tables));
    }

    private static async Task<int> CountBenchTablesAsync(TableServiceClient tables)
    {
        var count = 0;
        await foreach (var t in tables.QueryAsync(cancellationToken: TestContext.Current.CancellationToken))
            if (t.Name.StartsWith("bench", StringComparison.Ordinal)) count++;
        return count;
    }
}
