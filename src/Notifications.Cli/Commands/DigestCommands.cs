using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Mail;
using Notifications.Pipeline;
using Notifications.Web;

namespace Notifications.Cli.Commands;

public static partial class DigestCommands
{
    public static Command Create(CliContext cli)
    {
        var digest = new Command("digest", "Run digests, resume them, and see where they stand.");
        digest.Subcommands.Add(Run(cli));
        digest.Subcommands.Add(Resume(cli));
        digest.Subcommands.Add(Alerts(cli));
        digest.Subcommands.Add(Status(cli));
        digest.Subcommands.Add(DigestPreviewCommands.Preview(cli));
        digest.Subcommands.Add(DigestPreviewCommands.SendTest(cli));
        digest.Subcommands.Add(Cancel(cli));
        return digest;
    }

    private static Command Run(CliContext cli)
    {
        var frequency = new Option<string?>("--frequency")
        {
            Description = "daily or weekly: every active subscriber of that frequency gets the articles since their last digest, now."
        };
        frequency.AcceptOnlyFromAmong("daily", "weekly");
        var due = new Option<bool>("--due")
        {
            Description = "What the hourly timer does: the digests due at this UTC hour in each subscriber's time zone, and pending alerts."
        };
        var at = new Option<string?>("--at") { Description = "Run as if it were this instant (ISO-8601, e.g. 2026-11-26T07:00:00Z). Default: now." };
        var run = new Command("run",
            "Plan digests and send their batches here and now (the timer and SendBatch in one go). --frequency: the run of the UTC day (or ISO " +
                "week) for everyone " +
            "of that frequency; --due: the hourly timer's runs. Running it again sends nothing twice.")
            { frequency, due, at, FarFromNowYes, CliContext.JsonOption };
        run.Validators.Add(result =>
        {
            if ((result.GetResult(frequency) is null) == (result.GetResult(due) is null))
                result.AddError("Give either --frequency daily|weekly (everyone of that frequency, now) or --due (what the hourly timer would plan).");
        });
        run.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            DateTimeOffset? instant = parse.GetValue(at) is { } text
                ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw new ArgumentException($"--at '{text}' is not an ISO-8601 instant, e.g. 2026-11-26T07:00:00Z.")
                : null;
            if (services.GetRequiredService<RunTimeGuard>().Check(instant) is { } far && !parse.GetValue(FarFromNowYes))
                throw new ArgumentException($"--at is far from now: {far.Explanation} Run it anyway with --yes.");
            var runner = services.GetRequiredService<DigestRunner>();
            if (!parse.GetValue(due))
                return await WriteResultAsync(cli, parse, await runner.RunAsync(DigestPeriod.ParseFrequency(parse.GetValue(frequency)!), instant, ct));
            var results = await services.GetRequiredService<HourPassed>().RunDueAsync(instant, ct);
            var asJson = parse.GetValue(CliContext.JsonOption);
            if (asJson)
                await cli.WriteJsonAsync(results.Select(Json));
            var exit = 0;
            // In text, the runs that mailed someone or need attention; the hour's empty runs in one line.
            var quiet = results.Where(r => r.PlannedRecipients == 0 && r.Status == DigestRunStatus.Completed).ToList();
            foreach (var r in results.Except(quiet))
                exit = ExitCodes.Worst(exit, await WriteResultAsync(cli, parse, r, json: false, quiet: asJson));
            if (!asJson && quiet.Count > 0)
                await cli.Out.WriteLineAsync(
                    $"Nothing due for anyone in {quiet.Count} run{(quiet.Count == 1 ? "" : "s")}: {string.Join(", ", quiet.Select(r => r.RunId))}.");
            return exit;
        }));
        return run;
    }

    private static Command Resume(CliContext cli)
    {
        var runId = new Argument<string>("run") { Description = "The run id, e.g. daily-2026-11-26." };
        var resendUncertain = new Option<bool>("--resend-uncertain")
        {
            Description = "Also resend uncertain batches SendGrid has not reported (no event, no Email Activity message). Their recipients may get " +
            "the digest twice: decide knowingly."
        };
        var resume = new Command("resume", "Continue a paused or unfinished run: failed batches are retried; uncertain ones only with --resend-uncertain.")
            { runId, resendUncertain, CliContext.JsonOption };
        resume.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
            await WriteResultAsync(
                cli,
                parse,
                await services.GetRequiredService<DigestRunner>().ResumeAsync(parse.GetValue(runId)!, parse.GetValue(resendUncertain), ct))));
        return resume;
    }

    /// <summary><c>notify digest alerts</c>: the AlertDue function's twin.</summary>
    private static Command Alerts(CliContext cli)
    {
        var alerts = new Command("alerts",
            "Plan and send the alerts whose wait for translations has ended, waiting on the alerts-due queue (the AlertDue function's twin; "
            + "the hourly timer, `digest run --due`, catches them too). A message still waiting is not visible yet: nothing is planned early.");
        alerts.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var drained = await services.GetRequiredService<AlertDue>().PlanWaitingAsync(ct);
            var runner = services.GetRequiredService<DigestRunner>();
            if (drained.Handled == 0)
                await cli.Out.WriteLineAsync("No alert is due on the alerts-due queue.");
            else
                await cli.Out.WriteLineAsync($"{drained.Handled} translation groups due: {drained.Runs.Count} alert runs planned or found planned.");
            foreach (var run in drained.Runs.DistinctBy(r => r.RunId))
            {
                var sent = await runner.ResumeAsync(run.RunId, resendUncertain: false, ct);
                await cli.Out.WriteLineAsync($"{sent.RunId}: {sent.Status.ToString().ToLowerInvariant()}, {sent.PlannedRecipients} recipients, " +
                    $"{sent.BatchesSentNow} batches sent now");
            }
            return ExitCodes.Ok;
        }));
        return alerts;
    }

    private static Command Status(CliContext cli)
    {
        var runId = new Argument<string?>("run")
        {
            Description = "The run id, e.g. daily-2026-11-26T07; none: the runs of the last 2 days that mailed someone or are not finished.",
            Arity = ArgumentArity.ZeroOrOne
        };
        var status = new Command("status", "Where a run stands: batches planned, sent, failed, uncertain; recipients; SendGrid event counters. " +
            "--since: the runs archive (every run since a date, with its figures and rates).")
            { runId, ArchiveSince, ArchivePage, CliContext.JsonOption };
        status.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            if (parse.GetResult(ArchiveSince) is not null)
                return await WriteArchiveAsync(cli, parse, services, ct);
            if (parse.GetValue(runId) is not { } id)
            {
                var recent = (await services.GetRequiredService<DigestRunStore>().ListRecentAsync(
                        services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-2), ct))
                    .Where(r => r.RecipientCount > 0 || r.Status is not DigestRunStatus.Completed).ToList();
                if (parse.GetValue(CliContext.JsonOption))
                    await cli.WriteJsonAsync(recent.Select(r => new
                    {
                        runId = r.RunId, status = r.Status, updatedAt = r.UpdatedAt,
                        articles = r.ArticleCount, recipients = r.RecipientCount, batches = r.BatchCount
                    }));
                else if (recent.Count == 0)
                    await cli.Out.WriteLineAsync("No run in the last 2 days mailed anyone or is unfinished.");
                else
                    foreach (var r in recent)
                        await cli.Out.WriteLineAsync($"{r.RunId}  {r.Status.ToString().ToLowerInvariant()}  {r.ArticleCount} articles, " +
                            $"{r.RecipientCount} recipients, {r.BatchCount} batches  (updated {r.UpdatedAt:u})");
                return 0;
            }
            var events = services.GetRequiredService<DeliveryEvents>();
            var report = await services.GetRequiredService<DigestRunner>().StatusAsync(id, events.CountersAsync, ct)
                ?? throw new ArgumentException($"There is no run {id}.");
            var run = report.Run;
            int Count(BatchStatus s) => report.Batches.GetValueOrDefault(s);
            // Refused recipients by their masked address (when they are still subscribers), for whoever has to fix it.
            IReadOnlyDictionary<string, Subscriber> refusedWho = report.Refused.Count == 0
                ? new Dictionary<string, Subscriber>()
                : await services.GetRequiredService<SubscriberStore>().GetManyAsync(report.Refused.Select(r => r.Refusal.SubscriberId).Distinct().ToList(), ct);
            string Who(string subscriberId) => refusedWho.TryGetValue(subscriberId, out var s) ? EmailAddress.Mask(s.Email) : "(no longer a subscriber)";
            if (parse.GetValue(CliContext.JsonOption))
            {
                await cli.WriteJsonAsync(new
                {
                    runId = run.RunId, status = run.Status, windowStart = run.WindowStart, windowEnd = run.WindowEnd,
                    articles = run.ArticleCount, recipients = run.RecipientCount,
                    batches = new
                    {
                        total = run.BatchCount, planned = Count(BatchStatus.Planned), sending = Count(BatchStatus.Sending), sent = Count(BatchStatus.Sent),
                        failed = Count(BatchStatus.Failed), uncertain = Count(BatchStatus.Uncertain), cancelled = Count(BatchStatus.Cancelled),
                    },
                    problems = report.Problems.Select(b => new { batchId = b.BatchId, status = b.Status, recipients = b.RecipientIds.Count, error = b.Error }),
                    refused = report.Refused.Select(r => new
                    {
                        batchId = r.BatchId, subscriberId = r.Refusal.SubscriberId, email = Who(r.Refusal.SubscriberId),
                        reason = r.Refusal.Reason, at = r.Refusal.At
                    }),
                    events = report.Events,
                    webhookConfigured = report.WebhookConfigured,
                    uncertain = (report.Uncertain ?? []).Select(u => new
                    {
                        batchId = u.BatchId, status = u.Status, recipients = u.Recipients, verdict = u.Verdict,
                        evidence = u.Evidence is { } ev ? new { @event = ev.Event, at = ev.At } : null,
                        quietSince = u.QuietSince, proposedAt = u.QuietUntil,
                        resent = u.Resent is { } rs ? new { at = rs.At, reason = rs.Reason } : null,
                        explanation = u.Explanation,
                    }),
                    healing = (report.Healing ?? []).Select(h => new
                    {
                        batchId = h.BatchId, attempts = h.Attempts, retryUntil = h.RetryUntil,
                        nextRetryAt = h.NextRetryAt, gaveUpAt = h.GaveUpAt, text = h.Describe(),
                    }),
                });
                return 0;
            }
            await cli.Out.WriteLineAsync($"Run {run.RunId}: {run.Status.ToString().ToLowerInvariant()}, window {run.WindowStart:u} to {run.WindowEnd:u}.");
            await cli.Out.WriteLineAsync(
                $"{run.ArticleCount} articles, {run.RecipientCount} recipients in {run.BatchCount} batches: {Count(BatchStatus.Sent)} sent, " +
                $"{Count(BatchStatus.Planned)} planned, {Count(BatchStatus.Sending)} sending, {Count(BatchStatus.Failed)} failed, " +
                    $"{Count(BatchStatus.Uncertain)} uncertain.");
            if (Count(BatchStatus.Cancelled) > 0)
                await cli.Out.WriteLineAsync($"{Count(BatchStatus.Cancelled)} batches cancelled: never sent, an article they carried was withdrawn.");
            foreach (var b in report.Problems)
            {
                await cli.Out.WriteLineAsync(
                    $"  batch {b.BatchId} ({b.RecipientIds.Count} recipients): {b.Status.ToString().ToLowerInvariant()}{(b.Error is { } e ? " - " + e : "")}");
                if (report.Healing?.FirstOrDefault(h => h.BatchId == b.BatchId) is { } healing)
                    await cli.Out.WriteLineAsync($"    {healing.Describe()}");
            }
            if (report.Refused.Count > 0)
            {
                await cli.Out.WriteLineAsync(
                    $"{report.Refused.Count} recipients refused by the provider (not sent; the rest of their batch was). Correct or remove their address:");
                foreach (var (batchId, r) in report.Refused)
                    await cli.Out.WriteLineAsync($"  subscriber {r.SubscriberId} ({Who(r.SubscriberId)}) in batch {batchId}: {r.Reason}");
            }
            if (report.Events.Count > 0)
                await cli.Out.WriteLineAsync("Events: " + string.Join(", ", report.Events.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}")));
            if (report.Uncertain is { Count: > 0 } uncertain)
            {
                await cli.Out.WriteLineAsync($"{uncertain.Count} uncertain batches, what is known:");
                foreach (var u in uncertain)
                    await cli.Out.WriteLineAsync($"  batch {u.BatchId} ({u.Recipients} recipients): {u.Explanation}.");
                await cli.Out.WriteLineAsync(report.WebhookConfigured
                    ? "Event webhook: configured (SendGrid:WebhookPublicKey); any event of a batch records it Sent."
                    : "Event webhook: not configured (SendGrid:WebhookPublicKey is empty): no evidence of delivery can arrive, so uncertain " +
                        "batches are never decided automatically.");
            }
            return 0;
        }));
        return status;
    }

    private static object Json(DigestRunResult r) => new
    {
        runId = r.RunId, status = r.Status, windowStart = r.WindowStart, windowEnd = r.WindowEnd,
        articles = r.Articles, recipients = r.PlannedRecipients, batches = r.Batches,
        sentNow = new { batches = r.BatchesSentNow, recipients = r.RecipientsSentNow },
        alreadySent = r.BatchesAlreadySent, failed = r.BatchesFailed, uncertain = r.BatchesUncertain, cancelled = r.BatchesCancelled,
        beingSent = r.BatchesInProgress,
        heldUntil = r.PlanningHeldUntil, message = r.PlanningMessage,
    };

    /// <summary>
    /// Prints a run's result; exit 1 when a batch failed or is uncertain, or the run paused; 75 (try later) when another planner holds
    /// the run. Batches another worker is sending right now are listed as being sent.
    /// </summary>
    /// <param name="quiet">Only the errors (the results were written as one JSON array).</param>
    private static async Task<int> WriteResultAsync(CliContext cli, ParseResult parse, DigestRunResult r, bool? json = null, bool quiet = false)
    {
        if (quiet) { }
        else if (json ?? parse.GetValue(CliContext.JsonOption))
            await cli.WriteJsonAsync(Json(r));
        else
        {
            await cli.Out.WriteLineAsync($"Run {r.RunId}: {r.Status.ToString().ToLowerInvariant()}, window {r.WindowStart:u} to {r.WindowEnd:u}.");
            await cli.Out.WriteLineAsync($"{r.Articles} articles, {r.PlannedRecipients} recipients in {r.Batches} batches.");
            await cli.Out.WriteLineAsync($"Sent now: {r.BatchesSentNow} batches ({r.RecipientsSentNow} recipients); already sent: " +
                $"{r.BatchesAlreadySent}; failed: {r.BatchesFailed}; uncertain: {r.BatchesUncertain}; being sent: {r.BatchesInProgress}.");
            foreach (var b in r.BatchResults.Where(b => b.Outcome == BatchOutcome.InProgress))
                await cli.Out.WriteLineAsync(
                    $"  batch {b.BatchId}: being sent by another worker right now; `notify digest status {r.RunId}` shows when it is done.");
            if (r.PlanningMessage is { } held)
                await cli.Out.WriteLineAsync(char.ToUpperInvariant(held[0]) + held[1..] + ".");
        }
        foreach (var failed in r.BatchResults.Where(b => b.Error is not null && b.Outcome != BatchOutcome.Cancelled))
            await cli.Error.WriteLineAsync($"error: batch {failed.BatchId} {failed.Outcome.ToString().ToLowerInvariant()}: {failed.Error}");
        if (!quiet && !(json ?? parse.GetValue(CliContext.JsonOption)))
            foreach (var cancelled in r.BatchResults.Where(b => b.Outcome == BatchOutcome.Cancelled))
                await cli.Out.WriteLineAsync($"Batch {cancelled.BatchId} of run {r.RunId} cancelled, {cancelled.Error}.");
        if (r.Status == DigestRunStatus.Paused)
            await cli.Error.WriteLineAsync(
                $"error: run {r.RunId} paused after repeated failures; the hourly timer retries it after the failed batches' backoff " +
                $"(until the lateness limit), or fix the cause, then `notify digest resume {r.RunId}`.");
        if (r.Status == DigestRunStatus.Cancelled && !quiet && !(json ?? parse.GetValue(CliContext.JsonOption)))
            await cli.Out.WriteLineAsync($"Run {r.RunId} was cancelled by an admin: nothing more of it is sent; its recipients' next digest carries " +
                "its articles.");
        if (r.BatchesFailed + r.BatchesUncertain > 0 || r.Status == DigestRunStatus.Paused) return ExitCodes.Failed;
        return r.PlanningHeldUntil is null ? ExitCodes.Ok : ExitCodes.TryLater;
    }
}
