using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Storage;

namespace Notifications.Core.Tests.Storage;

/// <summary>
/// Which connection the pipeline's storage clients use, from which settings: a connection string (Azurite, tests), or in
/// Azure the Functions host's identity-based form (<c>AzureWebJobsStorage__accountName</c>, <c>__credential</c>,
/// <c>__clientId</c>). Nothing here reaches the network: clients and credentials only connect on their first request.
/// </summary>
public sealed class StorageConnectionTests
{
    private const string ClientId = "3f0b7c2e-4a51-4d6f-9b1e-2c8d5a7e9f10";

    private static StorageOptions Options(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        // The same registration the hosts use.
        var services = new ServiceCollection().AddNotifications(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<StorageOptions>>().Value;
    }

    private static StorageResources Resources(StorageOptions options) => new(Microsoft.Extensions.Options.Options.Create(options));

    [Fact]
    public void NoSettingsIsAzuriteByConnectionString()
    {
        var options = Options();

        Assert.False(options.Connection.UsesIdentity);
        Assert.Equal("UseDevelopmentStorage=true", options.Connection.ConnectionString);
        var resources = Resources(options);
        Assert.Null(resources.Credential);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1/articles"), resources.Articles.Uri);
    }

    [Fact]
    public void AConnectionStringIsUsedAsItIs()
    {
        const string azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://" +
                "127.0.0.1:20000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:20001/" +
                "devstoreaccount1;TableEndpoint=http://127.0.0.1:20002/devstoreaccount1;";
        var options = Options(("AzureWebJobsStorage", azurite));

        Assert.Equal(azurite, options.Connection.ConnectionString);
        var resources = Resources(options);
        Assert.Null(resources.Credential);
        Assert.Equal(new Uri("http://127.0.0.1:20000/devstoreaccount1/digests"), resources.Digests.Uri);
        Assert.Equal(new Uri("http://127.0.0.1:20001/devstoreaccount1/send-batches"), resources.SendBatches.Uri);
    }

    [Fact]
    public void StorageConnectionStringIsTheFallbackWhenAzureWebJobsStorageIsNotSet()
    {
        var options = Options(("Storage:ConnectionString", "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1"));

        Assert.Equal("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1", options.Connection.ConnectionString);
    }

    [Fact]
    public void AccountNameWithAUserAssignedIdentityGivesTheAccountsEndpointsAndThatIdentity()
    {
        var options = Options(
            ("AzureWebJobsStorage:accountName", "stnotifications01"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", ClientId));

        var connection = options.Connection;
        Assert.True(connection.UsesIdentity);
        Assert.Null(connection.ConnectionString);
        Assert.Equal(new Uri("https://stnotifications01.blob.core.windows.net/"), connection.BlobServiceUri);
        Assert.Equal(new Uri("https://stnotifications01.queue.core.windows.net/"), connection.QueueServiceUri);
        Assert.Equal(new Uri("https://stnotifications01.table.core.windows.net/"), connection.TableServiceUri);
        Assert.Equal(ClientId, connection.ClientId);

        var resources = Resources(options);
        Assert.IsType<ManagedIdentityCredential>(resources.Credential);
        Assert.Equal(new Uri("https://stnotifications01.blob.core.windows.net/articles"), resources.Articles.Uri);
        Assert.Equal(new Uri("https://stnotifications01.blob.core.windows.net/templates"), resources.Templates.Uri);
        Assert.Equal(new Uri("https://stnotifications01.queue.core.windows.net/send-batches"), resources.SendBatches.Uri);
        Assert.Equal(new Uri("https://stnotifications01.queue.core.windows.net/send-batches-poison"), resources.SendBatchesPoison.Uri);
        Assert.Equal(new Uri("https://stnotifications01.table.core.windows.net/ArticleIndex"), resources.ArticleIndex.Uri);
        Assert.Equal(new Uri("https://stnotifications01.table.core.windows.net/DeliveryCounters"), resources.DeliveryCounters.Uri);
    }

    [Fact]
    public void EnvironmentVariableFormWithDoubleUnderscoresIsReadToo()
    {
        // App settings reach the worker as environment variables: AzureWebJobsStorage__accountName.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage__accountName"] = "stfromenv",
            ["AzureWebJobsStorage__clientId"] = ClientId,
        }.Select(p => new KeyValuePair<string, string?>(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value))).Build();
        var options = new StorageOptions();
        options.UseConnectionSettings(configuration);

        Assert.Equal(new Uri("https://stfromenv.table.core.windows.net/"), options.Connection.TableServiceUri);
        Assert.Equal(ClientId, options.Connection.ClientId);
    }

    [Fact]
    public void AccountNameWithoutAClientIdSignsInAsTheDeveloper()
    {
        var options = Options(("AzureWebJobsStorage:accountName", "stdev"));

        Assert.IsType<DefaultAzureCredential>(Resources(options).Credential);
    }

    [Fact]
    public void ManagedIdentityWithoutAClientIdIsTheSystemAssignedOne()
    {
        var options = Options(("AzureWebJobsStorage:accountName", "stdev"), ("AzureWebJobsStorage:credential", "managedidentity"));

        Assert.True(options.Connection.ManagedIdentity);
        Assert.Null(options.Connection.ClientId);
        Assert.IsType<ManagedIdentityCredential>(Resources(options).Credential);
    }

    [Fact]
    public void ServiceUrisWinOverTheAccountName()
    {
        var options = Options(
            ("AzureWebJobsStorage:accountName", "stignored"),
            ("AzureWebJobsStorage:blobServiceUri", "https://blobs.example.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://queues.example.net/"),
            ("AzureWebJobsStorage:tableServiceUri", "https://tables.example.net/"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", ClientId));

        var resources = Resources(options);
        Assert.Equal(new Uri("https://blobs.example.net/articles"), resources.Articles.Uri);
        Assert.Equal(new Uri("https://queues.example.net/send-batches"), resources.SendBatches.Uri);
        Assert.Equal(new Uri("https://tables.example.net/Subscribers"), resources.Subscribers.Uri);
    }

    [Fact]
    public void AConnectionStringWinsOverIdentitySettings()
    {
        // A value on AzureWebJobsStorage itself is a connection string, as the Functions host reads it.
        var options = Options(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("AzureWebJobsStorage:accountName", "stignored"));

        Assert.False(options.Connection.UsesIdentity);
        Assert.Null(Resources(options).Credential);
    }

    [Theory]
    [InlineData("blobServiceUri", "https://blobs.example.net/", "AzureWebJobsStorage__queueServiceUri is not set")]
    [InlineData("accountName", "Not_An_Account", "AzureWebJobsStorage__accountName 'Not_An_Account' is not a storage account name")]
    [InlineData("clientId", ClientId, "AzureWebJobsStorage__clientId is set, but neither AzureWebJobsStorage__accountName nor the service URIs are")]
    [InlineData("blobServiceUri", "blobs.example.net", "AzureWebJobsStorage__blobServiceUri 'blobs.example.net' is not an absolute https address")]
    public void UnusableIdentitySettingsStopTheStartWithAMessageNamingTheSetting(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>($"AzureWebJobsStorage:{key}", value)])
            .Build();
        var services = new ServiceCollection().AddNotifications(configuration).BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownCredentialIsRefused()
    {
        var connection = StorageConnection.FromIdentitySettings(
            new ConfigurationBuilder().AddInMemoryCollection([
                new KeyValuePair<string, string?>("AzureWebJobsStorage:accountName", "stdev"),
                new KeyValuePair<string, string?>("AzureWebJobsStorage:credential", "sharedkey"),
            ]).Build().GetSection("AzureWebJobsStorage"), out var error);

        Assert.Null(connection);
        Assert.Contains("AzureWebJobsStorage__credential 'sharedkey' is not supported: use managedidentity", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheIdentityConnectionIsNotBoundFromTheStorageSection()
    {
        // Only AzureWebJobsStorage__* makes a connection identity-based; Storage:* carries names.
        var options = Options(("Storage:IdentityConnection:ClientId", ClientId), ("Storage:Connection:ClientId", ClientId));

        Assert.Null(options.IdentityConnection);
        Assert.False(options.Connection.UsesIdentity);
    }
}
