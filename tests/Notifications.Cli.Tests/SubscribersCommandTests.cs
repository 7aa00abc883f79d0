using System.Text.Json;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Local;

namespace Notifications.Cli.Tests;

public sealed class SubscribersCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task AddedSubscriberIsListedAsJsonWithStableFields()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);

        var add = await CliRun.RunAsync(settings, "subscribers", "add", "--email", "Jane.Smith@HMRC.example", "--name", "Jane Smith",
            "--organization", "HM Revenue and Customs", "--language", "fr", "--frequency", "weekly");
        Assert.True(add.ExitCode == 0, add.ToString());

        var list = await CliRun.RunAsync(settings, "subscribers", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal("", list.Error);
        using var json = JsonDocument.Parse(list.Output);
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        var item = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(
            [
                "consent", "country", "createdAt", "deliveryHour", "email", "frequency", "id", "language", "name", "organization", "status",
                "timeZone", "topics", "updatedAt"
            ],
            item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(settings.SubscriberIdOf("jane.smith@hmrc.example"), item.GetProperty("id").GetString());
        Assert.Equal("jane.smith@hmrc.example", item.GetProperty("email").GetString());
        Assert.Equal("Jane Smith", item.GetProperty("name").GetString());
        Assert.Equal("HM Revenue and Customs", item.GetProperty("organization").GetString());
        Assert.Equal("fr", item.GetProperty("language").GetString());
        Assert.Equal(JsonValueKind.String, item.GetProperty("frequency").ValueKind);
        Assert.Equal("weekly", item.GetProperty("frequency").GetString());
        Assert.Equal(JsonValueKind.String, item.GetProperty("status").ValueKind);
        Assert.Equal("active", item.GetProperty("status").GetString());
        var createdAt = item.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(createdAt, item.GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task InvalidEmailIsOneErrorLineAndExitCode1()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));

        var add = await CliRun.RunAsync(settings, "subscribers", "add", "--email", "jane smith@customs.example", "--name", "Jane Smith",
            "--organization", "Customs");

        Assert.Equal(1, add.ExitCode);
        Assert.Equal("", add.Output);
        var line = Assert.Single(add.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("email", line);
        // The address is named, masked as in logs.
        Assert.Contains("j***@customs.example", line);

        var list = await CliRun.RunAsync(settings, "subscribers", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        Assert.Empty(JsonDocument.Parse(list.Output).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task DuplicateAddressInAnotherCaseIsRefused()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var first = await CliRun.RunAsync(
            settings, "subscribers", "add", "--email", "jane.smith@hmrc.example", "--name", "Jane Smith", "--organization", "HMRC");
        Assert.True(first.ExitCode == 0, first.ToString());

        var second = await CliRun.RunAsync(settings, "subscribers", "add", "--email", "JANE.Smith@HMRC.Example", "--name", "Jane S.", "--organization", "HMRC");

        Assert.Equal(1, second.ExitCode);
        Assert.Equal("", second.Output);
        var line = Assert.Single(second.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("already exists", line);
        // The admin's own terminal names the address in full (issue 16: masking belongs in logs, not in the admin's tools).
        Assert.Contains("'jane.smith@hmrc.example' already exists", line);

        var list = await CliRun.RunAsync(settings, "subscribers", "list", "--json");
        var only = Assert.Single(JsonDocument.Parse(list.Output).RootElement.EnumerateArray());
        Assert.Equal("Jane Smith", only.GetProperty("name").GetString());
    }

    [Fact]
    public async Task UnreachableStorageFailsFastWithOneClearLine()
    {
        var port = FreePort();
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        settings["AzureWebJobsStorage"] = Notifications.Local.AzuriteLauncher.ConnectionStringFor(port, port + 1, port + 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var list = await CliRun.RunAsync(settings, "subscribers", "list");

        clock.Stop();
        Assert.Equal(1, list.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal("", list.Output);
        var line = Assert.Single(list.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("no storage answers", line);
        Assert.Contains($"127.0.0.1:{port}", line);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose() => _temp.Dispose();
}
