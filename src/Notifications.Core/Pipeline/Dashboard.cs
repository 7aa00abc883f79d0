using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>Everything the admins' dashboard shows, read at <see cref="At"/>.</summary>
/// <param name="Subscribers">Subscribers by status (every status, zero included).</param>
/// <param name="UnknownZones">Active daily or weekly subscribers whose time zone is unknown (left out of <see cref="Due"/>).</param>
public sealed record DashboardReport(
    DateTimeOffset At,
    Attention Attention,
    IReadOnlyList<DueHour> Due,
    int UnknownZones,
    IReadOnlyList<RunSummary> Runs,
    IReadOnlyList<GrowthWeek> Growth,
    IReadOnlyDictionary<SubscriberStatus, int> Subscribers);

/// <summary>
/// The admins' dashboard (<c>/api/console/dashboard</c>) and its CLI twin (<c>notify dashboard</c>): what needs attention
/// (<see cref="AttentionReport"/>), the next digests due (<see cref="DueForecast"/>), the last runs (<see cref="RunArchive"/>), and
/// growth and churn per week (<see cref="SubscriberGrowth"/>). The subscriber figures come from the search index's cards
/// (<see cref="SubscriberSearchIndex.AllAsync"/>): one read, no table scan.
/// </summary>
public sealed class Dashboard(AttentionReport attention, DueForecast forecast, RunArchive archive, SubscriberSearchIndex index, TimeProvider time)
{
    /// <summary>How many of the latest runs the dashboard lists (leaving out completed runs without recipients).</summary>
    public const int LastRuns = 10;

    public async Task<DashboardReport> ReadAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var cards = await index.AllAsync(ct);
        var due = forecast.Next(cards, now, out var unknownZones);
        // Runs that mailed nobody and are done (an alert nobody wanted, an hour with nobody due) would crowd out the ones that matter.
        var runs = (await archive.ListAsync(null, LastRuns * 3, ct))
            .Where(r => r.RecipientCount > 0 || r.Status != DigestRunStatus.Completed).Take(LastRuns).ToList();
        var byStatus = Enum.GetValues<SubscriberStatus>().ToDictionary(s => s, s => 0);
        foreach (var card in cards) byStatus[card.Status]++;
        return new DashboardReport(now, await attention.ReadAsync(cards, now, ct), due, unknownZones, runs,
            SubscriberGrowth.Weekly(cards, now), byStatus);
    }
}
