using Azure.Data.Tables;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;

namespace Notifications.Core.Tests.Subscribers;

/// <summary>Looks into the slot index's table the way a test needs to: which groups hold a subscriber's cards, what a locator says.</summary>
internal static class SlotIndexProbe
{
    public static TableClient Table(this TestHost host) => host.Get<StorageResources>().SubscriberSlots;

    /// <summary>The ids of the groups holding a card of this subscriber.</summary>
    public static async Task<IReadOnlyList<string>> CardGroupsAsync(this TestHost host, string id, CancellationToken ct)
    {
        var groups = new List<string>();
        await foreach (var e in host.Table().QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey ge {"c-"} and PartitionKey lt {"c."} and RowKey eq {id}"), cancellationToken: ct))
        {
            Assert.Equal($"-{id[0]}", e.PartitionKey[^2..]);
            groups.Add(e.PartitionKey[2..^2]);
        }
        return groups.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The groups a subscriber's cards belong in, from the public group records: slot group (daily/weekly) and topic groups.</summary>
    public static IReadOnlyList<string> ExpectedGroups(Subscriber s)
        => s.Status != SubscriberStatus.Active ? []
            : new[] { SlotGroup.Of(s)?.Id }.OfType<string>().Concat(TopicGroup.Of(s).Select(t => t.Id)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The locator's groups (sorted) and UpdatedAt; null when there is none.</summary>
    public static async Task<(IReadOnlyList<string> Groups, DateTimeOffset? UpdatedAt)?> LocatorAsync(this TestHost host, string id, CancellationToken ct)
    {
        var e = await host.Table().GetEntityIfExistsAsync<TableEntity>($"l-{id[0]}", id, cancellationToken: ct);
        return e.HasValue && e.Value is { } l
            ? ((l.GetString("Groups") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList(),
                l.GetDateTimeOffset("UpdatedAt"))
            : null;
    }

    /// <summary>Asserts that the subscriber's cards and locator are exactly what their row says.</summary>
    public static async Task AssertIndexedAsync(this TestHost host, string id, CancellationToken ct)
    {
        var row = await host.Get<SubscriberStore>().GetAsync(id, ct);
        var expected = row is null ? [] : ExpectedGroups(row);
        Assert.Equal(expected, await host.CardGroupsAsync(id, ct));
        var locator = await host.LocatorAsync(id, ct);
        if (expected.Count == 0)
            Assert.Null(locator);
        else
        {
            Assert.Equal(expected, locator!.Value.Groups);
            Assert.Equal(row!.UpdatedAt, locator.Value.UpdatedAt);
        }
    }

    /// <summary>Every row of the index's table except the directory and the build state (cards, locators, write log).</summary>
    public static async Task<List<TableEntity>> IndexRowsAsync(this TestHost host, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in host.Table().QueryAsync<TableEntity>(cancellationToken: ct))
            if (e.PartitionKey is not ("groups" or "meta"))
                rows.Add(e);
        return rows;
    }

    /// <summary>
    /// Puts the cards and locators back as they were in <paramref name="before"/> (a crash after the row write, before the index's): the
    /// write log stays as it is.
    /// </summary>
    public static async Task RestoreCardsAsync(this TestHost host, IReadOnlyList<TableEntity> before, CancellationToken ct)
    {
        static bool CardOrLocator(TableEntity e)
            => e.PartitionKey.StartsWith("c-", StringComparison.Ordinal) || e.PartitionKey.StartsWith("l-", StringComparison.Ordinal);
        foreach (var e in (await host.IndexRowsAsync(ct)).Where(CardOrLocator))
            await host.Table().DeleteEntityAsync(e.PartitionKey, e.RowKey, Azure.ETag.All, ct);
        foreach (var e in before.Where(CardOrLocator))
            await host.Table().UpsertEntityAsync(e, TableUpdateMode.Replace, ct);
    }

    /// <summary>Deletes every row of the index's table: a store as the code before the index left it.</summary>
    public static async Task ForgetIndexAsync(this TestHost host, CancellationToken ct)
    {
        await foreach (var e in host.Table().QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            await host.Table().DeleteEntityAsync(e.PartitionKey, e.RowKey, Azure.ETag.All, ct);
    }

    public static async Task<List<T>> CollectAsync<T>(this IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
