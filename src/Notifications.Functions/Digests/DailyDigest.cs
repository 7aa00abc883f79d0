using Microsoft.Azure.Functions.Worker;
using Notifications.Digests;

namespace Notifications.Functions.Digests;

/// <summary>The daily digest on the <c>DailyDigestSchedule</c> app setting: plans the run and queues its batches for SendBatch. CLI twin: <c>notify digest run --frequency daily</c>.</summary>
public sealed class DailyDigest(DigestRunner runner)
{
    [Function(nameof(DailyDigest))]
    public Task Run([TimerTrigger("%DailyDigestSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => runner.PlanAsync(DigestFrequency.Daily, ct: cancellationToken);
}
