using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Benchmarks;
using Notifications.Storage;

namespace Notifications.Cli.Commands;

/// <summary>
/// <c>notify bench ticks</c>: a day of hourly ticks and two alerts, before (every tick reads everyone) and after (the slot index), with
/// the table rows each reads and the busiest tick's time projected under Azure Table's targets (<see cref="TicksBenchmark"/>).
/// </summary>
public static class TicksBenchCommand
{
    public static Command Create(CliContext cli, IReadOnlyDictionary<string, string?> ownStorage)
    {
        var subscribers = new Option<int>("--subscribers")
        { Description = "How many subscribers, spread over the member administrations' zones.", DefaultValueFactory = _ => 10_000 };
        var throttle = new Option<bool>("--throttle")
        { Description = "Hold table reads back to Azure Table's targets (2,000 entities/s per partition, 20,000/s per account)." };
        var ticks = new Command("ticks",
            "24 hourly ticks and two alerts on N subscribers, with Schedule:UseSlotIndex false (before) and true (after): rows read per tick, " +
            "per day and per alert, and the busiest tick's time projected under Azure Table's targets.")
            { subscribers, throttle, CliContext.JsonOption };
        var port = Notifications.Local.AzuriteLauncher.FreePort();
        var settings = new Dictionary<string, string?>(ownStorage)
        {
            ["Delivery:Mode"] = "SendGrid",
            ["SendGrid:Host"] = $"http://127.0.0.1:{port}",
            ["SendGrid:ApiKey"] = "SG.bench-not-a-real-key",
            ["Delivery:RequestsPerSecond"] = "0",
        };
        ticks.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var n = parse.GetValue(subscribers);
            if (n is < 100 or > 2_000_000) throw new ArgumentException("--subscribers must be between 100 and 2000000.");
            await using var sink = await SendGridSink.StartAsync(port);
            try
            {
                var benchmark = new TicksBenchmark(services.GetRequiredService<IConfiguration>())
                {
                    PrepareIndex = SlotIndexPreparation.BuildAsync,
                    Verbose = parse.GetValue(CliContext.VerboseOption),
                };
                var r = await benchmark.RunAsync(n, parse.GetValue(throttle), line => cli.Error.WriteLine(line), ct);
                if (parse.GetValue(CliContext.JsonOption))
                {
                    await cli.WriteJsonAsync(r);
                    return 0;
                }
                await cli.Out.WriteLineAsync($"{r.Subscribers:N0} subscribers ({r.Daily:N0} daily, {r.Weekly:N0} weekly, {r.Instant:N0} instant), " +
                    $"day {r.Day:yyyy-MM-dd} (before) and the next (after){(r.Throttled ? ", reads throttled to Azure's targets" : "")}");
                await cli.Out.WriteLineAsync("rows = subscriber rows read (subscribers table + index cards); index = the index's directory, locators, " +
                    "write log; projected = max(busiest partition/2,000, all/20,000) s");
                foreach (var m in (TicksMode[])[r.Before, r.After])
                {
                    var busy = m.BusiestByDue;
                    await cli.Out.WriteLineAsync($"{m.Name,-6} busiest tick {busy.Hour:HH}:00: {busy.Due:N0} due, {busy.Rows:N0} rows + " +
                        $"{busy.IndexRows:N0} index, {busy.Wall.TotalSeconds:F2} s measured, {busy.Projected.TotalSeconds:F2} s projected (all tables " +
                        $"{busy.ProjectedAllTables.TotalSeconds:F2} s; throttle held {busy.Held.TotalSeconds:F2} s)");
                    await cli.Out.WriteLineAsync($"       rows per tick: most {m.MostRows.Rows:N0}, median {m.MedianRows:N0}, fewest {m.FewestRows.Rows:N0}; " +
                        $"per day {m.RowsPerDay:N0} = {(double)m.RowsPerDay / r.Subscribers:F2} × N ({m.DuePerDay:N0} mailed); index rows per day " +
                        $"{m.IndexRowsPerDay:N0}");
                    await cli.Out.WriteLineAsync($"       alert: {m.Alert.Due:N0} recipients, {m.Alert.Rows:N0} rows; alert: true: " +
                        $"{m.EveryFollowerAlert.Due:N0} recipients, {m.EveryFollowerAlert.Rows:N0} rows; peak {m.PeakWorkingSet / 1048576.0:F0} MB" +
                        (m.PrepareRows > 0 ? $"; index build read {m.PrepareRows:N0} rows" : ""));
                    await cli.Out.WriteLineAsync("       projected busiest tick: " +
                        string.Join(", ", m.ProjectedBusiest.Select(p => $"{p.Key}: {p.Value:F1} s")));
                }
                return 0;
            }
            finally
            {
                await services.GetRequiredService<StorageResources>().DeleteAllAsync();
            }
        }, commandSettings: settings, startStorage: true));
        return ticks;
    }
}

/// <summary>Before the after mode: the slot index built (as <c>notify subscribers reindex</c> does), so the day's ticks read it.</summary>
internal static class SlotIndexPreparation
{
    public static async Task BuildAsync(IServiceProvider services, CancellationToken ct)
    {
        var index = services.GetRequiredService<Notifications.Subscribers.SubscriberSlotIndex>();
        while (!await index.ContinueBuildAsync(50_000, ct)) { }
    }
}
