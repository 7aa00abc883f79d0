using System.ComponentModel.DataAnnotations;

namespace Notifications.Storage;

/// <summary>
/// Where state lives. The connection string comes from the Functions setting <c>AzureWebJobsStorage</c>;
/// resource names come from the <c>Storage</c> section (tests give every test its own names).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string ConnectionSetting = "AzureWebJobsStorage";
    /// <summary>Blob container names: 3-63 lowercase letters, digits and single hyphens.</summary>
    private const string ContainerName = "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$";
    /// <summary>Table names: 3-63 letters and digits, starting with a letter.</summary>
    private const string TableName = "^[A-Za-z][A-Za-z0-9]{2,62}$";

    [Required(ErrorMessage = "AzureWebJobsStorage is not set: give a storage connection string, or UseDevelopmentStorage=true for Azurite.")]
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:ArticlesContainer must be a valid blob container name (3-63 lowercase letters, digits, hyphens).")]
    public string ArticlesContainer { get; set; } = "articles";

    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:RejectedArticlesContainer must be a valid blob container name.")]
    public string RejectedArticlesContainer { get; set; } = "articles-rejected";

    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:DigestsContainer must be a valid blob container name.")]
    public string DigestsContainer { get; set; } = "digests";

    /// <summary>Admins' overrides of the digest templates (<c>digest.html.sbn</c>, ...), checked before use; rejection reports go next to them.</summary>
    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:TemplatesContainer must be a valid blob container name.")]
    public string TemplatesContainer { get; set; } = "templates";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:ArticleIndexTable must be a valid table name (3-63 letters and digits, starting with a letter).")]
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

    /// <summary>The queue of send batches. The SendBatch trigger names "send-batches" itself; change both together.</summary>
    [Required, RegularExpression(ContainerName, ErrorMessage = "Storage:SendBatchesQueue must be a valid queue name (3-63 lowercase letters, digits, hyphens).")]
    public string SendBatchesQueue { get; set; } = "send-batches";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:AuditTable must be a valid table name.")]
    public string AuditTable { get; set; } = "SubscriberAudit";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:DeliveryEventsTable must be a valid table name.")]
    public string DeliveryEventsTable { get; set; } = "DeliveryEvents";

    [Required, RegularExpression(TableName, ErrorMessage = "Storage:DeliveryCountersTable must be a valid table name.")]
    public string DeliveryCountersTable { get; set; } = "DeliveryCounters";
}
