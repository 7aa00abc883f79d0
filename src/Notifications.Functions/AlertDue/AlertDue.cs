using Microsoft.Azure.Functions.Worker;
using Notifications.Pipeline;

namespace Notifications.Functions.AlertDue;

/// <summary>
/// An alert's wait for its translations ended: a message on the alerts-due queue (<c>Storage:AlertsDueQueue</c>) became visible, and
/// <see cref="Pipeline.AlertDue"/> plans the group's alert. CLI twin: <c>notify digest alerts</c>.
/// </summary>
public sealed class AlertDueTrigger(Pipeline.AlertDue alertDue)
{
    [Function("AlertDue")]
    public Task Run([QueueTrigger("%Storage:AlertsDueQueue%", Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
        => alertDue.PlanAsync(AlertDueQueue.Deserialize(message), cancellationToken);
}
