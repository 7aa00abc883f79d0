using Microsoft.Azure.Functions.Worker;

namespace Notifications.Functions.HourPassed;

/// <summary>
/// Every hour (UTC, on the <c>DigestScheduleCron</c> app setting): <see cref="Pipeline.HourPassed"/> plans the digests due at that hour in
/// each subscriber's own time zone, and the alerts of held articles whose date came, then queues their batches for SendBatch.
/// CLI twin: <c>notify digest run --due</c>.
/// </summary>
public sealed class HourlyDigests(Pipeline.HourPassed hourPassed)
{
    [Function(nameof(HourlyDigests))]
    public Task Run([TimerTrigger("%DigestScheduleCron%")] TimerInfo timer, CancellationToken cancellationToken)
        => hourPassed.PlanDueAsync(ct: cancellationToken);
}
