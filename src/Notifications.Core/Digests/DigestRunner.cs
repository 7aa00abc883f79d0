using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>What one call to <see cref="DigestRunner.RunAsync"/> did.</summary>
public sealed record DigestRunResult(
    string RunId,
    DigestRunStatus Status,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    int Articles,
    int PlannedRecipients,
    int Batches,
    IReadOnlyList<BatchResult> BatchResults)
{
    public int RecipientsSentNow => BatchResults.Sum(b => b.RecipientsSent);
    public int BatchesSentNow => BatchResults.Count(b => b.Outcome == BatchOutcome.Sent);
    public int BatchesAlreadySent => BatchResults.Count(b => b.Outcome == BatchOutcome.AlreadySent);
    public int BatchesFailed => BatchResults.Count(b => b.Outcome == BatchOutcome.Failed);
    public int BatchesUncertain => BatchResults.Count(b => b.Outcome == BatchOutcome.Uncertain);
    public int BatchesInProgress => BatchResults.Count(b => b.Outcome == BatchOutcome.InProgress);
}

/// <summary>
/// Where a run stands (<c>notify digest status</c>): its batches by state, its recipients, SendGrid's event counters, and the recipients
/// the provider refused (each left out of their batch, which went to the others). <see cref="Uncertain"/>: for each Uncertain batch
/// (and each left in Sending past the lease) what is known of it; <see cref="WebhookConfigured"/>: false when no evidence can arrive.
/// </summary>
public sealed record DigestRunStatusReport(
    DigestRun Run,
    IReadOnlyDictionary<BatchStatus, int> Batches,
    IReadOnlyList<DeliveryBatch> Problems,
    IReadOnlyDictionary<string, long> Events,
    IReadOnlyList<(string BatchId, RecipientRefusal Refusal)> Refused,
    IReadOnlyList<UncertainAssessment>? Uncertain = null,
    bool WebhookConfigured = false);

/// <summary>
/// Digest runs, start to end: the hourly timer (<see cref="PlanDueAsync"/>), instant alerts (<see cref="PlanAlertAsync"/>), a run started by
/// hand (<see cref="RunAsync"/>), and the sending of their batches. <see cref="DigestPlanner"/> decides who gets what; running the same
/// run again sends nothing that was sent.
/// </summary>
public sealed class DigestRunner(
    DigestRunStore runs,
    DigestPlanner planner,
    ArticleIndex articles,
    DigestArchive archive,
    DeliveryLedger ledger,
    BatchSender sender,
    SendBatchQueue queue,
    IOptions<DeliveryOptions> delivery,
    IOptions<ScheduleOptions> schedule,
    TimeProvider time,
    ILogger<DigestRunner> logger,
    UncertainBatchResolver uncertain)
{
    /// <summary>A run left in Planning longer than this (its planner crashed) may be planned again.</summary>
    public static readonly TimeSpan PlanningLease = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The hourly timer (<c>DigestSchedule</c> function; CLI twin <c>notify digest run --due</c> sends inline): plans the daily and
    /// weekly runs of the UTC hour of <paramref name="at"/> (whoever is due then in their own time zone), the alerts of articles that
    /// became available without one (held articles whose date came), and any run whose planner stopped; then puts one message per
    /// unsent batch on the send-batches queue, so the SendBatch function sends them, scaled out across instances.
    /// </summary>
    /// <param name="at">When the timer was due; the top of its UTC hour is the run's instant, whatever the timer's lateness.</param>
    public async Task<IReadOnlyList<DigestRunResult>> PlanDueAsync(DateTimeOffset? at = null, CancellationToken ct = default)
    {
        var results = new List<DigestRunResult>();
        foreach (var run in await DueRunsAsync(at ?? time.GetUtcNow(), ct))
            results.Add(await EnqueueAsync(run, ct));
        return results;
    }

    /// <summary>The same as <see cref="PlanDueAsync"/>, sending every batch here and now: <c>notify digest run --due</c>.</summary>
    public async Task<IReadOnlyList<DigestRunResult>> RunDueAsync(DateTimeOffset? at = null, CancellationToken ct = default)
    {
        var results = new List<DigestRunResult>();
        foreach (var run in await DueRunsAsync(at ?? time.GetUtcNow(), ct))
            results.Add(await SendOrReportAsync(run, ct));
        return results;
    }

    /// <summary>
    /// An accepted article's instant alert, planned and queued (once per article and its translations): what ingesting an article
    /// does (<see cref="InstantAlerts"/>). Null when the article is not available yet (held): the hourly timer alerts it when it is.
    /// </summary>
    public async Task<DigestRunResult?> PlanAlertAsync(IndexedArticle article, CancellationToken ct = default)
    {
        if (article is not { Status: ArticleStatus.Accepted, AvailableAt: { } available } || available > time.GetUtcNow()) return null;
        var group = article.TranslationKey ?? article.BlobName;
        var run = await PlannedRunAsync(DigestPeriod.Alert(group, available), time.GetUtcNow(), group, ct);
        return await EnqueueAsync(run, ct);
    }

    /// <summary>
    /// What the SendBatch function and <c>notify deliver</c> do with one queue message: send that batch, unless its run is
    /// paused, finished, or has been planned again since (a message for another plan is stale). Null when nothing was done.
    /// </summary>
    public async Task<BatchResult?> SendQueuedAsync(SendBatchMessage message, CancellationToken ct = default)
    {
        var (frequency, key) = DigestPeriod.ParseRunId(message.RunId);
        var run = await runs.GetAsync(frequency, key, ct);
        if (run is not { Status: DigestRunStatus.Planned } || run.PlanId != message.PlanId)
        {
            logger.LogInformation("Batch {BatchId} of run {RunId}: the run is {Status}; the message is dropped", message.BatchId, message.RunId, run?.Status);
            return null;
        }
        var batch = await ledger.GetAsync(run.RunId, run.PlanId, message.BatchId, ct);
        if (batch is null) return null;
        var content = await ContentAsync(run.RunId, batch.Variant, ct);
        var result = await sender.SendAsync(batch, run.Frequency, content, ct);
        await RecordAsync(run, [result], ct);
        return result;
    }

    /// <summary>
    /// <c>notify digest resume &lt;run&gt;</c>: a paused run sends again; failed batches are retried. Uncertain batches are decided on
    /// evidence (<see cref="UncertainBatchResolver"/>); with <paramref name="resendUncertain"/> (an admin's decision, since their
    /// recipients may have the digest already) every one SendGrid has not reported is resent.
    /// </summary>
    public async Task<DigestRunResult> ResumeAsync(string runId, bool resendUncertain, CancellationToken ct = default)
    {
        var (frequency, key) = DigestPeriod.ParseRunId(runId);
        var run = await runs.GetAsync(frequency, key, ct) ?? throw new ArgumentException($"There is no run {runId}; `notify digest status` lists the runs.");
        if (run.Status is DigestRunStatus.Paused)
            run = await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planned, ConsecutiveFailures = 0 }, ct)
                  ?? throw new InvalidOperationException($"Run {runId} changed while resuming; try again.");
        if (run.Status is not DigestRunStatus.Planned)
            return await SendOrReportAsync(await PlannedRunAsync(DigestPeriod.Of(run), run.WindowEnd, run.ArticleGroup, ct), ct);
        logger.LogWarning("Run {RunId} resumed{Resend}", runId, resendUncertain ? ", resending uncertain batches" : "");
        return await SendAsync(run, ct, resendUncertain);
    }

    /// <summary>The run's batches by state, those that need attention, and the event counters SendGrid reported.</summary>
    public async Task<DigestRunStatusReport?> StatusAsync(string runId, Func<string, CancellationToken, Task<IReadOnlyDictionary<string, long>>>? events = null, CancellationToken ct = default)
    {
        var (frequency, key) = DigestPeriod.ParseRunId(runId);
        if (await runs.GetAsync(frequency, key, ct) is not { } run) return null;
        var batches = run.PlanId.Length == 0 ? [] : await ledger.ListAsync(run.RunId, run.PlanId, ct);
        return new DigestRunStatusReport(run,
            batches.GroupBy(b => b.Status).ToDictionary(g => g.Key, g => g.Count()),
            batches.Where(b => b.Status is BatchStatus.Failed or BatchStatus.Uncertain or BatchStatus.Sending).ToList(),
            events is null ? new Dictionary<string, long>() : await events(run.RunId, ct),
            batches.SelectMany(b => (b.Refusals ?? []).Select(r => (b.BatchId, r))).ToList(),
            await uncertain.ReportAsync(run.RunId, batches, ct),
            uncertain.WebhookConfigured);
    }

    /// <summary>
    /// <c>notify digest run --frequency daily</c> (and the tests): the run started by hand for the UTC day (or ISO week) of
    /// <paramref name="at"/>, for every active subscriber of the frequency, each with the articles since their last digest; planned if
    /// needed and sent here and now. Again the same day, it reports what was sent and sends nothing.
    /// </summary>
    public async Task<DigestRunResult> RunAsync(DigestFrequency frequency, DateTimeOffset? at = null, CancellationToken ct = default)
    {
        var now = at ?? time.GetUtcNow();
        return await SendOrReportAsync(await PlannedRunAsync(DigestPeriod.For(frequency, now), now, "", ct), ct);
    }

    /// <summary>The runs the hourly timer is due to plan at <paramref name="at"/>, planned; each once.</summary>
    private async Task<IReadOnlyList<DigestRun>> DueRunsAsync(DateTimeOffset at, CancellationToken ct)
    {
        var hour = DigestPeriod.TopOfHour(at);
        var due = new Dictionary<string, DigestRun>(StringComparer.Ordinal);
        var lateness = schedule.Value.LatenessLimit;

        // A run whose planner stopped is planned again (it covers what it covered the first time).
        foreach (var stale in await runs.ListUnplannedAsync(hour - lateness, PlanningLease, ct))
            due[stale.RunId] = await PlannedRunAsync(DigestPeriod.Of(stale), stale.WindowEnd, stale.ArticleGroup, ct);

        foreach (var frequency in (DigestFrequency[])[DigestFrequency.Daily, DigestFrequency.Weekly])
        {
            var run = await PlannedRunAsync(DigestPeriod.Hourly(frequency, hour), hour, "", ct);
            due[run.RunId] = run;
        }

        // Alerts that ingesting did not plan: articles held until their date, or a trigger that stopped after ingesting.
        foreach (var article in await articles.ListAvailableAsync(hour - lateness, at.AddSeconds(1), ct))
        {
            var group = article.TranslationKey ?? article.BlobName;
            var period = DigestPeriod.Alert(group, article.AvailableAt!.Value);
            if (due.ContainsKey(period.RunId)) continue;
            due[period.RunId] = await PlannedRunAsync(period, at, group, ct);
        }
        return due.Values.ToList();
    }

    private async Task<DigestRunResult> EnqueueAsync(DigestRun run, CancellationToken ct)
    {
        if (run.Status is not DigestRunStatus.Planned) return Result(run, []);
        var unsent = (await ledger.ListAsync(run.RunId, run.PlanId, ct)).Where(b => b.Status is BatchStatus.Planned or BatchStatus.Failed).ToList();
        await queue.EnqueueAsync(unsent.Select(b => new SendBatchMessage(run.RunId, run.PlanId, b.BatchId)), ct);
        logger.LogInformation("Run {RunId}: {Count} batches queued for sending", run.RunId, unsent.Count);
        return Result(run, []);
    }

    private async Task<DigestRunResult> SendOrReportAsync(DigestRun run, CancellationToken ct)
    {
        if (run.Status is DigestRunStatus.Completed)
        {
            // Report what the ledger says was sent, so a rerun reads "already sent", not "nothing to send".
            var sent = run.PlanId.Length == 0 ? [] : (await ledger.ListAsync(run.RunId, run.PlanId, ct)).Select(b => new BatchResult(b.BatchId, BatchOutcome.AlreadySent, 0, 0, null)).ToList();
            logger.LogInformation("Run {RunId} is completed: {BatchCount} batches already sent, nothing to send", run.RunId, sent.Count);
            return Result(run, sent);
        }
        if (run.Status is not DigestRunStatus.Planned)
        {
            logger.LogInformation("Run {RunId} is {Status}: nothing to send", run.RunId, run.Status);
            return Result(run, []);
        }
        return await SendAsync(run, ct);
    }

    /// <summary>The run, planned if it was not yet (or if its planner died past the lease).</summary>
    private async Task<DigestRun> PlannedRunAsync(DigestPeriod period, DateTimeOffset at, string articleGroup, CancellationToken ct)
    {
        var run = await runs.GetOrCreateAsync(period, at, ct, articleGroup);
        if (run.Status is DigestRunStatus.Open || (run.Status is DigestRunStatus.Planning && time.GetUtcNow() - run.UpdatedAt > PlanningLease))
        {
            var planned = await planner.PlanAsync(period, run, ct);
            if (planned is null)
            {
                logger.LogInformation("Run {RunId} is being planned by another worker", run.RunId);
                return await runs.GetAsync(period.Frequency, period.Key, ct) ?? run;
            }
            run = planned;
        }
        return run;
    }

    private async Task<DigestRunResult> SendAsync(DigestRun run, CancellationToken ct, bool resendUncertain = false)
    {
        var contents = new Dictionary<string, MailContent>(StringComparer.Ordinal);
        var results = new List<BatchResult>();
        var batches = await ledger.ListAsync(run.RunId, run.PlanId, ct, withRecipientIds: false);
        foreach (var (batch, index) in batches.Select((b, i) => (b, i)))
        {
            if (!contents.TryGetValue(batch.Variant, out var content))
                contents[batch.Variant] = content = await ContentAsync(run.RunId, batch.Variant, ct);
            var result0 = await sender.SendAsync(batch, run.Frequency, content, ct, resendUncertain);
            results.Add(result0);
            // Complete only after the last batch, and only if every one was sent (now or before).
            var last = index == batches.Count - 1;
            run = await RecordAsync(run, [result0], ct, allSentSoFar: last && results.All(r => r.Outcome is BatchOutcome.Sent or BatchOutcome.AlreadySent));
            if (run.Status is DigestRunStatus.Paused) break;
        }
        var result = Result(run, results);
        logger.LogInformation("Run {RunId}: {BatchesSent} batches sent now ({RecipientsSent} recipients), {AlreadySent} already sent, {Failed} failed, {Uncertain} uncertain",
            run.RunId, result.BatchesSentNow, result.RecipientsSentNow, result.BatchesAlreadySent, result.BatchesFailed, result.BatchesUncertain);
        return result;
    }

    private async Task<MailContent> ContentAsync(string runId, string variant, CancellationToken ct)
        => await archive.LoadAsync(runId, variant, ct)
           ?? throw new InvalidOperationException($"Run {runId} is planned but its rendered digest ({variant}) is missing from the digests container.");

    /// <summary>
    /// Counts failures in a row on the run (ETag-guarded, so concurrent senders add up) and pauses it at
    /// Delivery:PauseAfterFailures; marks it completed once every batch of its plan is sent.
    /// </summary>
    /// <param name="allSentSoFar">
    /// For the inline loop, which knows the outcome of every batch it went through: true when all were sent, so the plan need
    /// not be listed again after every batch. Null (queue consumers, each seeing one batch) lists the plan to find out.
    /// </param>
    private async Task<DigestRun> RecordAsync(DigestRun run, IReadOnlyList<BatchResult> results, CancellationToken ct, bool? allSentSoFar = null)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var failures = results.Aggregate(run.ConsecutiveFailures, (n, r) => r.Outcome switch
            {
                BatchOutcome.Failed => n + 1,
                BatchOutcome.Sent => 0,
                _ => n,
            });
            var status = run.Status;
            if (status is DigestRunStatus.Planned && failures >= delivery.Value.PauseAfterFailures)
            {
                status = DigestRunStatus.Paused;
                logger.LogError("Run {RunId} paused: {Failures} batches failed in a row. Fix the cause, then `notify digest resume {RunId}`", run.RunId, failures, run.RunId);
            }
            else if (status is DigestRunStatus.Planned && results.Any(r => r.Outcome is BatchOutcome.Sent or BatchOutcome.AlreadySent)
                     && (allSentSoFar ?? (await ledger.ListAsync(run.RunId, run.PlanId, ct)).All(b => b.Status == BatchStatus.Sent)))
                status = DigestRunStatus.Completed;
            if (failures == run.ConsecutiveFailures && status == run.Status) return run;
            if (await runs.TryUpdateAsync(run with { ConsecutiveFailures = failures, Status = status }, ct) is { } updated) return updated;
            run = await runs.GetAsync(run.Frequency, run.PeriodKey, ct) ?? run;
        }
        return run;
    }

    private static DigestRunResult Result(DigestRun run, IReadOnlyList<BatchResult> batches)
        => new(run.RunId, run.Status, run.WindowStart, run.WindowEnd, run.ArticleCount, run.RecipientCount, run.BatchCount, batches);
}
