using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Delivery;
using Notifications.Subscribers;
using Notifications.Digests;

namespace Notifications.Pipeline;

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

    /// <summary>
    /// For a run another planner holds (<see cref="DigestRunStatus.Planning"/>): when its lease ends (<see cref="ScheduleOptions.PlanningLease"/>
    /// after its claim), and so when the run will be planned again if that planner stopped. Null otherwise.
    /// </summary>
    public DateTimeOffset? PlanningHeldUntil { get; init; }

    /// <summary>What is happening to a run another planner holds, for a person (the CLI and the logs say the same); null otherwise.</summary>
    public string? PlanningMessage => PlanningHeldUntil is { } until ? DigestRunner.HeldByAnotherPlanner(RunId, until) : null;
    public int BatchesCancelled => BatchResults.Count(b => b.Outcome == BatchOutcome.Cancelled);
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
    IReadOnlyList<BatchHealing>? Healing = null,
    IReadOnlyList<UncertainAssessment>? Uncertain = null,
    bool WebhookConfigured = false);

/// <summary>
/// Digest runs, start to end: a run started by hand (<see cref="RunAsync"/>), resumed (<see cref="ResumeAsync"/>) or looked at
/// (<see cref="StatusAsync"/>), as the CLI's admin commands do; and the steps the triggers' entries share (<see cref="HourPassed"/>,
/// <see cref="ArticlePublished"/>, <see cref="BatchDue"/>): a run planned if it is not yet, its batches queued, sent here and now, and
/// their outcomes recorded on the run. <see cref="DigestPlanner"/> decides who gets what; running the same run again sends nothing
/// that was sent.
/// </summary>
public sealed class DigestRunner(
    DigestRunStore runs,
    DigestPlanner planner,
    DeliveryLedger ledger,
    DigestBatchSender sender,
    SendBatchQueue queue,
    FailedBatchHealer healer,
    IOptions<DeliveryOptions> delivery,
    IOptions<ScheduleOptions> schedule,
    TimeProvider time,
    ILogger<DigestRunner> logger,
    UncertainBatchResolver uncertain)
{
    /// <summary>A run left in Planning longer than this (its planner crashed) may be planned again: <see cref="ScheduleOptions.PlanningLease"/>.</summary>
    private TimeSpan PlanningLease => schedule.Value.PlanningLease;

    /// <summary>
    /// "another planner holds run X until 22:14:05 UTC; it will be replanned then": what a caller of a run in Planning is told, with the
    /// end of the lease rounded up to the second (the run may be planned again from then on).
    /// </summary>
    public static string HeldByAnotherPlanner(string runId, DateTimeOffset until)
    {
        var second = new DateTimeOffset((until.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return $"another planner holds run {runId} until {second:yyyy-MM-dd HH:mm:ss} UTC; it will be replanned then (by the hourly timer, or by " +
            $"running it again)";
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
    public async Task<DigestRunStatusReport?> StatusAsync(string runId,
        Func<string, CancellationToken, Task<IReadOnlyDictionary<string, long>>>? events = null, CancellationToken ct = default)
    {
        var (frequency, key) = DigestPeriod.ParseRunId(runId);
        if (await runs.GetAsync(frequency, key, ct) is not { } run) return null;
        var batches = run.PlanId.Length == 0 ? [] : await ledger.ListAsync(run.RunId, run.PlanId, ct);
        return new DigestRunStatusReport(run,
            batches.GroupBy(b => b.Status).ToDictionary(g => g.Key, g => g.Count()),
            batches.Where(b => b.Status is BatchStatus.Failed or BatchStatus.Uncertain or BatchStatus.Sending or BatchStatus.Cancelled).ToList(),
            events is null ? new Dictionary<string, long>() : await events(run.RunId, ct),
            batches.SelectMany(b => (b.Refusals ?? []).Select(r => (b.BatchId, r))).ToList(),
            healer.Describe(run, batches),
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

    /// <summary>A planned run's unsent batches, one message each on the send-batches queue (for <see cref="BatchDue"/>).</summary>
    internal async Task<DigestRunResult> EnqueueAsync(DigestRun run, CancellationToken ct)
    {
        if (run.Status is not DigestRunStatus.Planned) return Result(run, []);
        // Failed batches are retried by the hourly timer after their backoff (FailedBatchHealer), not every time a run is looked at.
        var unsent = (await ledger.ListAsync(run.RunId, run.PlanId, ct)).Where(b => b.Status is BatchStatus.Planned).ToList();
        await queue.EnqueueAsync(unsent.Select(b => new SendBatchMessage(run.RunId, run.PlanId, b.BatchId)), ct);
        logger.LogInformation("Run {RunId}: {Count} batches queued for sending", run.RunId, unsent.Count);
        return Result(run, []);
    }

    /// <summary>A planned run's batches sent here and now; a completed one reports what was sent; any other sends nothing.</summary>
    internal async Task<DigestRunResult> SendOrReportAsync(DigestRun run, CancellationToken ct, Func<DeliveryBatch, bool>? only = null)
    {
        if (run.Status is DigestRunStatus.Completed)
        {
            // Report what the ledger says was sent, so a rerun reads "already sent", not "nothing to send".
            var sent = run.PlanId.Length == 0 ? [] : (await ledger.ListAsync(run.RunId, run.PlanId, ct)).Select(b => b.Status == BatchStatus.Cancelled
                ? new BatchResult(b.BatchId, BatchOutcome.Cancelled, 0, 0, b.Error)
                : new BatchResult(b.BatchId, BatchOutcome.AlreadySent, 0, 0, null)).ToList();
            logger.LogInformation("Run {RunId} is completed: {BatchCount} batches already sent, nothing to send", run.RunId, sent.Count);
            return Result(run, sent);
        }
        if (run.Status is not DigestRunStatus.Planned)
        {
            logger.LogInformation("Run {RunId} is {Status}: nothing to send", run.RunId, run.Status);
            return Result(run, []);
        }
        return await SendAsync(run, ct, only: only);
    }

    /// <summary>The run, planned if it was not yet (or if its planner died past the lease).</summary>
    internal async Task<DigestRun> PlannedRunAsync(DigestPeriod period, DateTimeOffset at, string articleGroup, CancellationToken ct)
    {
        var run = await runs.GetOrCreateAsync(period, at, ct, articleGroup);
        if (run.Status is DigestRunStatus.Open || (run.Status is DigestRunStatus.Planning && time.GetUtcNow() - run.UpdatedAt > PlanningLease))
        {
            var planned = await planner.PlanAsync(period, run, ct);
            if (planned is null)
                run = await runs.GetAsync(period.Frequency, period.Key, ct) ?? run;
            else
            {
                // Planned again with nobody to mail: completed here, so the plan the stopped planner left goes now.
                if (planned.Status is DigestRunStatus.Completed && run.PlanId.Length > 0)
                    await DeleteAbandonedPlansAsync(planned, ct);
                run = planned;
            }
        }
        if (run.Status is DigestRunStatus.Planning)
            logger.LogInformation("Another planner holds run {RunId} until {LeaseEnds:u}; it will be replanned then", run.RunId, run.UpdatedAt + PlanningLease);
        return run;
    }

    /// <param name="only">The batches to send (null: all); the run completes only if the others are sent already.</param>
    internal async Task<DigestRunResult> SendAsync(DigestRun run, CancellationToken ct, bool resendUncertain = false, Func<DeliveryBatch, bool>? only = null)
    {
        var loaded = new DigestBatchSender.Loaded();
        var plan = await ledger.ListAsync(run.RunId, run.PlanId, ct, withRecipientIds: false);
        var batches = only is null ? plan : plan.Where(only).ToList();
        var othersSent = only is null || plan.All(b => only(b) || b.Status is BatchStatus.Sent or BatchStatus.Cancelled);
        // Several batches at once; each outcome recorded on the run one at a time (InlineSendLoop), in the order they finish.
        var outcomes = new BatchResult?[batches.Count];
        var recorded = 0;
        var sending = run;
        await InlineSendLoop.RunAsync(batches, delivery.Value.InlineSendConcurrency,
            (batch, token) => sender.SendAsync(sending, batch, loaded, token, resendUncertain),
            async (index, outcome) =>
            {
                outcomes[index] = outcome;
                recorded++;
                // Complete only after the last batch, and only if every one was sent (now or before) or cancelled.
                run = await RecordAsync(run, [outcome], ct, allSentSoFar: recorded == batches.Count && othersSent
                    && outcomes.All(r => r?.Outcome is BatchOutcome.Sent or BatchOutcome.AlreadySent or BatchOutcome.Cancelled));
                return run.Status is not (DigestRunStatus.Paused or DigestRunStatus.Cancelled);
            }, ct);
        var results = outcomes.OfType<BatchResult>().ToList();
        var result = Result(run, results);
        logger.LogInformation("Run {RunId}: {BatchesSent} batches sent now ({RecipientsSent} recipients), {AlreadySent} already sent, {Failed} " +
            "failed, {Uncertain} uncertain, {Cancelled} cancelled",
            run.RunId, result.BatchesSentNow, result.RecipientsSentNow, result.BatchesAlreadySent,
            result.BatchesFailed, result.BatchesUncertain, result.BatchesCancelled);
        return result;
    }

    /// <summary>
    /// Counts failures in a row on the run (ETag-guarded, so concurrent senders add up) and pauses it at
    /// Delivery:PauseAfterFailures; marks it completed once every batch of its plan is sent (or cancelled).
    /// </summary>
    /// <param name="allSentSoFar">
    /// For the inline loop, which knows the outcome of every batch it went through: true when all were sent, so the plan need
    /// not be listed again after every batch. Null (queue consumers, each seeing one batch) lists the plan to find out.
    /// </param>
    internal async Task<DigestRun> RecordAsync(DigestRun run, IReadOnlyList<BatchResult> results, CancellationToken ct, bool? allSentSoFar = null)
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
                logger.LogError("Run {RunId} paused: {Failures} batches failed in a row. The hourly timer retries it after the failed batches' backoff " +
                                "(Delivery:HealBackoff) until the lateness limit; or fix the cause, then `notify digest resume {RunId}`",
                                run.RunId, failures, run.RunId);
            }
            else if (status is DigestRunStatus.Planned && results.Any(r => r.Outcome is BatchOutcome.Sent or BatchOutcome.AlreadySent or BatchOutcome.Cancelled)
                     && (allSentSoFar ?? (await ledger.ListAsync(run.RunId, run.PlanId, ct)).All(b => b.Status is BatchStatus.Sent or BatchStatus.Cancelled)))
                status = DigestRunStatus.Completed;
            if (failures == run.ConsecutiveFailures && status == run.Status) return run;
            // Before it is marked completed (a failure leaves it Planned, and the next send completes it): the batches of plans the run
            // no longer has, with their addresses.
            if (status is DigestRunStatus.Completed)
                await DeleteAbandonedPlansAsync(run, ct);
            if (await runs.TryUpdateAsync(run with { ConsecutiveFailures = failures, Status = status }, ct) is { } updated) return updated;
            run = await runs.GetAsync(run.Frequency, run.PeriodKey, ct) ?? run;
        }
        return run;
    }

    /// <summary>
    /// The batches of plans a completing run no longer has (written by a planner that stopped, or lost its claim), deleted with the
    /// addresses they hold: nobody ever sends them.
    /// </summary>
    private async Task DeleteAbandonedPlansAsync(DigestRun run, CancellationToken ct)
    {
        if (await ledger.DeleteAbandonedPlansAsync(run.RunId, run.PlanId, ct) is > 0 and var deleted)
            logger.LogInformation("Run {RunId} completes: {Count} batches of plans it no longer has deleted, with their addresses", run.RunId, deleted);
    }

    private DigestRunResult Result(DigestRun run, IReadOnlyList<BatchResult> batches)
        => new(run.RunId, run.Status, run.WindowStart, run.WindowEnd, run.ArticleCount, run.RecipientCount, run.BatchCount, batches)
        {
            PlanningHeldUntil = run.Status is DigestRunStatus.Planning ? run.UpdatedAt + PlanningLease : null,
        };
}
