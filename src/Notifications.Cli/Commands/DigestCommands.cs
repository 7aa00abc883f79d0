using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Delivery;
using Notifications.Digests;

namespace Notifications.Cli.Commands;

public static class DigestCommands
{
    public static Command Create(CliContext cli)
    {
        var digest = new Command("digest", "Run digests, resume them, and see where they stand.");
        digest.Subcommands.Add(Run(cli));
        digest.Subcommands.Add(Resume(cli));
        digest.Subcommands.Add(Status(cli));
        digest.Subcommands.Add(DigestPreviewCommands.Preview(cli));
        digest.Subcommands.Add(DigestPreviewCommands.SendTest(cli));
        return digest;
    }

    private static Command Run(CliContext cli)
    {
        var frequency = new Option<string>("--frequency") { Description = "daily or weekly.", Required = true };
        frequency.AcceptOnlyFromAmong("daily", "weekly");
        var at = new Option<string?>("--at") { Description = "Run as if it were this instant (ISO-8601, e.g. 2026-11-26T07:00:00Z). Default: now." };
        var run = new Command("run", "Plan the digest of the period containing --at and send its batches here and now (the timers and SendBatch in one go). Running it again sends nothing twice.")
            { frequency, at, CliContext.JsonOption };
        run.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            DateTimeOffset? instant = parse.GetValue(at) is { } text
                ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw new ArgumentException($"--at '{text}' is not an ISO-8601 instant, e.g. 2026-11-26T07:00:00Z.")
                : null;
            var r = await services.GetRequiredService<DigestRunner>().RunAsync(DigestPeriod.ParseFrequency(parse.GetValue(frequency)!), instant, ct);
            return await WriteResultAsync(cli, parse, r);
        }));
        return run;
    }

    private static Command Resume(CliContext cli)
    {
        var runId = new Argument<string>("run") { Description = "The run id, e.g. daily-2026-11-26." };
        var resendUncertain = new Option<bool>("--resend-uncertain")
            { Description = "Also resend batches whose outcome is unknown. Their recipients may get the digest twice: decide knowingly." };
        var resume = new Command("resume", "Continue a paused or unfinished run: failed batches are retried; uncertain ones only with --resend-uncertain.")
            { runId, resendUncertain, CliContext.JsonOption };
        resume.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
            await WriteResultAsync(cli, parse, await services.GetRequiredService<DigestRunner>().ResumeAsync(parse.GetValue(runId)!, parse.GetValue(resendUncertain), ct))));
        return resume;
    }

    private static Command Status(CliContext cli)
    {
        var runId = new Argument<string?>("run") { Description = "The run id; default: today's daily run.", Arity = ArgumentArity.ZeroOrOne };
        var status = new Command("status", "Where a run stands: batches planned, sent, failed, uncertain; recipients; SendGrid event counters.") { runId, CliContext.JsonOption };
        status.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var id = parse.GetValue(runId) ?? DigestPeriod.For(DigestFrequency.Daily, services.GetRequiredService<TimeProvider>().GetUtcNow()).RunId;
            var events = services.GetRequiredService<DeliveryEvents>();
            var report = await services.GetRequiredService<DigestRunner>().StatusAsync(id, events.CountersAsync, ct)
                ?? throw new ArgumentException($"There is no run {id}.");
            var run = report.Run;
            int Count(BatchStatus s) => report.Batches.GetValueOrDefault(s);
            if (parse.GetValue(CliContext.JsonOption))
            {
                await cli.WriteJsonAsync(new
                {
                    runId = run.RunId, status = run.Status, windowStart = run.WindowStart, windowEnd = run.WindowEnd,
                    articles = run.ArticleCount, recipients = run.RecipientCount,
                    batches = new
                    {
                        total = run.BatchCount, planned = Count(BatchStatus.Planned), sending = Count(BatchStatus.Sending), sent = Count(BatchStatus.Sent),
                        failed = Count(BatchStatus.Failed), uncertain = Count(BatchStatus.Uncertain),
                    },
                    problems = report.Problems.Select(b => new { batchId = b.BatchId, status = b.Status, recipients = b.RecipientIds.Count, error = b.Error }),
                    events = report.Events,
                });
                return 0;
            }
            await cli.Out.WriteLineAsync($"Run {run.RunId}: {run.Status.ToString().ToLowerInvariant()}, window {run.WindowStart:u} to {run.WindowEnd:u}.");
            await cli.Out.WriteLineAsync($"{run.ArticleCount} articles, {run.RecipientCount} recipients in {run.BatchCount} batches: {Count(BatchStatus.Sent)} sent, " +
                $"{Count(BatchStatus.Planned)} planned, {Count(BatchStatus.Sending)} sending, {Count(BatchStatus.Failed)} failed, {Count(BatchStatus.Uncertain)} uncertain.");
            foreach (var b in report.Problems)
                await cli.Out.WriteLineAsync($"  batch {b.BatchId} ({b.RecipientIds.Count} recipients): {b.Status.ToString().ToLowerInvariant()}{(b.Error is { } e ? " - " + e : "")}");
            if (report.Events.Count > 0)
                await cli.Out.WriteLineAsync("Events: " + string.Join(", ", report.Events.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}")));
            return 0;
        }));
        return status;
    }

    /// <summary>Prints a run's result; exit 1 when a batch failed or is uncertain, or the run paused.</summary>
    private static async Task<int> WriteResultAsync(CliContext cli, ParseResult parse, DigestRunResult r)
    {
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
        if (r.Status == DigestRunStatus.Paused)
            await cli.Error.WriteLineAsync($"error: run {r.RunId} paused after repeated failures; fix the cause, then `notify digest resume {r.RunId}`.");
        return r.BatchesFailed + r.BatchesUncertain == 0 && r.Status != DigestRunStatus.Paused ? 0 : 1;
    }
}
