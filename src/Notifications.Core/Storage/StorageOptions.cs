using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Notifications.Storage;

/// <summary>
/// Where state lives. The connection comes from the Functions setting <c>AzureWebJobsStorage</c>: a connection string
/// (Azurite locally), or in Azure its identity-based form <c>AzureWebJobsStorage__accountName</c> (or the service URIs)
/// with <c>__credential</c> and <c>__clientId</c>, as the Functions host reads it (see <see cref="StorageConnection"/>).
/// Resource names come from the <c>Storage</c> section (tests give every test its own names).
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";
    public const string ConnectionSetting = "AzureWebJobsStorage";
    /// <summary>Blob container names: 3-63 lowercase letters, digits and single hyphens.</summary>
    private const string ContainerName = "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$";
    /// <summary>Table names: 3-63 letters and digits, starting with a letter.</summary>
    private const string TableName = "^[A-Za-z][A-Za-z0-9]{2,62}$";

    [Required(ErrorMessage = "AzureWebJobsStorage is not set: give a storage connection string, or UseDevelopmentStorage=true for Azurite.")]
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>
    /// The identity-based connection (<c>AzureWebJobsStorage__accountName</c>, ...) when there is no connection string;
    /// set by <see cref="UseConnectionSettings"/>, never bound from the <c>Storage</c> section.
    /// </summary>
    public StorageConnection? IdentityConnection { get; private set; }

    /// <summary>What the pipeline connects with: the identity-based connection when there is one, else <see cref="ConnectionString"/>.</summary>
    public StorageConnection Connection => IdentityConnection ?? StorageConnection.FromConnectionString(ConnectionString);

    private string? _connectionError;

    /// <summary>
    /// Reads the Functions host's connection setting <c>AzureWebJobsStorage</c>, as the host does: a value is a connection
    /// string and wins; otherwise its identity-based settings (<c>AzureWebJobsStorage__accountName</c>, ...), when present,
    /// replace <see cref="ConnectionString"/>; with neither, <see cref="ConnectionString"/> stays as bound (default: Azurite).
    /// </summary>
    public void UseConnectionSettings(IConfiguration configuration)
    {
        var section = configuration.GetSection(ConnectionSetting);
        if (section.Value is { Length: > 0 } connectionString)
        {
            ConnectionString = connectionString;
            IdentityConnection = null;
            _connectionError = null;
            return;
        }
        IdentityConnection = StorageConnection.FromIdentitySettings(section, out _connectionError);
    }

    /// <summary>Where articles land. The ArticlePublished blob trigger reads the same setting (<c>%Storage:ArticlesContainer%</c>).</summary>
    [Required, RegularExpression(ContainerName,
        ErrorMessage = "Storage:ArticlesContainer must be a valid blob container name (3-63 lowercase letters, digits, hyphens).")]
    public string ArticlesContainer { get; set; } = "articles";

    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:RejectedArticlesContainer must be a valid blob container name.")]
    public string RejectedArticlesContainer { get; set; } = "articles-rejected";

    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:DigestsContainer must be a valid blob container name.")]
    public string DigestsContainer { get; set; } = "digests";

    /// <summary>Admins' overrides of the digest templates (<c>digest.html.sbn</c>, ...), checked before use; rejection reports go next to them.</summary>
    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:TemplatesContainer must be a valid blob container name.")]
    public string TemplatesContainer { get; set; } = "templates";

    /// <summary>CSV files uploaded to the console's import page between preview and apply, and their results; each kept at most a day.</summary>
    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:ImportsContainer must be a valid blob container name.")]
    public string ImportsContainer { get; set; } = "imports";

    [Required, RegularExpression(TableName,
        ErrorMessage = "Storage:ArticleIndexTable must be a valid table name (3-63 letters and digits, starting with a letter).")]
    public string ArticleIndexTable { get; set; } = "ArticleIndex";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:SubscribersTable must be a valid table name.")]
    public string SubscribersTable { get; set; } = "Subscribers";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:DigestRunsTable must be a valid table name.")]
    public string DigestRunsTable { get; set; } = "DigestRuns";

    /// <summary>Per subscriber: up to when their digests have covered the articles (so nobody gets an article twice).</summary>
    [Required, RegularExpression(TableName, ErrorMessage = "Storage:DigestWatermarksTable must be a valid table name.")]
    public string DigestWatermarksTable { get; set; } = "DigestWatermarks";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:DeliveryLedgerTable must be a valid table name.")]
    public string DeliveryLedgerTable { get; set; } = "DeliveryLedger";

    /// <summary>The queue of send batches. The SendBatch trigger reads the same setting (<c>%Storage:SendBatchesQueue%</c>).</summary>
    [Required, RegularExpression(ContainerName,
        ErrorMessage = "Storage:SendBatchesQueue must be a valid queue name (3-63 lowercase letters, digits, hyphens).")]
    public string SendBatchesQueue { get; set; } = "send-batches";

    /// <summary>
    /// The queue of alerts waiting for their translations: one message per translation group, visible when its grace period ends
    /// (<c>Schedule:AlertGracePeriod</c>). The AlertDue trigger reads the same setting (<c>%Storage:AlertsDueQueue%</c>).
    /// </summary>
    [Required, RegularExpression(ContainerName,
        ErrorMessage = "Storage:AlertsDueQueue must be a valid queue name (3-63 lowercase letters, digits, hyphens).")]
    public string AlertsDueQueue { get; set; } = "alerts-due";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:AuditTable must be a valid table name.")]
    public string AuditTable { get; set; } = "SubscriberAudit";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:DeliveryEventsTable must be a valid table name.")]
    public string DeliveryEventsTable { get; set; } = "DeliveryEvents";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:DeliveryCountersTable must be a valid table name.")]
    public string DeliveryCountersTable { get; set; } = "DeliveryCounters";

    /// <summary>Erased addresses that must not be re-subscribed without an override: keyed hash, reason, date; no address.</summary>
    [Required, RegularExpression(TableName, ErrorMessage = "Storage:SuppressionsTable must be a valid table name.")]
    public string SuppressionsTable { get; set; } = "Suppressions";

    /// <summary>Subscribe requests from the public form, held until their confirmation link is used (or they expire).</summary>
    [Required, RegularExpression(TableName, ErrorMessage = "Storage:SubscribeRequestsTable must be a valid table name.")]
    public string SubscribeRequestsTable { get; set; } = "SubscribeRequests";

    /// <summary>Address changes an admin started, waiting for the new address to confirm (profile; the new address until then).</summary>
    [Required, RegularExpression(TableName, ErrorMessage = "Storage:AddressChangesTable must be a valid table name.")]
    public string AddressChangesTable { get; set; } = "AddressChanges";

    /// <summary>Per subscriber, the digest runs SendGrid reported events for (delivered, opened, bounced…), for the admin's profile page.</summary>
    [Required, RegularExpression(TableName, ErrorMessage = "Storage:RecipientTimelineTable must be a valid table name.")]
    public string RecipientTimelineTable { get; set; } = "RecipientTimeline";

    /// <summary>
    /// The slot index (<see cref="Subscribers.SubscriberSlotIndex"/>): a card of every Active subscriber in their slot and topic groups, so
    /// that an hourly tick reads only the subscribers due then and an alert only the followers of its topics.
    /// </summary>
    [Required, RegularExpression(TableName, ErrorMessage = "Storage:SubscriberSlotsTable must be a valid table name.")]
    public string SubscriberSlotsTable { get; set; } = "SubscriberSlots";

    /// <summary>The queue of confirmation emails to send. The SubscribeConfirmation trigger reads the same setting
    /// (<c>%Storage:SubscribeConfirmationsQueue%</c>).</summary>
    [Required, RegularExpression(ContainerName,
        ErrorMessage = "Storage:SubscribeConfirmationsQueue must be a valid queue name (3-63 lowercase letters, digits, hyphens).")]
    public string SubscribeConfirmationsQueue { get; set; } = "subscribe-confirmations";

    /// <summary>The subscriber search index: a snapshot blob and append blobs of changes (<see cref="Subscribers.SubscriberSearchIndex"/>).</summary>
    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:SubscriberIndexContainer must be a valid blob container name.")]
    public string SubscriberIndexContainer { get; set; } = "subscriber-index";

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (_connectionError is not null)
            yield return new ValidationResult(_connectionError, [nameof(ConnectionString)]);
    }
}

/// <summary>
/// How the pipeline reaches the storage account: a connection string (Azurite, or an account with shared keys), or the
/// account's service URIs and a Microsoft Entra ID credential — the identity-based form of a Functions connection, read
/// from the same settings the Functions host reads for its triggers (<c>AzureWebJobsStorage__accountName</c>, ...).
/// </summary>
public sealed record StorageConnection
{
    /// <summary>The connection string; null for an identity-based connection.</summary>
    public string? ConnectionString { get; private init; }

    public Uri? BlobServiceUri { get; private init; }
    public Uri? QueueServiceUri { get; private init; }
    public Uri? TableServiceUri { get; private init; }

    /// <summary><c>__clientId</c>: the client id of the user-assigned managed identity to sign in as.</summary>
    public string? ClientId { get; private init; }

    /// <summary><c>__managedIdentityResourceId</c>: the resource id of the user-assigned managed identity, the alternative to a client id.</summary>
    public string? ManagedIdentityResourceId { get; private init; }

    /// <summary><c>__credential</c> = <c>managedidentity</c>: a managed identity (the system-assigned one without a client or resource id).</summary>
    public bool ManagedIdentity { get; private init; }

    /// <summary>True when the clients sign in with a token credential instead of a connection string.</summary>
    public bool UsesIdentity => ConnectionString is null;

    public static StorageConnection FromConnectionString(string connectionString) => new() { ConnectionString = connectionString };

    /// <summary>
    /// The identity-based settings of a Functions connection (the section <paramref name="section"/>, e.g. <c>AzureWebJobsStorage</c>):
    /// <c>__accountName</c> (endpoints <c>https://&lt;account&gt;.blob|queue|table.core.windows.net</c>) or the service URIs
    /// <c>__blobServiceUri</c> (or <c>__serviceUri</c>), <c>__queueServiceUri</c>, <c>__tableServiceUri</c>, which win over
    /// the account name; <c>__credential</c> and <c>__clientId</c> (or <c>__managedIdentityResourceId</c>).
    /// Null when the section has none of them, or when they are unusable (then <paramref name="error"/> says why and what to do).
    /// </summary>
    public static StorageConnection? FromIdentitySettings(IConfigurationSection section, out string? error)
    {
        error = null;
        var name = section.Path;
        string? Setting(string key) => section[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var account = Setting("accountName");
        var blob = Setting("blobServiceUri") ?? Setting("serviceUri");
        var queue = Setting("queueServiceUri");
        var table = Setting("tableServiceUri");
        var credential = Setting("credential");
        var clientId = Setting("clientId");
        var resourceId = Setting("managedIdentityResourceId");

        if (account is null && blob is null && queue is null && table is null)
        {
            if (credential is not null || clientId is not null || resourceId is not null)
                error = $"{name}__{(credential is not null ? "credential" : clientId is not null ? "clientId" : "managedIdentityResourceId")} is " +
                    $"set, but neither " +
                        $"{name}__accountName nor the service URIs are: set {name}__accountName to the storage account's name, or give {name} a " +
                            $"connection string.";
            return null;
        }

        var errors = new List<string>();
        if (account is not null && !IsAccountName(account))
            errors.Add($"{name}__accountName '{account}' is not a storage account name (3-24 lowercase letters and digits).");
        if (credential is not null && !credential.Equals("managedidentity", StringComparison.OrdinalIgnoreCase))
            errors.Add($"{name}__credential '{credential}' is not supported: use managedidentity, or leave it out to sign in as yourself (Azure " +
                $"CLI, Visual Studio, environment).");

        Uri? Endpoint(string? uri, string setting, string service)
        {
            if (uri is not null)
            {
                if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp))
                    return parsed;
                errors.Add($"{name}__{setting} '{uri}' is not an absolute https address, e.g. https://<account>.{service}.core.windows.net.");
                return null;
            }
            if (account is not null)
                return new Uri($"https://{account}.{service}.core.windows.net/");
            errors.Add($"{name}__{setting} is not set: the pipeline uses blobs, queues and tables, so set {name}__accountName, or all three service URIs.");
            return null;
        }

        var connection = new StorageConnection
        {
            BlobServiceUri = Endpoint(blob, "blobServiceUri", "blob"),
            QueueServiceUri = Endpoint(queue, "queueServiceUri", "queue"),
            TableServiceUri = Endpoint(table, "tableServiceUri", "table"),
            ClientId = clientId,
            ManagedIdentityResourceId = resourceId,
            ManagedIdentity = credential is not null,
        };
        if (errors.Count == 0) return connection;
        error = string.Join(" ", errors);
        return null;
    }

    /// <summary>
    /// The credential of an identity-based connection: the user-assigned managed identity named by <see cref="ClientId"/>
    /// (or <see cref="ManagedIdentityResourceId"/>); the system-assigned one for <c>__credential=managedidentity</c> alone;
    /// otherwise <see cref="DefaultAzureCredential"/> (a developer's own sign-in: Azure CLI, Visual Studio, environment).
    /// Creating it does not reach the network; the first token request does.
    /// </summary>
    public TokenCredential CreateCredential()
    {
        if (!UsesIdentity)
            throw new InvalidOperationException("A connection-string connection has no token credential.");
        if (ClientId is not null)
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId));
        if (ManagedIdentityResourceId is not null)
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(ManagedIdentityResourceId)));
        if (ManagedIdentity)
            return new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
        return new DefaultAzureCredential();
    }

    private static bool IsAccountName(string account)
        => account.Length is >= 3 and <= 24 && account.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));
}
