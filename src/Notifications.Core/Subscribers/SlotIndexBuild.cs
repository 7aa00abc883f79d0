using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Notifications.Subscribers;

/// <summary>Building the slot index from an existing subscribers table: in id order, from a cursor, a slice per call.</summary>
public sealed partial class SubscriberSlotIndex
{
    /// <summary>The format of the index's rows; a build of another format starts again.</summary>
    public const int FormatVersion = 1;

    private const int BuildPage = 1000;

    private volatile bool _built;

    /// <summary>True once a build reached the end of the table (remembered by this instance: a built index stays built).</summary>
    public async Task<bool> IsBuiltAsync(CancellationToken ct = default)
    {
        if (_built) return true;
        await storage.EnsureCreatedAsync();
        var meta = await Table.GetEntityIfExistsAsync<TableEntity>(SlotIndexKeys.Meta, SlotIndexKeys.BuildRow, cancellationToken: ct);
        return _built = meta.HasValue && meta.Value is { } e && e.GetBoolean("Built") == true && e.GetInt32("Format") == FormatVersion;
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
                ["Built"] = end || _built,
                ["BuiltAt"] = end ? time.GetUtcNow() : null,
            }, TableUpdateMode.Merge, ct);
            if (end)
            {
                _built = true;
                return (read, true);
            }
        }
        return (read, false);
    }
}
