using Notifications.Mail;

namespace Notifications.Testing;

/// <summary>Settings for one test: its own containers and tables in the shared Azurite, and the outbox in a temp folder.</summary>
public static class TestSettings
{
    public static Dictionary<string, string?> For(AzuriteFixture azurite, string? outboxPath = null)
    {
        var p = "t" + Guid.NewGuid().ToString("N")[..10];
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage:ArticlesContainer"] = p + "-articles",
            ["Storage:RejectedArticlesContainer"] = p + "-articles-rejected",
            ["Storage:DigestsContainer"] = p + "-digests",
            ["Storage:TemplatesContainer"] = p + "-templates",
            ["Storage:SubscriberIndexContainer"] = p + "-subscriber-index",
            ["Storage:ImportsContainer"] = p + "-imports",
            ["Storage:ArticleIndexTable"] = p + "ArticleIndex",
            ["Storage:SubscribersTable"] = p + "Subscribers",
            ["Storage:DigestRunsTable"] = p + "DigestRuns",
            ["Storage:DigestWatermarksTable"] = p + "DigestWatermarks",
            ["Storage:DeliveryLedgerTable"] = p + "DeliveryLedger",
            ["Storage:AuditTable"] = p + "Audit",
            ["Storage:SendBatchesQueue"] = p + "-send-batches",
            ["Storage:AlertsDueQueue"] = p + "-alerts-due",
            ["Storage:DeliveryEventsTable"] = p + "DeliveryEvents",
            ["Storage:DeliveryCountersTable"] = p + "DeliveryCounters",
            ["Storage:SuppressionsTable"] = p + "Suppressions",
            ["Storage:SubscribeRequestsTable"] = p + "SubscribeRequests",
            ["Storage:AddressChangesTable"] = p + "AddressChanges",
            ["Storage:RecipientTimelineTable"] = p + "RecipientTimeline",
            ["Storage:SubscriberSlotsTable"] = p + "SubscriberSlots",
            ["Storage:SubscribeConfirmationsQueue"] = p + "-subscribe-confirmations",
            ["Delivery:Mode"] = "Outbox",
            ["Delivery:OutboxPath"] = outboxPath ?? Path.Combine(Path.GetTempPath(), "notifications-tests", p, "outbox"),
            ["Delivery:FromEmail"] = "digests@secretariat.example",
            ["Delivery:FromName"] = "PTC Secretariat",
            // One batch at a time, as the crash and fault tests script them (a death "at the first batch"); InlineSendConcurrencyTests
            // cover several at once (production default 4).
            ["Delivery:InlineSendConcurrency"] = "1",
            ["Digest:Sender"] = "PTC Secretariat",
            ["Digest:Organization"] = "the Permanent Technical Committee's session reports",
            ["Tokens:Keys:t1"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Tokens:CurrentKeyId"] = "t1",
            ["Subscribers:IdKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
    }

    /// <summary>The subscriber id of an address under these settings' <c>Subscribers:IdKey</c>.</summary>
    public static string SubscriberIdOf(this IReadOnlyDictionary<string, string?> settings, string email)
        => new Notifications.Subscribers.SubscriberIds(Microsoft.Extensions.Options.Options.Create(
                new Notifications.Subscribers.SubscriberIdOptions { IdKey = settings["Subscribers:IdKey"]! }))
            .Of(Notifications.Mail.EmailAddress.Normalize(email));

    /// <summary>Sends through the fake SendGrid instead of the outbox.</summary>
    public static Dictionary<string, string?> WithSendGrid(this Dictionary<string, string?> settings, FakeSendGrid sendGrid)
    {
        settings["Delivery:Mode"] = "SendGrid";
        settings["SendGrid:Host"] = sendGrid.BaseAddress;
        settings["SendGrid:ApiKey"] = FakeSendGrid.ApiKey;
        return settings;
    }

    /// <summary>
    /// SendGrid's signed Event Webhook set up with the fake's key (it posts events with
    /// <see cref="FakeSendGrid.PostEventsAsync(TestHost, Func{SendGridRequest, bool}?, Action{Dictionary{string, object}}?)"/>).
    /// </summary>
    public static Dictionary<string, string?> WithEventWebhook(this Dictionary<string, string?> settings, FakeSendGrid sendGrid)
    {
        settings["SendGrid:WebhookPublicKey"] = sendGrid.WebhookPublicKey;
        return settings;
    }
}
