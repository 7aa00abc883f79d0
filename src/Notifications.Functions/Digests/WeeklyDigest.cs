using Microsoft.Azure.Functions.Worker;
using Notifications.Digests;

namespace Notifications.Functions.Digests;

/// <summary>The weekly digest on the <c>WeeklyDigestSchedule</c> app setting: plans the run and queues its batches for SendBatch. CLI twin: <c>notify digest run --frequency weekly</c>.</summary>
public sealed class WeeklyDigest(DigestRunner runner)
{
    [Function(nameof(WeeklyDigest))]
    public Task Run([TimerTrigger("%WeeklyDigestSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => runner.PlanAsync(DigestFrequency.Weekly, ct: cancellationToken);
}
