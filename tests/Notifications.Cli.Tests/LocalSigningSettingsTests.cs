using Microsoft.Extensions.Configuration;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>
/// Against a deployed storage account, notify never signs links with this machine's local key nor builds them on a
/// loopback base (mail would carry links the app refuses or that lead nowhere); the local key file is its owner's only.
/// </summary>
public sealed class LocalSigningSettingsTests : IDisposable
{
    /// <summary>A deployed account in its identity-based form (no key anywhere), as the Functions host and the runbook set it.</summary>
    private const string DeployedStorageSetting = "AzureWebJobsStorage:accountName";
    private const string DeployedStorage = "stnotifyprod";
    private static readonly string DeployedKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly TempFolder _temp = new();

    [Fact]
    public async Task ServeAgainstDeployedStorageWithLocalSettingsIsRefusedNamingBothSettings()
    {
        var run = await ServeAsync(new Dictionary<string, string?> { [DeployedStorageSetting] = DeployedStorage });

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: the storage is not local (Azurite)", error);
        Assert.Contains("Tokens__Keys__", error);
        Assert.Contains("Links__BaseUrl", error);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task ADeployedKeyWithALoopbackLinkBaseIsStillRefusedNamingOnlyTheLinkBase()
    {
        var run = await ServeAsync(new Dictionary<string, string?>
        {
            [DeployedStorageSetting] = DeployedStorage, ["Tokens:Keys:k1"] = DeployedKey, ["Tokens:CurrentKeyId"] = "k1",
            ["Links:BaseUrl"] = "http://localhost:7071",
        });

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.Contains("Links__BaseUrl", error);
        Assert.DoesNotContain("Tokens__Keys__", error);
    }

    [Fact]
    public async Task ACommandThatSendsAgainstDeployedStorageStopsBeforeSigning()
    {
        var run = await CliRun.RunAsync(new Dictionary<string, string?> { [DeployedStorageSetting] = DeployedStorage }, "deliver");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Tokens__Keys__", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task ACommandThatBuildsNoLinkIsNotRefused()
    {
        // An address the rules refuse: the command gets as far as validating it (past the refusal), and touches no storage.
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?>
            {
                [DeployedStorageSetting] = DeployedStorage,
                ["Subscribers:IdKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
            },
            "subscribers", "add", "--email", "not-an-address", "--name", "N", "--organization", "O");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: email", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData(false, false, false, null)]
    [InlineData(true, true, true, null)]
    [InlineData(true, false, true, "Tokens__Keys__")]
    [InlineData(true, true, false, "Links__BaseUrl")]
    public void TheRefusalAppliesOnlyToDeployedStorageWithLocalSettings(bool deployed, bool ownKey, bool publicBase, string? names)
    {
        var values = new Dictionary<string, string?>
        {
            [deployed ? DeployedStorageSetting : "AzureWebJobsStorage"] = deployed ? DeployedStorage : "UseDevelopmentStorage=true",
            ["Tokens:Keys:local"] = DeployedKey,
            ["Tokens:CurrentKeyId"] = "local",
        };
        if (ownKey) (values["Tokens:Keys:k1"], values["Tokens:CurrentKeyId"]) = (DeployedKey, "k1");
        if (publicBase) values["Links:BaseUrl"] = "https://func-abc.azurewebsites.net";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var refusal = CliContext.LocalSigningRefusal(configuration);

        if (names is null) Assert.Null(refusal);
        else Assert.Contains(names, refusal);
    }

    [Fact]
    public void TheLocalKeyFileIsCreatedReadableByItsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes.");
            return;
        }
        var file = _temp.Combine("tools", "local-token.key");

        var key = CliContext.ReadOrCreateLocalTokenKey(file);
        var again = CliContext.ReadOrCreateLocalTokenKey(file);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(key, again);
        Assert.Equal(32, Convert.FromBase64String(key).Length);
    }

    /// <summary>notify serve with these settings, stopped after 20 s if it does start (it should refuse to).</summary>
    private static async Task<CliRun> ServeAsync(IReadOnlyDictionary<string, string?> settings)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var output = new StringWriter();
        await using var error = new StringWriter();
        var code = await NotifyCli.RunAsync(["serve", "--port", ServeCommandTests.FreePort().ToString()], output, error, settings, stop.Token);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public void Dispose() => _temp.Dispose();
}
