using Azure;
using Azure.Data.Tables;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>
/// What an erased subscriber leaves behind so that nobody re-subscribes them by mistake: the keyed hash of their address (the
/// subscriber id, <see cref="SubscriberIds"/>), why (unsubscribed, complained, bounced, or erased on request while subscribed) and when.
/// </summary>
public sealed record Suppression(string Id, string Reason, DateTimeOffset At)
{
    /// <summary>The reason a suppression records, from the subscriber's status at erasure.</summary>
    public static string ReasonFor(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Unsubscribed => "unsubscribed",
        SubscriberStatus.Complained => "complained",
        SubscriberStatus.Bounced => "bounced",
        _ => "erased",
    };

    /// <summary>For error messages: what the person did, in an admin's words.</summary>
    public string Describe() => Reason switch
    {
        "unsubscribed" => "unsubscribed",
        "complained" => "reported a digest as spam",
        "bounced" => "bounced (the address did not accept mail)",
        _ => "asked to be erased",
    } + $" and was erased on {At.UtcDateTime:yyyy-MM-dd}";
}

/// <summary>
/// The suppressions table: one row per erased address (partition "suppression", row = the keyed id), no address and no name. An admin
/// add or an import of a suppressed address is refused unless the admin gives an override reason, which is audited
/// (<see cref="SubscriberAdmin.CreateAsync"/>, <see cref="SubscriberCsv.ImportAsync"/>). Subscribing oneself (the form and its
/// confirmation) is the person's own consent and is not blocked.
/// </summary>
public sealed class Suppressions(StorageResources storage)
{
    private const string Partition = "suppression";

    /// <summary>The longest override reason an admin may give.</summary>
    public const int MaxOverrideReasonLength = 500;

    public async Task<Suppression?> GetAsync(string id, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var row = await storage.Suppressions.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        return row.HasValue && row.Value is { } e ? FromEntity(e) : null;
    }

    /// <summary>Every suppression, by id (an import checks all its rows against them at once).</summary>
    public async Task<IReadOnlyDictionary<string, Suppression>> ListAsync(CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var all = new Dictionary<string, Suppression>(StringComparer.Ordinal);
        await foreach (var e in storage.Suppressions.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
            all[e.RowKey] = FromEntity(e);
        return all;
    }

    /// <summary>Records (or replaces) a suppression.</summary>
    public async Task PutAsync(Suppression suppression, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await storage.Suppressions.UpsertEntityAsync(new TableEntity(Partition, suppression.Id)
        {
            ["Reason"] = suppression.Reason,
            ["At"] = suppression.At,
        }, TableUpdateMode.Replace, ct);
    }

    /// <summary>Lifts a suppression (an admin overrode it and added the address again).</summary>
    public async Task DeleteAsync(string id, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await storage.Suppressions.DeleteEntityAsync(Partition, id, ETag.All, ct);
    }

    /// <summary>The override reason, trimmed; an error when it is empty or too long.</summary>
    public static string CheckOverrideReason(string reason, string field)
    {
        var value = (reason ?? "").Trim();
        if (value.Length == 0)
            throw new InvalidSubscriberException(field,
                $"{field} is empty: say why this address may be added again, e.g. \"asked to be re-added by email of 2026-11-20\".");
        if (value.Length > MaxOverrideReasonLength || value.Any(char.IsControl))
            throw new InvalidSubscriberException(field, $"{field} must be one line of at most {MaxOverrideReasonLength} characters.");
        return value;
    }

    private static Suppression FromEntity(TableEntity e)
        => new(e.RowKey, e.GetString("Reason") ?? "erased", e.GetDateTimeOffset("At") ?? default);
}
