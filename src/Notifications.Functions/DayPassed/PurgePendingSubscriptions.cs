using Microsoft.Azure.Functions.Worker;

namespace Notifications.Functions.DayPassed;

/// <summary>
/// Daily at 02:30 UTC: <see cref="Pipeline.DayPassed"/> removes subscribe requests and pending subscribers whose confirmation link has
/// expired. CLI twin: <c>notify subscribers purge-pending</c>.
/// </summary>
public sealed class PurgePendingSubscriptions(Pipeline.DayPassed dayPassed)
{
    [Function(nameof(PurgePendingSubscriptions))]
    public Task Run([TimerTrigger("0 30 2 * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => dayPassed.PurgeAsync(cancellationToken);
}
