using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>
/// A run's delivery figures from SendGrid's events. <see cref="Opened"/> and <see cref="Clicked"/> are null when opens and clicks are
/// not tracked (<c>Delivery:TrackOpensAndClicks</c> off): "not tracked", never zero.
/// </summary>
public sealed record RunFigures(long Recipients, long Delivered, long Bounced, long Complained, long? Opened, long? Clicked)
{
    /// <summary>A count as a share of the recipients (0–1); null when there were no recipients or the count is not tracked.</summary>
    public double? RateOf(long? count) => count is { } c && Recipients > 0 ? (double)c / Recipients : null;
}

/// <summary>One run in the archive: what it was, where it stands, its batches by outcome and its figures.</summary>
public sealed record RunSummary(
    string RunId,
    DigestFrequency Frequency,
    string PeriodKey,
    string ArticleGroup,
    DigestRunStatus Status,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DateTimeOffset UpdatedAt,
    int ArticleCount,
    int RecipientCount,
    int BatchCount,
    int BatchesSent,
    int BatchesFailed,
    int BatchesUncertain,
    RunFigures Figures);

/// <summary>
/// Every digest run ever (not two days): the secretariat console's runs archive and dashboard, and <c>notify digest status --since</c>.
/// </summary>
public sealed class RunArchive
{
    /// <summary>Runs updated since <paramref name="since"/> (all when null), newest first, at most <paramref name="take"/>.</summary>
    public Task<IReadOnlyList<RunSummary>> ListAsync(DateTimeOffset? since = null, int take = 100, CancellationToken ct = default)
        => throw new NotImplementedException("runs helper");
}
