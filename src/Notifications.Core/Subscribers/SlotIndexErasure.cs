using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>Erasure in the slot index: the subscriber's cards, locator and write-log entries.</summary>
public sealed partial class SubscriberSlotIndex
{
    async Task<ErasureStep> IPersonalDataStore.ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct)
    {
        await RemoveAsync([subscriber.Id], ct);
        return new ErasureStep("slot index", 0);
    }
}
