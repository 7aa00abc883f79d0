using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>
/// Whom <see cref="DigestPlanner"/> considers for a run, in subscriber id order (the planner decides each; the watermarks and the ledger
/// still say who is mailed):
/// <list type="bullet">
/// <item>an hourly run: the slot index's cards of the slot groups due in its <see cref="TickWindow"/> (<see cref="DueSlots"/>), with the
/// subscribers written since the window's start (the table's truth, of any frequency: only the run's frequency is kept);</item>
/// <item>an alert: the cards of the topic groups of its articles' topics (and of "all topics"), of instant subscribers, or of every
/// frequency when an article says <c>alert: true</c>, with the subscribers written in the last <see cref="SubscriberSlotIndex.AlertWrittenSince"/>;</item>
/// <item>a run started by hand, or any run while the index is off (<see cref="ScheduleOptions.UseSlotIndex"/>) or not built yet: every
/// subscriber of the frequency (of every frequency for an alert), read from the subscribers table.</item>
/// </list>
/// Before an hourly run or alert reads the index, the index's build goes on by up to <see cref="BuildStep"/> subscribers: a store written
/// before the index existed is indexed over the first ticks after an upgrade, and read whole until then.
/// </summary>
public sealed class DigestCandidates(
    SubscriberStore subscribers,
    SubscriberSlotIndex index,
    DigestRunStore runs,
    DueSlots dueSlots,
    IOptions<ScheduleOptions> options,
    TimeProvider time,
    ILogger<DigestCandidates> logger)
{
    /// <summary>How many subscribers one run indexes before it plans, while the index is not built.</summary>
    public const int BuildStep = 50_000;

    /// <summary>The run's candidates with the version the sender checks departures against.</summary>
    public async IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamAsync(
        DigestPeriod period, DigestRun run, IReadOnlyList<IndexedArticle> alertGroup, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var candidate in await SourceAsync(period, run, alertGroup, ct))
            if (period.IsAlert || candidate.Subscriber.Frequency == period.Frequency)
                yield return candidate;
    }

    private async Task<IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)>> SourceAsync(
        DigestPeriod period, DigestRun run, IReadOnlyList<IndexedArticle> alertGroup, CancellationToken ct)
    {
        var everyone = subscribers.StreamAsync(period.IsAlert ? null : period.Frequency, ct);
        if (!options.Value.UseSlotIndex || !(period.IsScheduled || period.IsAlert))
            return everyone;
        if (!await index.ContinueBuildAsync(BuildStep, ct))
        {
            logger.LogInformation("Run {RunId} reads every subscriber: the slot index is being built", run.RunId);
            return everyone;
        }
        if (period.IsAlert)
        {
            var topics = alertGroup.SelectMany(a => a.Topics).Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
            return index.StreamFollowersAsync(topics, alertGroup.Any(a => a.Alert), time.GetUtcNow() - SubscriberSlotIndex.AlertWrittenSince, ct);
        }
        var window = await TickWindow.OfAsync(runs, period.Frequency, run.WindowEnd, options.Value.LatenessLimit, ct);
        var groups = (await index.ListSlotGroupsAsync(period.Frequency, ct))
            .Where(g => dueSlots.IsDue(g, window)).ToList();
        logger.LogInformation("Run {RunId} reads {Count} due slot groups of the index and the subscribers written since {Since:u}",
            run.RunId, groups.Count, window.WrittenSince);
        return index.StreamDueAsync(period.Frequency, groups, window.WrittenSince, ct);
    }
}
