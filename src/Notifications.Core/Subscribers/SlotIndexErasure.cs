using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>Erasure in the slot index: the subscriber's cards (in any group), locator and write-log entries.</summary>
public sealed partial class SubscriberSlotIndex
{
    async Task<ErasureStep> IPersonalDataStore.ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var id = subscriber.Id;
        if (!SubscriberIds.IsId(id)) return new ErasureStep("slot index", 0);
        var bucket = SlotIndexKeys.BucketOf(id);
        var rows = new List<(string Partition, string RowKey)>();
        // Every group's card partition, not only those the locator lists: nothing is left whatever happened before.
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {SlotIndexKeys.Directory}"),
                           select: ["RowKey"], cancellationToken: ct))
            rows.Add((SlotIndexKeys.Cards(e.RowKey, bucket), id));
        rows.Add((SlotIndexKeys.Locators(bucket), id));
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
                           $"PartitionKey ge {"w-"} and PartitionKey lt {"w."} and Id eq {id}"), select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            rows.Add((e.PartitionKey, e.RowKey));
        var removed = 0;
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (row, token) =>
        {
            if ((await Table.DeleteEntityAsync(row.Partition, row.RowKey, ETag.All, token)).Status != 404)
                Interlocked.Increment(ref removed);
        });
        return new ErasureStep("slot index", removed);
    }
}
