using Azure;
using Azure.Data.Tables;
using Notifications.Storage;
using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>Which subscribers to list; every part is optional. A topic matches subscribers who chose it or chose no topic (all).</summary>
public sealed record SubscriberFilter(
    SubscriberStatus? Status = null,
    DigestFrequency? Frequency = null,
    string? Language = null,
    string? Organization = null,
    string? Country = null,
    string? Topic = null);

/// <summary>
/// The subscribers table, keyed by the subscriber id (a keyed hash of the address, <see cref="SubscriberIds"/>). One partition: the list
/// is small enough, and it lets imports write 100 rows per transaction. Changes are ETag-guarded read-modify-writes.
/// </summary>
public sealed class SubscriberStore(StorageResources storage, SubscriberRules rules, SubscriberIds ids, SubscriberSearchIndex index,
    SubscriberSlotIndex slots, TimeProvider time)
{
    /// <summary>The partition of the subscriber rows (the search index reads it when it builds itself from the table).</summary>
    internal const string Partition = "subscriber";

    /// <summary>
    /// Rows "old id → new id" left by <c>notify subscribers migrate-ids</c> (row key: the unsalted id a subscriber had before ids were
    /// keyed; property <c>Id</c>), so that links and SendGrid events issued under the old id still find the subscriber. Only for
    /// subscribers that exist: erasure deletes theirs.
    /// </summary>
    private const string AliasPartition = "alias";

    /// <summary>
    /// A log of the writes that take subscribers out of the mailing (a status other than Active, or erasure; row key: ticks and id), so
    /// that a sender can tell which of a batch's recipients left since the batch was planned without reading the others
    /// (<see cref="ChangedSinceAsync"/>). Written before the write itself: a crash in between leaves a harmless extra entry, never a
    /// departure without one. Other changes (a new name, topics) are not logged: a planned batch goes out as planned.
    /// </summary>
    private const string ChangesPartition = "changes";

    /// <summary>How much earlier than asked <see cref="ChangedSinceAsync"/> looks, for clocks of different instances that disagree.</summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(5);

    /// <summary>Adds one subscriber (consent given by an admin); an address that already exists is an error.</summary>
    public Task<Subscriber> AddAsync(NewSubscriber input, CancellationToken ct = default) => AddAsync(Create(input, "admin"), ct);

    /// <summary>Adds a record built with <see cref="Create"/>; an address that already exists is an error.</summary>
    public async Task<Subscriber> AddAsync(Subscriber subscriber, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        try
        {
            // Until ids are migrated the address may exist under its old id: the same person, not a new one.
            if (subscriber.Id != SubscriberIds.LegacyOf(subscriber.Email)
                && (await storage.Subscribers.GetEntityIfExistsAsync<TableEntity>(
                    Partition, SubscriberIds.LegacyOf(subscriber.Email), select: ["RowKey"], cancellationToken: ct)).HasValue)
                throw new RequestFailedException(409, "The address exists under its old id.");
            await slots.LogWritesAsync([subscriber.Id], ct);
            await storage.Subscribers.AddEntityAsync(ToEntity(subscriber), ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new InvalidSubscriberException("email", $"A subscriber with email '{EmailAddress.Mask(subscriber.Email)}' already exists.")
            {
                IsConflict = true,
                Address = subscriber.Email,
            };
        }
        await index.RecordAsync(SubscriberIndexEntry.Card(subscriber), ct);
        await slots.RecordAsync(subscriber, ct);
        return subscriber;
    }

    /// <summary>Adds or replaces many subscribers, 100 rows per table transaction.</summary>
    public async Task<int> UpsertManyAsync(IEnumerable<NewSubscriber> inputs, CancellationToken ct = default)
        => await WriteManyAsync(inputs.Select(i => Create(i, "admin")).DistinctBy(s => s.Id).ToList(), ct);

    /// <summary>Writes whole records (replacing existing ones), 100 per table transaction.</summary>
    public async Task<int> WriteManyAsync(IReadOnlyList<Subscriber> subscribers, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await LogChangesAsync(subscribers.Where(s => s.Status != SubscriberStatus.Active).Select(s => s.Id), ct);
        foreach (var chunk in subscribers.Chunk(100))
        {
            await slots.LogWritesAsync(chunk.Select(s => s.Id), ct);
            await storage.Subscribers.SubmitTransactionAsync(
                chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(s))), ct);
            await index.RecordAsync(chunk.Select(SubscriberIndexEntry.Card).ToList(), ct);
            await slots.RecordAsync(chunk, ct);
        }
        return subscribers.Count;
    }

    /// <summary>
    /// Writes imported records, 100 per transaction, merging into existing rows. A row whose import did not set the status
    /// leaves the stored status (and consent) alone, so an unsubscribe that lands while a long import runs is not undone.
    /// </summary>
    public async Task MergeImportedAsync(IReadOnlyList<(Subscriber Subscriber, bool SetsStatus)> rows, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await LogChangesAsync(rows.Where(r => r.SetsStatus && r.Subscriber.Status != SubscriberStatus.Active).Select(r => r.Subscriber.Id), ct);
        foreach (var chunk in rows.Chunk(100))
        {
            await slots.LogWritesAsync(chunk.Select(row => row.Subscriber.Id), ct);
            await storage.Subscribers.SubmitTransactionAsync(chunk.Select(row =>
            {
                var entity = ToEntity(row.Subscriber);
                if (!row.SetsStatus)
                    foreach (var field in new[] { "Status", "ConsentSource", "ConsentAt", "ConfirmedAt", "CreatedAt" })
                        entity.Remove(field);
                return new TableTransactionAction(TableTransactionActionType.UpsertMerge, entity);
            }), ct);
            // A merge keeps what the row does not set (the status, when the import did not set it): so does the index's entry.
            await index.RecordAsync(chunk.Select(row => SubscriberIndexEntry.Merge(row.Subscriber, row.SetsStatus)).ToList(), ct);
            // The slot index needs the whole merged row: read back.
            await slots.RecordFromTableAsync(chunk.Select(row => row.Subscriber.Id).ToList(), ct);
        }
    }

    /// <summary>Builds a valid record from input (normalising every field) without writing it.</summary>
    public Subscriber Create(NewSubscriber input, string consentSource)
    {
        var email = SubscriberEmail.Normalize(input.Email);
        if (!Enum.IsDefined(input.Frequency))
            throw new InvalidSubscriberException("frequency", $"frequency '{input.Frequency}' is not supported; use instant, daily or weekly.");
        var now = time.GetUtcNow();
        return new Subscriber(ids.Of(email), email, rules.Name(input.Name), rules.Organization(input.Organization),
            SubscriberRules.Language(input.Language), input.Frequency, input.Status, now, now,
            SubscriberRules.Country(input.Country), rules.Topics(input.Topics), SubscriberRules.TimeZone(input.TimeZone),
            new Consent(consentSource, now, input.Status == SubscriberStatus.Active ? now : null),
            DeliveryHour: SubscriberRules.DeliveryHour(input.DeliveryHour), WeeklyDay: input.WeeklyDay);
    }

    public async Task<Subscriber?> GetAsync(string id, CancellationToken ct = default)
        => (await GetWithETagAsync(id, ct))?.Subscriber;

    /// <summary>The subscribers with these ids that still exist (point reads, a few at a time: a batch has at most 1000).</summary>
    public async Task<IReadOnlyDictionary<string, Subscriber>> GetManyAsync(IReadOnlyList<string> ids, CancellationToken ct = default)
    {
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, Subscriber>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (id, token) =>
        {
            if (await GetAsync(id, token) is { } s) found[id] = s;
        });
        return found;
    }

    /// <summary>By address: under its keyed id, else (ids not migrated yet: <c>notify subscribers migrate-ids</c>) under the old one.</summary>
    public async Task<Subscriber?> FindByEmailAsync(string email, CancellationToken ct = default)
        => await GetAsync(IdOf(email), ct) ?? await GetAsync(SubscriberIds.LegacyOf(SubscriberEmail.Normalize(email)), ct);

    /// <summary>The id of an address (normalised first; an error when it is not an address).</summary>
    public string IdOf(string email) => ids.Of(SubscriberEmail.Normalize(email));

    /// <summary>
    /// Applies a change to a subscriber, again on a fresh read if someone else wrote in between.
    /// Returns the record before and after, or null when there is no such subscriber.
    /// </summary>
    public async Task<(Subscriber Before, Subscriber After)?> UpdateAsync(string id, Func<Subscriber, Subscriber> change, CancellationToken ct = default)
    {
        while (true)
        {
            if (await GetWithETagAsync(id, ct) is not { } current) return null;
            var after = change(current.Subscriber) with
            {
                Id = current.Subscriber.Id,
                Email = current.Subscriber.Email,
                CreatedAt = current.Subscriber.CreatedAt
            };
            if (after == current.Subscriber) return (current.Subscriber, after);
            after = after with { UpdatedAt = time.GetUtcNow() };
            if (after.Status != current.Subscriber.Status)
                after = after with
                {
                    // When it happened, if the change says (a provider's event time), else now.
                    StatusChangedAt = after.StatusChangedAt != current.Subscriber.StatusChangedAt ? after.StatusChangedAt : after.UpdatedAt,
                    // A reason belongs to the status it explains: a change that does not give a new one clears it.
                    StatusReason = after.StatusReason == current.Subscriber.StatusReason ? "" : after.StatusReason,
                };
            if (after.Status != SubscriberStatus.Active)
                await LogChangesAsync([after.Id], ct);
            await slots.LogWritesAsync([after.Id], ct);
            try
            {
                await storage.Subscribers.UpdateEntityAsync(ToEntity(after), current.ETag, TableUpdateMode.Replace, ct);
                await index.RecordAsync(SubscriberIndexEntry.Card(after), ct);
                await slots.RecordAsync(after, ct);
                return (current.Subscriber, after);
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Changed or removed meanwhile: read again.
            }
        }
    }

    /// <summary>Erases the subscriber record. False when there was none.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await LogChangesAsync([id], ct);
        await slots.LogWritesAsync([id], ct);
        // The SDK answers a missing entity with its 404 response rather than an exception.
        var response = await storage.Subscribers.DeleteEntityAsync(Partition, id, ETag.All, ct);
        await index.RecordAsync(index.Removal(id), ct);
        await slots.RemoveAsync([id], ct);
        return response.Status != 404;
    }

    /// <summary>Deletes the old-id alias of a subscriber (erasure), if there is one.</summary>
    public async Task DeleteAliasAsync(string legacyId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await storage.Subscribers.DeleteEntityAsync(AliasPartition, legacyId, ETag.All, ct);
    }

    /// <summary>
    /// One step of moving a subscriber from their old (unsalted) id to <paramref name="newId"/>: writes the record under the new id and
    /// the alias from the old one. Idempotent; the caller deletes the old row last (<see cref="DeleteOldRowAsync"/>).
    /// </summary>
    public async Task CopyToNewIdAsync(Subscriber subscriber, string newId, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        await slots.LogWritesAsync([newId], ct);
        try
        {
            await storage.Subscribers.AddEntityAsync(ToEntity(subscriber with { Id = newId }), ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Copied by an earlier run that stopped half-way; either row may have changed since: the one changed last wins.
            var copy = await storage.Subscribers.GetEntityAsync<TableEntity>(Partition, newId, cancellationToken: ct);
            if (subscriber.UpdatedAt > (copy.Value.GetDateTimeOffset("UpdatedAt") ?? default))
                await storage.Subscribers.UpdateEntityAsync(ToEntity(subscriber with { Id = newId }), copy.Value.ETag, TableUpdateMode.Replace, ct);
        }
        // Idempotent in the index too: the card changed last wins there as well.
        await index.RecordAsync(SubscriberIndexEntry.Card(subscriber with { Id = newId }), ct);
        await slots.RecordFromTableAsync([newId], ct);
        await storage.Subscribers.UpsertEntityAsync(new TableEntity(AliasPartition, subscriber.Id) { ["Id"] = newId }, TableUpdateMode.Replace, ct);
    }

    /// <summary>Deletes the row under the old id once everything moved (no departure logged: the subscriber did not leave).</summary>
    public async Task DeleteOldRowAsync(string oldId, CancellationToken ct = default)
    {
        await slots.LogWritesAsync([oldId], ct);
        await storage.Subscribers.DeleteEntityAsync(Partition, oldId, ETag.All, ct);
        await index.RecordAsync(index.Removal(oldId), ct);
        await slots.RemoveAsync([oldId], ct);
    }

    /// <summary>
    /// The subscribers with changes logged since <paramref name="since"/> (give or take a few minutes of clock difference), each with
    /// the storage's time of their latest change. A sender compares it with the version of the row its planner read
    /// (<see cref="StreamAsync"/>): a change stored after that version means the row must be read again; one stored before it was
    /// already in what the planner read (the log entry is written before the change).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ChangedSinceAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var from = (since - ClockMargin).UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        var changes = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {ChangesPartition} and RowKey ge {from}"), select: ["Id", "Timestamp"],
                           cancellationToken: ct))
            if (e.GetString("Id") is { } id && e.Timestamp is { } at && (!changes.TryGetValue(id, out var known) || at > known))
                changes[id] = at;
        return changes;
    }

    /// <summary>
    /// Every subscriber (of a frequency), streamed in id order a page at a time: the planner reads 100,000 subscribers without
    /// holding them all.
    /// </summary>
    /// <returns>Each subscriber with the version of its row (the storage's time of its last change).</returns>
    public async IAsyncEnumerable<(Subscriber Subscriber, DateTimeOffset Version)> StreamAsync(DigestFrequency? frequency = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var filter = frequency is { } f
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Frequency eq {f.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
            yield return (FromEntity(e), e.Timestamp ?? DateTimeOffset.MinValue);
    }

    private async Task LogChangesAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var ticks = time.GetUtcNow().UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var chunk in ids.Distinct().Chunk(100))
            await storage.Subscribers.SubmitTransactionAsync(chunk.Select(id => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(ChangesPartition, $"{ticks}.{id}") { ["Id"] = id })), ct);
    }

    public async Task<IReadOnlyList<Subscriber>> ListAsync(CancellationToken ct = default)
        => await QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), ct);

    /// <summary>Every subscriber of a frequency, whatever the status (senders check the status at send time).</summary>
    public async Task<IReadOnlyList<Subscriber>> ListByFrequencyAsync(DigestFrequency frequency, CancellationToken ct = default)
        => await QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Frequency eq {frequency.ToString()}"), ct);

    /// <summary>Every subscriber matching the filter, all pages.</summary>
    public async Task<IReadOnlyList<Subscriber>> ListAsync(SubscriberFilter filter, CancellationToken ct = default)
    {
        var all = new List<Subscriber>();
        string? continuation = null;
        do
        {
            var (items, next) = await QueryAsync(filter, continuation, 1000, ct);
            all.AddRange(items);
            continuation = next;
        }
        while (continuation is not null);
        return all;
    }

    /// <summary>One page of subscribers matching the filter, and the token for the next page (null on the last).</summary>
    public async Task<(IReadOnlyList<Subscriber> Items, string? Continuation)> QueryAsync(
        SubscriberFilter filter, string? continuation, int pageSize, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var parts = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {Partition}") };
        if (filter.Status is { } status) parts.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        if (filter.Frequency is { } frequency) parts.Add(TableClient.CreateQueryFilter($"Frequency eq {frequency.ToString()}"));
        if (filter.Language is { Length: > 0 } language) parts.Add(TableClient.CreateQueryFilter($"Language eq {language.ToLowerInvariant()}"));
        if (filter.Organization is { Length: > 0 } organization) parts.Add(TableClient.CreateQueryFilter($"Organization eq {organization}"));
        if (filter.Country is { Length: > 0 } country) parts.Add(TableClient.CreateQueryFilter($"Country eq {country.ToUpperInvariant()}"));

        // Any spelling of a topic ("Data-Model", "модель данных") filters by its key; an unknown one is an error naming the known ones.
        var topic = filter.Topic is { Length: > 0 } given ? rules.Topics([given]).SingleOrDefault() : null;
        var pages = storage.Subscribers.QueryAsync<TableEntity>(string.Join(" and ", parts), maxPerPage: pageSize, cancellationToken: ct)
            .AsPages(string.IsNullOrEmpty(continuation) ? null : continuation, pageSize);
        try
        {
            await foreach (var page in pages)
            {
                var items = page.Values.Select(FromEntity)
                    .Where(s => topic is null || s.TopicList.Count == 0 || s.TopicList.Contains(topic))
                    .ToList();
                return (items, page.ContinuationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status == 400 && continuation is not null)
        {
            throw new InvalidSubscriberException("continuation", "The continuation token is not valid: start again without it.");
        }
        return ([], null);
    }

    private async Task<IReadOnlyList<Subscriber>> QueryAllAsync(string filter, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var list = new List<Subscriber>();
        await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(FromEntity(e));
        return list;
    }

    private async Task<(Subscriber Subscriber, ETag ETag)?> GetWithETagAsync(string id, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        if (!SubscriberIds.IsId(id)) return null;
        var row = await storage.Subscribers.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        if (row.HasValue && row.Value is { } e) return (FromEntity(e), e.ETag);
        // An id from before ids were keyed (a link in an old mail, a SendGrid event for it): follow its alias, once.
        var alias = await storage.Subscribers.GetEntityIfExistsAsync<TableEntity>(AliasPartition, id, cancellationToken: ct);
        if (!alias.HasValue || alias.Value?.GetString("Id") is not { } newId || newId == id) return null;
        var moved = await storage.Subscribers.GetEntityIfExistsAsync<TableEntity>(Partition, newId, cancellationToken: ct);
        return moved.HasValue && moved.Value is { } m ? (FromEntity(m), m.ETag) : null;
    }

    /// <summary>The row of a subscriber (in <paramref name="partition"/>: the slot index keeps the same row as its cards).</summary>
    internal static TableEntity ToEntity(Subscriber s, string partition = Partition) => new(partition, s.Id)
    {
        ["Email"] = s.Email,
        ["Name"] = s.Name,
        ["Organization"] = s.Organization,
        ["Country"] = s.Country,
        ["Language"] = s.Language,
        ["Frequency"] = s.Frequency.ToString(),
        ["Topics"] = string.Join(',', s.TopicList),
        ["TimeZone"] = s.TimeZone,
        ["Status"] = s.Status.ToString(),
        ["ConsentSource"] = s.Consent?.Source,
        ["ConsentAt"] = s.Consent?.GivenAt,
        ["ConfirmedAt"] = s.Consent?.ConfirmedAt,
        ["CreatedAt"] = s.CreatedAt,
        ["UpdatedAt"] = s.UpdatedAt,
        ["ConfirmationSentAt"] = s.ConfirmationSentAt,
        // Null (the default hour) leaves the row without the property, so an update (a replace) removes a stored hour.
        ["DeliveryHour"] = s.DeliveryHour,
        ["ChosenBySubscriber"] = s.ChosenFields.Count > 0 ? string.Join(',', s.ChosenFields) : null,
        ["StatusReason"] = s.StatusReason.Length > 0 ? s.StatusReason : null,
        ["StatusChangedAt"] = s.StatusChangedAt,
        ["Member"] = s.Member.Length > 0 ? s.Member : null,
        ["WeeklyDay"] = s.WeeklyDay?.ToString(),
    };

    internal static Subscriber FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("Email"),
        e.GetString("Name"),
        e.GetString("Organization"),
        e.GetString("Language"),
        Enum.Parse<DigestFrequency>(e.GetString("Frequency")),
        Enum.Parse<SubscriberStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default,
        e.GetString("Country") ?? "",
        (e.GetString("Topics") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
        e.GetString("TimeZone") ?? "UTC",
        e.GetString("ConsentSource") is { } source
            ? new Consent(source, e.GetDateTimeOffset("ConsentAt") ?? default, e.GetDateTimeOffset("ConfirmedAt"))
            : null,
        e.GetDateTimeOffset("ConfirmationSentAt"),
        e.GetInt32("DeliveryHour"),
        e.GetString("ChosenBySubscriber") is { Length: > 0 } chosen ? chosen.Split(',', StringSplitOptions.RemoveEmptyEntries) : null,
        e.GetString("StatusReason") ?? "",
        e.GetDateTimeOffset("StatusChangedAt"),
        e.GetString("Member") ?? "",
        SubscriberRules.StoredWeeklyDay(e.GetString("WeeklyDay")));
}
