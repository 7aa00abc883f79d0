using Azure;
using Notifications.Subscribers;

namespace Notifications.Digests;

public enum DigestRunStatus
{
    /// <summary>Created; its window is fixed, nothing planned yet.</summary>
    Open,
    /// <summary>One worker is rendering and writing the batches (a lease: stale after <see cref="ScheduleOptions.PlanningLease"/>).</summary>
    Planning,
    /// <summary>Batches are in the ledger; sending may be under way.</summary>
    Planned,
    /// <summary>Every batch was sent, or there was nothing to send.</summary>
    Completed,
    /// <summary>Too many batches failed in a row: sending stopped until <c>notify digest resume</c>.</summary>
    Paused,
    /// <summary>
    /// Cancelled by an admin before it was all sent (<c>notify digest cancel</c>, the runs archive): its unsent batches are Cancelled and
    /// never sent, and their recipients' windows are put back, so their next digest carries what this one would have.
    /// </summary>
    Cancelled,
}

/// <summary>
/// A digest run (<see cref="DigestPeriod"/> says which kind): the hourly timer's, one started by hand, or an article's instant alert
/// (<see cref="ArticleGroup"/>: the article's translation key). <see cref="WindowStart"/> is the earliest window start of its recipients,
/// <see cref="WindowEnd"/> the latest end. <see cref="PlanId"/> names the plan
/// (the batches in the ledger) that this run sends; a planner that lost its claim writes rows under another id, which nobody sends.
/// </summary>
public sealed record DigestRun(
    string RunId,
    DigestFrequency Frequency,
    string PeriodKey,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DigestRunStatus Status,
    int ArticleCount,
    int RecipientCount,
    int BatchCount,
    string PlanId,
    DateTimeOffset UpdatedAt,
    ETag ETag,
    int ConsecutiveFailures = 0,
    string ArticleGroup = "");
