using Microsoft.Azure.Functions.Worker;
using Notifications.Subscribers;

namespace Notifications.Functions.Subscribers;

/// <summary>
/// Daily at 02:30 UTC: removes subscribe requests and pending subscribers whose confirmation link has expired.
/// CLI twin: <c>notify subscribers purge-pending</c>.
/// </summary>
public sealed class PurgePendingSubscriptions(PendingSubscriptionPurge purge)
{
    [Function(nameof(PurgePendingSubscriptions))]
    public Task Run([TimerTrigger("0 30 2 * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => purge.PurgeAsync(cancellationToken);
}
