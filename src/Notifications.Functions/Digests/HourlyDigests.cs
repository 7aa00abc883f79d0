using Microsoft.Azure.Functions.Worker;
using Notifications.Digests;
using Notifications.Pipeline;

namespace Notifications.Functions.Digests;

/// <summary>
/// Every hour (UTC, on the <c>DigestScheduleCron</c> app setting): plans the digests due at that hour in each subscriber's own time zone,
/// and the alerts of held articles whose date came, then queues their batches for SendBatch. CLI twin: <c>notify digest run --due</c>.
/// </summary>
public sealed class HourlyDigests(DigestRunner runner)
{
    [Function(nameof(HourlyDigests))]
    public Task Run([TimerTrigger("%DigestScheduleCron%")] TimerInfo timer, CancellationToken cancellationToken)
        => runner.PlanDueAsync(ct: cancellationToken);
}
