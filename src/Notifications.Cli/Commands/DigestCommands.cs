using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Digests;

namespace Notifications.Cli.Commands;

public static class DigestCommands
{
    public static Command Create(CliContext cli)
    {
        var digest = new Command("digest", "Run digests.");

        var frequency = new Option<string>("--frequency") { Description = "daily or weekly.", Required = true };
        frequency.AcceptOnlyFromAmong("daily", "weekly");
        var at = new Option<string?>("--at") { Description = "Run as if it were this instant (ISO-8601, e.g. 2026-11-26T07:00:00Z). Default: now." };
        var run = new Command("run", "Run the digest of the period containing --at (the timer functions' twin). Running it again sends nothing twice.")
            { frequency, at, CliContext.JsonOption };
        run.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            DateTimeOffset? instant = parse.GetValue(at) is { } text
                ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw new ArgumentException($"--at '{text}' is not an ISO-8601 instant, e.g. 2026-11-26T07:00:00Z.")
                : null;
            var r = await services.GetRequiredService<DigestRunner>().RunAsync(DigestPeriod.ParseFrequency(parse.GetValue(frequency)!), instant, ct);
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(new
                {
                    runId = r.RunId, status = r.Status, windowStart = r.WindowStart, windowEnd = r.WindowEnd,
                    articles = r.Articles, recipients = r.PlannedRecipients, batches = r.Batches,
                    sentNow = new { batches = r.BatchesSentNow, recipients = r.RecipientsSentNow },
                    alreadySent = r.BatchesAlreadySent, failed = r.BatchesFailed, uncertain = r.BatchesUncertain,
                });
            else
            {
                await cli.Out.WriteLineAsync($"Run {r.RunId}: {r.Status.ToString().ToLowerInvariant()}, window {r.WindowStart:u} to {r.WindowEnd:u}.");
                await cli.Out.WriteLineAsync($"{r.Articles} articles, {r.PlannedRecipients} recipients in {r.Batches} batches.");
                await cli.Out.WriteLineAsync($"Sent now: {r.BatchesSentNow} batches ({r.RecipientsSentNow} recipients); already sent: {r.BatchesAlreadySent}; failed: {r.BatchesFailed}; uncertain: {r.BatchesUncertain}.");
            }
            foreach (var failed in r.BatchResults.Where(b => b.Error is not null))
                await cli.Error.WriteLineAsync($"error: batch {failed.BatchId} {failed.Outcome.ToString().ToLowerInvariant()}: {failed.Error}");
            return r.BatchesFailed + r.BatchesUncertain == 0 ? 0 : 1;
        }));

        digest.Subcommands.Add(run);
        return digest;
    }
}
