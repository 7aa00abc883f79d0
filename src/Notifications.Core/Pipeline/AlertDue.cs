namespace Notifications.Pipeline;

/// <summary>What one <see cref="AlertDue.PlanWaitingAsync"/> did: messages handled, alert runs planned.</summary>
public sealed record AlertDrainResult(int Handled, IReadOnlyList<DigestRunResult> Runs);

/// <summary>
/// An alert's wait for translations ended (a message on the alerts-due queue became visible: the AlertDue function; CLI twin
/// <c>notify digest alerts</c>): the group's alert, and any late translation's, are planned and their batches queued
/// (<see cref="TranslationAlerts"/>). A message that comes early (a clock ahead) is put back for the rest of the wait; one handled twice
/// plans nothing twice.
/// </summary>
public sealed class AlertDue(TranslationAlerts alerts, DigestRunner runner, AlertDueQueue queue, TimeProvider time)
{
    /// <summary>One message, as the AlertDue function takes it.</summary>
    public async Task<IReadOnlyList<DigestRunResult>> PlanAsync(AlertDueMessage message, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var due = await alerts.PlanDueAsync(message.Group, now, ct);
        if (due.WaitsUntil is { } until)
            await queue.EnqueueAsync(message, until - now, ct);
        var results = new List<DigestRunResult>();
        foreach (var run in due.Runs)
            results.Add(await runner.EnqueueAsync(run, ct));
        return results;
    }

    /// <summary>Every message visible now, each through <see cref="PlanAsync"/>: <c>notify digest alerts</c>.</summary>
    public async Task<AlertDrainResult> PlanWaitingAsync(CancellationToken ct = default)
    {
        var runs = new List<DigestRunResult>();
        var handled = await queue.DrainAsync(async (message, token) => runs.AddRange(await PlanAsync(message, token)), ct);
        return new AlertDrainResult(handled, runs);
    }
}
