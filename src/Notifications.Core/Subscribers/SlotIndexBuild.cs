using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Notifications.Subscribers;

/// <summary>Building the slot index from an existing subscribers table: in id order, from a cursor, a slice per call.</summary>
public sealed partial class SubscriberSlotIndex
{
    /// <summary>The format of the index's rows; a build of another format starts again.</summary>
    public const int FormatVersion = 1;

    private const int BuildPage = 1000;

    /// <summary>
    /// True once a build reached the end of the table. Read from the table at every call (one row per tick), not remembered: an index
    /// emptied or restored under a running instance is built again, never read as if it were whole.
    /// </summary>
    public async Task<bool> IsBuiltAsync(CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var meta = await Table.GetEntityIfExistsAsync<TableEntity>(SlotIndexKeys.Meta, SlotIndexKeys.BuildRow, cancellationToken: ct);
        return meta.HasValue && meta.Value is { } e && e.GetBoolean("Built") == true && e.GetInt32("Format") == FormatVersion;
    }

    private async Task<bool> BuildStepAsync(int maxSubscribers, CancellationToken ct)
    {
        if (await IsBuiltAsync(ct)) return true;
        var meta = await Table.GetEntityIfExistsAsync<TableEntity>(SlotIndexKeys.Meta, SlotIndexKeys.BuildRow, cancellationToken: ct);
        var cursor = meta.HasValue && meta.Value is { } m && m.GetInt32("Format") == FormatVersion ? m.GetString("Cursor") ?? "" : "";
        var (read, end) = await IndexFromAsync(cursor, maxSubscribers, ct);
        logger.LogInformation("Slot index build: {Count} subscribers indexed{End}", read, end ? "; built" : ", more to come");
        return end;
    }

    private async Task<int> RebuildAllAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var (read, _) = await IndexFromAsync("", int.MaxValue, ct);
        return read;
    }

    /// <summary>Indexes subscribers after <paramref name="cursor"/> in id order, saving the cursor after each page; marks built at the end.</summary>
    private async Task<(int Read, bool End)> IndexFromAsync(string cursor, int max, CancellationToken ct)
    {
        // A build from the start writes the directory again too: this instance's memory of the groups it wrote may be of an index
        // that was emptied since.
        if (cursor.Length == 0) _knownGroups.Clear();
        var read = 0;
        while (read < max)
        {
            var take = Math.Min(BuildPage, max - read);
            var page = new List<Subscriber>(take);
            await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberStore.Partition} and RowKey gt {cursor}"),
                               maxPerPage: take, cancellationToken: ct))
            {
                page.Add(SubscriberStore.FromEntity(e));
                if (page.Count == take) break;
            }
            if (page.Count > 0)
            {
                // A subscriber written meanwhile has cards at least as new: the build leaves them (the write log covers a race anyway).
                await RecordCoreAsync(page.Select(s => (s.Id, (Subscriber?)s)).ToList(), onlyIfNewer: true, ct, contiguous: true);
                cursor = page[^1].Id;
                read += page.Count;
            }
            var end = page.Count < take;
            await Table.UpsertEntityAsync(new TableEntity(SlotIndexKeys.Meta, SlotIndexKeys.BuildRow)
            {
                ["Cursor"] = cursor,
                ["Format"] = FormatVersion,
                ["Built"] = end,
                ["BuiltAt"] = end ? time.GetUtcNow() : null,
            }, TableUpdateMode.Merge, ct);
            if (end) return (read, true);
        }
        return (read, false);
    }
}
