using Microsoft.Extensions.Configuration;

namespace Notifications.Cli.Tests;

/// <summary>When `notify` starts (or expects) Azurite, and when it talks to a real account instead.</summary>
public sealed class LocalStorageEndpointTests
{
    private static LocalStorageEndpoint? From(params (string Key, string Value)[] settings)
        => LocalStorageEndpoint.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void DevelopmentStorageIsAzuriteOnItsDefaultPorts()
    {
        Assert.Equal(new LocalStorageEndpoint(10000, 10001, 10002), From(("Storage:ConnectionString", "UseDevelopmentStorage=true")));
        Assert.Equal(new LocalStorageEndpoint(10000, 10001, 10002), From(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));
    }

    [Fact]
    public void LoopbackConnectionStringGivesItsPorts()
        => Assert.Equal(new LocalStorageEndpoint(20000, 20001, 20002), From(("AzureWebJobsStorage",
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;BlobEndpoint=http://127.0.0.1:20000/devstoreaccount1;QueueEndpoint=http://" +
                "127.0.0.1:20001/devstoreaccount1;TableEndpoint=http://127.0.0.1:20002/devstoreaccount1")));

    [Fact]
    public void IdentityBasedAccountWinsOverTheLocalDefault()
        // The runbook's way to point notify at the deployed account: no Azurite is started or expected.
        => Assert.Null(From(("Storage:ConnectionString", "UseDevelopmentStorage=true"), ("AzureWebJobsStorage:accountName", "stnotifications")));

    [Fact]
    public void RemoteConnectionStringIsNotLocal()
        => Assert.Null(From(("AzureWebJobsStorage", "DefaultEndpointsProtocol=https;AccountName=st;EndpointSuffix=core.windows.net")));
}
