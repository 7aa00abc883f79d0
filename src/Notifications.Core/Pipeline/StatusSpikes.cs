using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>
/// Bounces or complaints in the last 24 hours against the usual: the daily average of the <see cref="StatusSpikes.BaselineDays"/> days
/// before. <see cref="IsSpike"/> when there are at least <see cref="StatusSpikes.Minimum"/> and at least <see cref="StatusSpikes.Factor"/>
/// times the usual.
/// </summary>
public sealed record StatusSpike(SubscriberStatus Status, int LastDay, double UsualPerDay, bool IsSpike);

/// <summary>
/// Bounce and complaint spikes from the search index's cards: a subscriber bounced (or complained) when their status says so, at their
/// <see cref="SubscriberCard.StatusChangedAt"/>. A subscriber who bounced and was reactivated since no longer counts. Pure.
/// </summary>
public static class StatusSpikes
{
    /// <summary>How many days before the last 24 hours make "the usual".</summary>
    public const int BaselineDays = 28;

    /// <summary>Fewer than this in a day is never a spike (one bounce is not news).</summary>
    public const int Minimum = 3;

    /// <summary>How many times the usual daily count makes a spike.</summary>
    public const double Factor = 2;

    /// <summary>One figure for bounces, one for complaints.</summary>
    public static IReadOnlyList<StatusSpike> From(IEnumerable<SubscriberCard> cards, DateTimeOffset now)
    {
        var dayStart = now.AddDays(-1);
        var baselineStart = dayStart.AddDays(-BaselineDays);
        var counts = new Dictionary<SubscriberStatus, (int Day, int Baseline)>
        {
            [SubscriberStatus.Bounced] = (0, 0),
            [SubscriberStatus.Complained] = (0, 0),
        };
        foreach (var card in cards)
        {
            if (!counts.TryGetValue(card.Status, out var c) || card.StatusChangedAt is not { } at || at > now) continue;
            if (at > dayStart) counts[card.Status] = (c.Day + 1, c.Baseline);
            else if (at > baselineStart) counts[card.Status] = (c.Day, c.Baseline + 1);
        }
        return new[] { SubscriberStatus.Bounced, SubscriberStatus.Complained }.Select(status =>
        {
            var (day, baseline) = counts[status];
            var usual = (double)baseline / BaselineDays;
            return new StatusSpike(status, day, usual, day >= Minimum && day >= Factor * usual);
        }).ToList();
    }
}
