using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Notifications.Subscribers;

/// <summary>The read side of the slot index: the cards of some groups, merged in id order with the subscribers written since.</summary>
public sealed partial class SubscriberSlotIndex
{
    private async IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamCandidatesAsync(IReadOnlyList<string> groupIds,
        Func<Subscriber, bool> matches, DigestFrequency? frequency, DateTimeOffset writtenSince, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var s in StreamEveryoneAsync(frequency, ct))
            yield return s;
    }

    /// <summary>Everyone (of a frequency), from the subscribers table in id order, as <see cref="SubscriberStore.StreamAsync"/> reads them.</summary>
    private async IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamEveryoneAsync(DigestFrequency? frequency,
        [EnumeratorCancellation] CancellationToken ct)
    {
        Reads.AddFullRead();
        await storage.EnsureCreatedAsync();
        var filter = frequency is { } f
            ? TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberStore.Partition} and Frequency eq {f.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberStore.Partition}");
        await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
            yield return (SubscriberStore.FromEntity(e), e.Timestamp ?? DateTimeOffset.MinValue);
    }
}
