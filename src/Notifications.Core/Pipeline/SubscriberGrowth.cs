using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>One week (Monday to Sunday, UTC) of subscriber growth and churn.</summary>
/// <param name="Joined">Subscribers created that week who got past pending (confirmed, or added by an admin or an import).</param>
/// <param name="Unsubscribed">Left that week by unsubscribing …</param>
/// <param name="Bounced">… because their address bounced …</param>
/// <param name="Complained">… or because they marked a digest as spam.</param>
/// <param name="Subscribed">Subscribers at the end of the week: joined by then and not left by then.</param>
public sealed record GrowthWeek(DateOnly Monday, int Joined, int Unsubscribed, int Bounced, int Complained, int Subscribed)
{
    public int Left => Unsubscribed + Bounced + Complained;
}

/// <summary>
/// Subscriber growth and churn per week, from the search index's cards: a subscriber joined in the week of their
/// <see cref="SubscriberCard.CreatedAt"/> (unless still pending) and left in the week of their <see cref="SubscriberCard.StatusChangedAt"/>
/// (their creation when null) when their status is unsubscribed, bounced or complained. A suspended subscriber has not left (an admin
/// paused them). Pure: the time comes in as an argument.
/// </summary>
public static class SubscriberGrowth
{
    /// <summary>The default number of weeks the dashboard shows.</summary>
    public const int DefaultWeeks = 12;

    /// <summary>The <paramref name="weeks"/> weeks up to and including the week of <paramref name="now"/>, oldest first.</summary>
    public static IReadOnlyList<GrowthWeek> Weekly(IEnumerable<SubscriberCard> cards, DateTimeOffset now, int weeks = DefaultWeeks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(weeks, 1);
        var thisMonday = MondayOf(now);
        var firstMonday = thisMonday.AddDays(-7 * (weeks - 1));
        var joined = new int[weeks];
        var left = new int[weeks, 3];
        var before = 0; // subscribed at the start of the first week
        foreach (var card in cards)
        {
            if (card.Status == SubscriberStatus.Pending) continue;
            var start = Week(card.CreatedAt);
            if (start < 0) before++;
            else if (start < weeks) joined[start]++;
            if (LeftKind(card.Status) is not { } kind) continue;
            var end = Week(card.StatusChangedAt ?? card.CreatedAt);
            if (end < 0) before--;
            else if (end < weeks) left[end, kind]++;
        }

        var list = new List<GrowthWeek>(weeks);
        var subscribed = before;
        for (var i = 0; i < weeks; i++)
        {
            subscribed += joined[i] - left[i, 0] - left[i, 1] - left[i, 2];
            list.Add(new GrowthWeek(firstMonday.AddDays(7 * i), joined[i], left[i, 0], left[i, 1], left[i, 2], subscribed));
        }
        return list;

        int Week(DateTimeOffset at)
        {
            var days = MondayOf(at).DayNumber - firstMonday.DayNumber;
            return days < 0 ? -1 : days / 7;
        }
    }

    /// <summary>The Monday (UTC) of the week of <paramref name="at"/>.</summary>
    public static DateOnly MondayOf(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private static int? LeftKind(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Unsubscribed => 0,
        SubscriberStatus.Bounced => 1,
        SubscriberStatus.Complained => 2,
        _ => null,
    };
}
