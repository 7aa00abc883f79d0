using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Pipeline;
using Notifications.Subscribers;

namespace Notifications.Cli.Commands;

/// <summary>
/// <c>notify dashboard</c>: the console dashboard's twin (<see cref="Dashboard"/>): what needs attention first, the digests due per hour
/// for the next 24 hours, the last runs with their rates, and subscribers joined and left per week. Exit 1 when something needs
/// attention (a paused run, a failed or uncertain batch, a poison message, a spike), so a script or a monitor can ask.
/// </summary>
public static class DashboardCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("dashboard",
            "What needs attention first (paused runs, failed or uncertain batches with their cause, poison queue messages, bounce and " +
            "complaint spikes), the digests due per hour for the next 24 hours, the last runs with their rates, and subscribers joined and " +
            "left per week. Exit 1 when something needs attention.") { CliContext.JsonOption };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var report = await services.GetRequiredService<Dashboard>().ReadAsync(ct);
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(Json(report));
            else
                await WriteTextAsync(cli.Out, report);
            return report.Attention.Any ? ExitCodes.Failed : ExitCodes.Ok;
        }));
        return command;
    }

    private static object Json(DashboardReport r) => new
    {
        at = r.At,
        attention = new
        {
            any = r.Attention.Any,
            pausedRuns = r.Attention.Paused.Select(p => new
            {
                runId = p.RunId, pausedAt = p.PausedAt, consecutiveFailures = p.ConsecutiveFailures, recipients = p.RecipientCount,
            }),
            batches = r.Attention.Batches.Select(b => new
            {
                runId = b.RunId, batchId = b.BatchId, variant = b.Variant, status = b.Status, attempts = b.Attempts, cause = b.Cause, updatedAt = b.UpdatedAt,
            }),
            poisonQueues = r.Attention.Poison.Select(p => new { queue = p.Queue, messages = p.Messages, oldest = p.Oldest }),
            spikes = r.Attention.Spikes.Select(s => new { status = s.Status, lastDay = s.LastDay, usualPerDay = s.UsualPerDay, spike = s.IsSpike }),
        },
        due = r.Due.Select(h => new { hour = h.Hour, daily = h.Daily, weekly = h.Weekly, total = h.Total }),
        unknownTimeZones = r.UnknownZones,
        runs = r.Runs.Select(run => new
        {
            runId = run.RunId, status = run.Status, updatedAt = run.UpdatedAt, recipients = run.Figures.Recipients,
            delivered = run.Figures.Delivered, bounced = run.Figures.Bounced, complained = run.Figures.Complained,
            opened = run.Figures.Opened, clicked = run.Figures.Clicked, // null: not tracked
            deliveredRate = run.Figures.RateOf(run.Figures.Delivered), bouncedRate = run.Figures.RateOf(run.Figures.Bounced),
            complainedRate = run.Figures.RateOf(run.Figures.Complained), openedRate = run.Figures.RateOf(run.Figures.Opened),
            clickedRate = run.Figures.RateOf(run.Figures.Clicked),
            batchesFailed = run.BatchesFailed, batchesUncertain = run.BatchesUncertain,
        }),
        subscribers = r.Subscribers.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value),
        weeks = r.Growth.Select(w => new
        {
            monday = w.Monday, joined = w.Joined, unsubscribed = w.Unsubscribed, bounced = w.Bounced, complained = w.Complained, left = w.Left,
            subscribed = w.Subscribed,
        }),
    };

    private static async Task WriteTextAsync(TextWriter o, DashboardReport r)
    {
        var a = r.Attention;
        await o.WriteLineAsync($"Dashboard at {r.At:yyyy-MM-dd HH:mm} UTC");
        await o.WriteLineAsync();
        await o.WriteLineAsync(a.Any ? "Needs attention:" : "Nothing needs attention.");
        foreach (var p in a.Paused)
            await o.WriteLineAsync($"  run {p.RunId} paused since {p.PausedAt:yyyy-MM-dd HH:mm} UTC after {p.ConsecutiveFailures} failed batches " +
                $"in a row ({p.RecipientCount} recipients): fix the cause, then `notify digest resume {p.RunId}`.");
        foreach (var b in a.Batches)
            await o.WriteLineAsync($"  batch {b.BatchId} ({b.Variant}) of run {b.RunId}: {b.Status.ToString().ToLowerInvariant()} after " +
                $"{b.Attempts} attempt{(b.Attempts == 1 ? "" : "s")}: {b.Cause ?? "no cause recorded"}");
        foreach (var q in a.Poison)
            await o.WriteLineAsync($"  poison queue {q.Queue}: {q.Messages} message{(q.Messages == 1 ? "" : "s")}" +
                (q.Oldest is { } oldest ? $", the oldest from {oldest:yyyy-MM-dd HH:mm} UTC" : ""));
        foreach (var s in a.Spikes)
            await o.WriteLineAsync($"  {(s.Status == SubscriberStatus.Bounced ? "bounces" : "complaints")} in the last 24 hours: {s.LastDay} " +
                $"(usually {s.UsualPerDay.ToString("0.#", CultureInfo.InvariantCulture)} a day){(s.IsSpike ? ": SPIKE" : "")}");

        await o.WriteLineAsync();
        await o.WriteLineAsync($"Digests due in the next 24 hours: {r.Due.Sum(h => h.Total)} subscribers (each gets one if articles came out " +
            "in their window).");
        foreach (var h in r.Due.Where(h => h.Total > 0))
            await o.WriteLineAsync($"  {h.Hour:yyyy-MM-dd HH:mm} UTC  {h.Total,7}  ({h.Daily} daily, {h.Weekly} weekly)");
        if (r.UnknownZones > 0)
            await o.WriteLineAsync($"  {r.UnknownZones} active subscribers have an unknown time zone and get no digest.");

        await o.WriteLineAsync();
        await o.WriteLineAsync(r.Runs.Count == 0 ? "No digest has run yet." : "Last runs (rates of the recipients):");
        foreach (var run in r.Runs)
        {
            var f = run.Figures;
            await o.WriteLineAsync($"  {run.RunId}  {run.Status.ToString().ToLowerInvariant()}  {f.Recipients} recipients  " +
                $"delivered {Rate(f, f.Delivered)}  bounced {Rate(f, f.Bounced)}  complained {Rate(f, f.Complained)}  " +
                $"opened {Rate(f, f.Opened)}  clicked {Rate(f, f.Clicked)}");
        }

        await o.WriteLineAsync();
        await o.WriteLineAsync("Subscribers: " + string.Join(", ", r.Subscribers.Select(kv => $"{kv.Value} {kv.Key.ToString().ToLowerInvariant()}")));
        await o.WriteLineAsync("Week of      joined  left (unsubscribed/bounced/complained)  subscribed at the end");
        foreach (var w in r.Growth)
            await o.WriteLineAsync($"  {w.Monday:yyyy-MM-dd}  {w.Joined,6}  {w.Left,4} ({w.Unsubscribed}/{w.Bounced}/{w.Complained}){"",-24}  {w.Subscribed}");
    }

    private static string Rate(RunFigures f, long? count)
        => count is null ? "not tracked"
            : f.RateOf(count) is { } rate ? $"{rate.ToString("P1", CultureInfo.InvariantCulture)} ({count})" : "-";
}
