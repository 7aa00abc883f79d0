using Azure;
using Azure.Data.Tables;
using Notifications.Digests;
using Notifications.Storage;

namespace Notifications.Subscribers;

/// <summary>The subscribers table. One partition: the list is small enough, and it lets imports write 100 rows per transaction.</summary>
public sealed class SubscriberStore(StorageResources storage, TimeProvider time)
{
    private const string Partition = "subscriber";
    private static readonly string[] Languages = ["en", "ru", "fr"];

    /// <summary>Adds one subscriber; an address that already exists is an error.</summary>
    public async Task<Subscriber> AddAsync(NewSubscriber input, CancellationToken ct = default)
    {
        var subscriber = Validate(input);
        await storage.EnsureCreatedAsync();
        try
        {
            await storage.Subscribers.AddEntityAsync(ToEntity(subscriber), ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new InvalidSubscriberException("email", $"A subscriber with email '{EmailAddress.Mask(subscriber.Email)}' already exists.");
        }
        return subscriber;
    }

    /// <summary>Adds or replaces many subscribers, 100 rows per table transaction.</summary>
    public async Task<int> UpsertManyAsync(IEnumerable<NewSubscriber> inputs, CancellationToken ct = default)
    {
        var subscribers = inputs.Select(Validate).DistinctBy(s => s.Id).ToList();
        await storage.EnsureCreatedAsync();
        foreach (var chunk in subscribers.Chunk(100))
            await storage.Subscribers.SubmitTransactionAsync(
                chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(s))), ct);
        return subscribers.Count;
    }

    public async Task<IReadOnlyList<Subscriber>> ListAsync(CancellationToken ct = default)
        => await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), ct);

    /// <summary>Every subscriber of a frequency, whatever the status (senders check the status at send time).</summary>
    public async Task<IReadOnlyList<Subscriber>> ListByFrequencyAsync(DigestFrequency frequency, CancellationToken ct = default)
        => await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Frequency eq {frequency.ToString()}"), ct);

    private async Task<IReadOnlyList<Subscriber>> QueryAsync(string filter, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync();
        var list = new List<Subscriber>();
        await foreach (var e in storage.Subscribers.QueryAsync<TableEntity>(filter, cancellationToken: ct))
            list.Add(FromEntity(e));
        return list;
    }

    private Subscriber Validate(NewSubscriber input)
    {
        var email = EmailAddress.Normalize(input.Email);
        var name = SingleLine(input.Name, "name", 200);
        var organization = SingleLine(input.Organization, "organization", 200);
        var language = (input.Language ?? "").Trim().ToLowerInvariant();
        if (!Languages.Contains(language))
            throw new InvalidSubscriberException("language", $"language '{input.Language}' is not supported; use one of {string.Join(", ", Languages)}.");
        if (!Enum.IsDefined(input.Frequency))
            throw new InvalidSubscriberException("frequency", $"frequency '{input.Frequency}' is not supported; use daily or weekly.");
        var now = time.GetUtcNow();
        return new Subscriber(EmailAddress.IdOf(email), email, name, organization, language, input.Frequency, input.Status, now, now);
    }

    private static string SingleLine(string? value, string field, int max)
    {
        var v = (value ?? "").Trim();
        if (v.Length == 0)
            throw new InvalidSubscriberException(field, $"{field} is empty: give the subscriber's {field}.");
        if (v.Length > max)
            throw new InvalidSubscriberException(field, $"{field} is {v.Length} characters long; at most {max} are allowed.");
        if (v.Any(char.IsControl) || v.IndexOfAny(['\u2028', '\u2029']) >= 0)
            throw new InvalidSubscriberException(field, $"{field} contains a line break or control character; write it on one line.");
        return v;
    }

    private static TableEntity ToEntity(Subscriber s) => new(Partition, s.Id)
    {
        ["Email"] = s.Email,
        ["Name"] = s.Name,
        ["Organization"] = s.Organization,
        ["Language"] = s.Language,
        ["Frequency"] = s.Frequency.ToString(),
        ["Status"] = s.Status.ToString(),
        ["CreatedAt"] = s.CreatedAt,
        ["UpdatedAt"] = s.UpdatedAt,
    };

    private static Subscriber FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("Email"),
        e.GetString("Name"),
        e.GetString("Organization"),
        e.GetString("Language"),
        Enum.Parse<DigestFrequency>(e.GetString("Frequency")),
        Enum.Parse<SubscriberStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default);
}
