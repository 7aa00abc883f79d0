using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Telemetry;

namespace Notifications.Digests;

/// <summary>
/// Plans one run: who gets which articles, rendered once per variant, written to the ledger as batches before anything is sent.
/// <list type="bullet">
/// <item>The hourly timer's runs take the subscribers that <see cref="DigestSchedule"/> says are due at that hour in their own time zone,
/// found through the slot index (<see cref="DigestCandidates"/>).</item>
/// <item>A run started by hand takes every active subscriber of its frequency, with windows ending now.</item>
/// <item>An instant alert takes the article (and its translations) to the <c>instant</c> subscribers of its topics, and with
/// <c>alert: true</c> to every subscriber of its topics.</item>
/// </list>
/// A subscriber's window starts at their watermark (<see cref="DigestWatermarks"/>), or for their first digest at their creation minus
/// <see cref="ScheduleOptions.FirstDigestLookBack"/>, and the watermark moves (ETag-guarded, a shard of ids at a time) before the
/// batches are written: two runs never give one subscriber the same article, and a subscriber with nothing new gets nothing.
/// </summary>
/// <remarks>
/// Memory does not grow with the number of subscribers: they are read a page at a time in id order, decided a watermark shard at a
/// time, and each variant's recipients are written to the ledger as soon as they fill a batch. What is held is one shard, and at most
/// one unfinished batch per variant.
/// </remarks>
public sealed class DigestPlanner(
    DigestRunStore runs,
    ArticleIndex articles,
    DigestCandidates candidates,
    DigestWatermarks watermarks,
    DigestSchedule schedule,
    DigestRenderer renderer,
    DigestArchive archive,
    DeliveryLedger ledger,
    SubscriptionLinks links,
    IOptions<DeliveryOptions> delivery,
    IOptions<ScheduleOptions> scheduleOptions,
    ILogger<DigestPlanner> logger,
    PipelineTelemetry telemetry)
{
    /// <summary>Claims the run, decides who gets what, renders each variant once and writes the batches. Null when another worker holds the claim.</summary>
    public Task<DigestRun?> PlanAsync(DigestPeriod period, DigestRun run, CancellationToken ct)
        => telemetry.TracePlanAsync(run.RunId, PipelineTelemetry.KindOf(period.IsAlert, period.IsScheduled), period.Frequency.ToString(),
            () => PlanOnceAsync(period, run, ct),
            planned => new PlannedRunTags(planned.Status.ToString(), planned.ArticleCount, planned.RecipientCount, planned.BatchCount));

    private async Task<DigestRun?> PlanOnceAsync(DigestPeriod period, DigestRun run, CancellationToken ct)
    {
        // A fresh plan id: if this planner is slow and loses its claim, the rows it still writes belong to no run.
        var claimed = await runs.TryUpdateAsync(run with { Status = DigestRunStatus.Planning, PlanId = Guid.NewGuid().ToString("N")[..12] }, ct);
        if (claimed is null) return null;

        IReadOnlyList<IndexedArticle> alertGroup = [];
        IndexedArticle? corrected = null;
        string? lateLanguage = null;
        if (period.IsAlert)
        {
            // Up to and including the run's instant (a second more: storage compares instants coarser than ticks).
            // Then to the tick: a translation available after the run's instant has an alert of its own (Pipeline's TranslationAlerts).
            alertGroup = (await articles.ListAvailableAsync(run.WindowEnd.AddYears(-1), run.WindowEnd.AddSeconds(1), ct, translationKey: run.ArticleGroup))
                .Where(a => a.AvailableAt <= run.WindowEnd).ToList();
            // A late translation's alert: to the readers of its language only (the others had the group's alert).
            lateLanguage = alertGroup.Select(a => a.Language).Distinct(StringComparer.Ordinal)
                .FirstOrDefault(l => DigestPeriod.LateTranslationKey(run.ArticleGroup, l) == period.Key);
            if (lateLanguage is null && period.Key != DigestPeriod.AlertKey(run.ArticleGroup))
            {
                // A correction alert: of the one corrected version its key names; none when that version is gone (corrected again, withdrawn).
                corrected = alertGroup.FirstOrDefault(a => a.Correction && DigestPeriod.AlertKey(run.ArticleGroup, a.ContentHash) == period.Key);
                if (corrected is null) alertGroup = [];
            }
            if (alertGroup.Count == 0)
                return await runs.TryUpdateAsync(claimed with { Status = DigestRunStatus.Completed }, ct);
        }

        // Candidates in id order (DigestCandidates: from the slot index, or everyone), decided a watermark shard at a time; the shards are
        // read alongside, in one query.
        await using var shards = watermarks.StreamAsync(ct).GetAsyncEnumerator(ct);
        var plan = new RunPlan(claimed, period, alertGroup, corrected, lateLanguage, shards, articles, watermarks, schedule, renderer, archive, ledger, links,
            delivery.Value.BatchSize, scheduleOptions.Value.FirstDigestLookBack, logger);
        var shard = new List<(Subscriber Subscriber, DateTimeOffset Version)>();
        await foreach (var s in candidates.StreamAsync(period, claimed, alertGroup, ct))
        {
            if (shard.Count > 0 && DigestWatermarks.ShardOf(s.Subscriber.Id) != DigestWatermarks.ShardOf(shard[0].Subscriber.Id))
            {
                await plan.DecideShardAsync(shard, ct);
                shard = []; // the plan may hold on to that one until its shard is written
            }
            shard.Add(s);
        }
        if (shard.Count > 0)
            await plan.DecideShardAsync(shard, ct);
        await plan.CommitAsync(ct);
        await plan.FlushAllAsync(ct);

        if (plan.Batches == 0)
            logger.LogInformation("Run {RunId}: nothing new for anyone due", run.RunId);
        else
            logger.LogInformation(
                "Run {RunId} planned: {ArticleCount} articles, {RecipientCount} recipients in {BatchCount} batches, {VariantCount} renderings",
                run.RunId, plan.Articles.Count, plan.Recipients, plan.Batches, plan.Renderings);
        var planned = await runs.TryUpdateAsync(claimed with
        {
            Status = plan.Batches == 0 ? DigestRunStatus.Completed : DigestRunStatus.Planned,
            WindowStart = plan.WindowStart ?? run.WindowStart,
            ArticleCount = plan.Articles.Count,
            RecipientCount = plan.Recipients,
            BatchCount = plan.Batches,
        }, ct);
        if (planned is null && plan.Batches > 0)
        {
            // Too slow: another planner took the run over past the lease. What this one wrote belongs to no run; it goes now, with the
            // addresses it holds, rather than wait for the run's completion (which may have happened already).
            var deleted = await ledger.DeletePlanAsync(run.RunId, claimed.PlanId, ct);
            logger.LogWarning("Run {RunId}: this planner lost its claim to another planner while planning; the {Count} batches it wrote were deleted",
                run.RunId, deleted);
        }
        return planned;
    }
}
