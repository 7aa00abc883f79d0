using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Storage;
using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Subscribers;

/// <summary>An address change an admin started, waiting for the new address to confirm it.</summary>
/// <param name="SubscriberId">The subscriber now (the id of the old address).</param>
/// <param name="RequestId">32 hex characters; the signed link names it, so only this change is applied.</param>
/// <param name="Actor">The admin who started it (audited when it is applied).</param>
public sealed record PendingAddressChange(string SubscriberId, string RequestId, string NewEmail, string Actor, DateTimeOffset At, DateTimeOffset ExpiresAt);

/// <summary>
/// Address changes, the first half: an admin (console profile, <c>notify subscribers change-address</c>, the admin API) gives a subscriber's
/// new address; nothing about the subscriber changes yet. The change waits in table <c>AddressChanges</c> (partition: the subscriber id,
/// row: a request id) and a signed link (<see cref="TokenPurpose.AddressChange"/>, valid for <see cref="TokenOptions.ConfirmationLifetime"/>)
/// goes to the NEW address only: whoever reads that mailbox confirms it on <c>/api/address</c>, and only then is the subscriber moved
/// (the id is a keyed hash of the address, so the change is a move: <c>Digests/SubscriberAddressMove</c>). A new change replaces the
/// pending ones. Erasure forgets the pending changes of the subscriber and any that names the erased address (<see cref="IPersonalDataStore"/>).
/// </summary>
public sealed partial class AddressChanges(
    StorageResources storage,
    SubscriberStore store,
    Suppressions suppressions,
    SubscriberAudit audit,
    SubscriptionLinks links,
    TemplateSet templates,
    IMailTransport transport,
    IOptions<SenderOptions> sender,
    IOptions<TokenOptions> tokenOptions,
    SubscriptionTokens tokens,
    TimeProvider time,
    ILogger<AddressChanges> logger) : IPersonalDataStore
{
    /// <summary>The mail category of the confirmation mail (SendGrid category, outbox name).</summary>
    public const string Category = "address-change";

    /// <summary>
    /// Records the change and mails the link to <paramref name="newAddress"/>. Refused (an <see cref="InvalidSubscriberException"/> naming
    /// the field <c>newEmail</c> and what to do) when the address is not usable, is the current one, is another subscriber's, or was erased.
    /// </summary>
    /// <returns>The pending change; null when there is no such subscriber.</returns>
    public async Task<PendingAddressChange?> StartAsync(Subscriber subscriber, string newAddress, string actor, CancellationToken ct = default)
    {
        string email;
        try
        {
            email = EmailAddress.Normalize(newAddress);
        }
        catch (InvalidEmailAddressException e)
        {
            throw new InvalidSubscriberException("newEmail", $"The new address is not usable: {e.Message}");
        }
        if (string.Equals(email, subscriber.Email, StringComparison.OrdinalIgnoreCase))
            throw new InvalidSubscriberException("newEmail", "The new address is the subscriber's address now: give the address they want to use instead.");
        var newId = store.IdOf(email);
        if (await store.GetAsync(newId, ct) is not null)
            throw new InvalidSubscriberException("newEmail",
                $"'{EmailAddress.Mask(email)}' is another subscriber's address: erase that subscriber first, or choose another address.")
            { IsConflict = true, Address = email };
        if (await suppressions.GetAsync(newId, ct) is { } suppressed)
            throw new InvalidSubscriberException("newEmail",
                $"'{EmailAddress.Mask(email)}' was erased and is suppressed (the subscriber {suppressed.Describe()}): it cannot receive digests again " +
                "through an address change; add it as a new subscriber with the override, or choose another address.")
            { IsConflict = true, Address = email };

        await storage.EnsureCreatedAsync();
        await RemovePendingAsync(subscriber.Id, ct);
        var now = time.GetUtcNow();
        var change = new PendingAddressChange(subscriber.Id, Guid.NewGuid().ToString("N"), email, actor, now, now + tokenOptions.Value.ConfirmationLifetime);
        await storage.AddressChanges.AddEntityAsync(new TableEntity(change.SubscriberId, change.RequestId)
        {
            ["NewEmail"] = change.NewEmail,
            ["Actor"] = change.Actor,
            ["At"] = change.At,
            ["ExpiresAt"] = change.ExpiresAt,
        }, ct);
        await transport.SendAsync(Render(subscriber, change), ct);
        // No address in the audit: it must hold none (erasure relies on it); the details say a change is waiting.
        await audit.RecordAsync(subscriber.Id, actor, "address change requested", new Dictionary<string, string>
        {
            ["expires"] = change.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC",
        }, ct);
        LogStarted(subscriber.Id, EmailAddress.Mask(email));
        return change;
    }

    /// <summary>
    /// The change a link names, when it is still waiting and not expired; the token's own problems throw <see cref="InvalidTokenException"/>.
    /// </summary>
    public async Task<PendingAddressChange?> ReadAsync(string? token, CancellationToken ct = default)
    {
        var verified = tokens.Verify(token, TokenPurpose.AddressChange);
        await storage.EnsureCreatedAsync();
        var row = await storage.AddressChanges.GetEntityIfExistsAsync<TableEntity>(verified.SubscriberId, verified.RequestId!, cancellationToken: ct);
        if (!row.HasValue || row.Value is not { } e) return null;
        var change = new PendingAddressChange(e.PartitionKey, e.RowKey, e.GetString("NewEmail") ?? "", e.GetString("Actor") ?? "",
            e.GetDateTimeOffset("At") ?? default, e.GetDateTimeOffset("ExpiresAt") ?? default);
        return change.ExpiresAt <= time.GetUtcNow() ? null : change;
    }

    /// <summary>The change waiting for a subscriber, if any (the profile shows it).</summary>
    public async Task<PendingAddressChange?> PendingOfAsync(string subscriberId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var now = time.GetUtcNow();
        await foreach (var e in storage.AddressChanges.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}"),
            cancellationToken: ct))
        {
            var change = new PendingAddressChange(e.PartitionKey, e.RowKey, e.GetString("NewEmail") ?? "", e.GetString("Actor") ?? "",
                e.GetDateTimeOffset("At") ?? default, e.GetDateTimeOffset("ExpiresAt") ?? default);
            if (change.ExpiresAt > now) return change;
        }
        return null;
    }

    /// <summary>Removes every change waiting for the subscriber (after one was applied, or before a new one).</summary>
    public async Task<int> RemovePendingAsync(string subscriberId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var removed = 0;
        await foreach (var e in storage.AddressChanges.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {subscriberId}"),
            select: ["PartitionKey", "RowKey"], cancellationToken: ct))
        {
            await storage.AddressChanges.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, ct);
            removed++;
        }
        return removed;
    }

    /// <summary>Erasure: the subscriber's waiting changes, and any change to the erased address (someone else's, naming it).</summary>
    public async Task<ErasureStep> ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct = default)
    {
        var removed = await RemovePendingAsync(subscriber.Id, ct);
        if (subscriber.Email is { Length: > 0 } email)
            await foreach (var e in storage.AddressChanges.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"NewEmail eq {email}"),
                cancellationToken: ct))
            {
                await storage.AddressChanges.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, ct);
                removed++;
            }
        return new ErasureStep("address changes", removed);
    }

    private MailBatch Render(Subscriber subscriber, PendingAddressChange change)
    {
        var model = new ScriptObject
        {
            ["lang"] = subscriber.Language,
            ["sender"] = sender.Value.Sender,
            ["organization"] = sender.Value.Organization,
            ["link"] = links.AddressChange(change.SubscriberId, change.RequestId),
            ["days"] = Math.Max(1, (int)Math.Round(tokenOptions.Value.ConfirmationLifetime.TotalDays)),
        };
        var content = new MailContent(
            string.Join(' ', templates.RenderText("address-change.subject.sbn", model).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim(),
            templates.RenderHtml("address-change.html.sbn", model),
            templates.RenderText("address-change.txt.sbn", model));
        var runId = $"{Category}-{change.SubscriberId[..12]}-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
        // To the new address only, and without a display name: it is not confirmed to be theirs yet.
        return new MailBatch(runId, "notice", Category, content, [new Recipient(store.IdOf(change.NewEmail), change.NewEmail, "")]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Address change of subscriber {SubscriberId} to {Email} requested; link sent to the new address")]
    private partial void LogStarted(string subscriberId, string email);
}
