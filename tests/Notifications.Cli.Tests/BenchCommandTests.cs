using Azure.Data.Tables;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>The benchmark as a smoke test: it runs, reports, and cleans up after itself. No timing is asserted.</summary>
// One at a time: each counts the "bench…" tables and containers left behind, which another benchmark running meanwhile has.
[Collection("benchmarks")]
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

    [Fact]
    public async Task TicksBenchmarkAfterReadsAboutTheDueSubscribersWhereBeforeReadEveryoneAndLeavesNoTablesBehind()
    {
        var settings = TestSettings.For(azurite);
        var tables = new TableServiceClient(azurite.ConnectionString);
        var before = await CountBenchTablesAsync(tables);

        var run = await CliRun.RunAsync(settings, "bench", "ticks", "--subscribers", "600", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var r = json.RootElement;
        Assert.Equal(600, r.GetProperty("subscribers").GetInt32());
        var (old, now) = (r.GetProperty("before"), r.GetProperty("after"));
        Assert.Equal(24, old.GetProperty("ticks").GetArrayLength());
        Assert.Equal(24, now.GetProperty("ticks").GetArrayLength());
        // The same people are mailed on both days (everyone daily once, the weekly ones due that day).
        var daily = r.GetProperty("daily").GetInt32();
        Assert.InRange(now.GetProperty("duePerDay").GetInt32(), daily, daily + r.GetProperty("weekly").GetInt32());
        // Before: every tick reads every daily and weekly subscriber. After: about once a day each.
        var (oldDay, nowDay) = (old.GetProperty("rowsPerDay").GetInt64(), now.GetProperty("rowsPerDay").GetInt64());
        Assert.True(oldDay >= 20L * r.GetProperty("daily").GetInt32(), $"before read {oldDay} rows a day");
        Assert.True(nowDay * 5 < oldDay, $"after read {nowDay} rows a day, before {oldDay}");
        // The busiest tick reads about the subscribers it mails (their cards), not everyone.
        var busiest = now.GetProperty("busiestByDue");
        var due = busiest.GetProperty("due").GetInt32();
        Assert.True(due > 0);
        Assert.InRange(busiest.GetProperty("rows").GetInt64(), due, (long)(due * 1.5) + 20);
        // An alert reads its followers' cards, not everyone.
        Assert.True(now.GetProperty("alert").GetProperty("rows").GetInt64() < old.GetProperty("alert").GetProperty("rows").GetInt64());
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
