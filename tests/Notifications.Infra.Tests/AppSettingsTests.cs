using System.Reflection;
using Notifications.Storage;
using Notifications.Testing;

namespace Notifications.Infra.Tests;

/// <summary>
/// Every app setting the code reads reaches the app in Azure: the Bicep sets it, or docs/configuration.md documents it as optional
/// (with the default the app then uses). And every setting the Bicep sets is one the code or the host reads.
/// </summary>
public sealed class AppSettingsTests
{
    /// <summary>What the code reads: the options classes of Notifications.Core, the triggers' settings, the host's own.</summary>
    private static IReadOnlyList<CodeSetting> CodeSettings() =>
    [
        .. AppSettings.FromOptionsClasses(typeof(StorageOptions).Assembly),
        .. AppSettings.FromFunctionsMetadata(File.ReadAllText(FunctionsMetadata.File())),
        new(StorageOptions.ConnectionSetting, "the Functions host's own storage (keys, timer leases, blob receipts)", SettingKind.Connection),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", "telemetry of the Functions host and the app", SettingKind.Host),
    ];

    private static IReadOnlyList<DocumentedSetting> ConfigurationDoc()
        => AppSettings.FromConfigurationDoc(File.ReadAllText(Path.Combine(Repository.Root, "docs", "configuration.md")));

    [Fact]
    public async Task EveryAppSettingTheCodeReadsIsSetByBicepOrDocumentedAsOptional()
    {
        var bicep = AppSettings.FromTemplate(await Bicep.MainTemplateAsync());

        var problems = AppSettings.Compare(CodeSettings(), bicep.Keys, ConfigurationDoc());

        Assert.True(problems.Count == 0, "App settings out of step:\n- " + string.Join("\n- ", problems));
    }

    [Fact]
    public void TheCodeSettingsAreFoundWhereTheyAre()
    {
        // The derivation itself: if it found nothing, the comparison above would pass vacuously.
        var names = CodeSettings().Select(s => s.Name).ToList();

        Assert.Contains("Delivery__FromEmail", names);
        Assert.Contains("SendGrid__ApiKey", names);
        Assert.Contains("Tokens__Keys__<*>", names);
        Assert.Contains("Tokens__CurrentKeyId", names);
        Assert.Contains("Links__BaseUrl", names);
        Assert.Contains("Schedule__DeliveryHour", names);
        Assert.Contains("SelfService__SubscribeRequestsPerHour", names);
        Assert.Contains("Members__Administrations__<*>__Country", names);
        Assert.Contains("Digest__Languages__<*>__Sender", names);
        Assert.Contains("Articles__Topics__<*>__<*>", names);
        Assert.Contains("Storage__ArticlesContainer", names);
        Assert.Contains("DigestScheduleCron", names);
        Assert.Contains(CodeSettings(), s => s is { Name: "Storage__SendBatchesQueue", Kind: SettingKind.Host });
        Assert.Contains("AzureWebJobsStorage", names);
        // Computed or internal members are not settings.
        Assert.DoesNotContain(names, n => n.StartsWith("Storage__Connection__", StringComparison.Ordinal)
            || n.StartsWith("Storage__IdentityConnection", StringComparison.Ordinal));
        Assert.True(ConfigurationDoc().Count >= 20, "The Configuration table (docs/configuration.md) was not found or is nearly empty.");
    }

    [Fact]
    public async Task SecretsAreKeyVaultReferencesAndNothingNeedsASharedKey()
    {
        var bicep = AppSettings.FromTemplate(await Bicep.MainTemplateAsync());

        foreach (var secret in bicep.Keys.Where(k => k is "SendGrid__ApiKey" or "SendGrid__WebhookPublicKey" or "Subscribers__IdKey"
            || AppSettings.Matches("Tokens__Keys__<*>", k)))
            Assert.True(bicep[secret].Contains("@Microsoft.KeyVault(VaultName=", StringComparison.Ordinal),
                $"{secret} must be a Key Vault reference, not a value: {bicep[secret]}");
        Assert.Contains("Tokens__Keys__k1", bicep.Keys);
        Assert.Contains("Subscribers__IdKey", bicep.Keys);

        // The account allows no shared key, so no connection string; Flex Consumption refuses the runtime and content settings.
        string[] refused =
        [
            "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
            "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_NODE_DEFAULT_VERSION",
        ];
        foreach (var name in refused)
            Assert.DoesNotContain(name, bicep.Keys);
        Assert.Equal("\"managedidentity\"", bicep["AzureWebJobsStorage__credential"]);
        Assert.Equal("\"0 0 * * * *\"", bicep["DigestScheduleCron"]);
        // The triggers' %Storage:...% settings: the names storage.bicep creates, which are StorageOptions' defaults.
        var storage = new StorageOptions();
        Assert.Equal($"\"{storage.ArticlesContainer}\"", bicep["Storage__ArticlesContainer"]);
        Assert.Equal($"\"{storage.SendBatchesQueue}\"", bicep["Storage__SendBatchesQueue"]);
        Assert.Equal($"\"{storage.SubscribeConfirmationsQueue}\"", bicep["Storage__SubscribeConfirmationsQueue"]);
        Assert.Equal($"\"{storage.AlertsDueQueue}\"", bicep["Storage__AlertsDueQueue"]);
        Assert.Equal("\"SendGrid\"", bicep["Delivery__Mode"]);
        Assert.Equal("\"k1\"", bicep["Tokens__CurrentKeyId"]);
        Assert.Contains("Authorization=AAD", bicep["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
    }

    // The comparison can fail: fabricated inputs, each with one thing wrong.

    private static readonly DocumentedSetting[] SomeDocumented =
    [
        new("Optional__Thing", "`5`"),
        new("Needed__Thing", "(required)"),
        new("Keys__<id>", "(required)"),
        new("Digest__Languages__<lang>__Sender", "the values above"),
    ];

    [Fact]
    public void ASettingNeitherSetNorDocumentedIsNamedWithWhatToDo()
    {
        var problems = AppSettings.Compare([new CodeSetting("Fabricated__Missing", "FabricatedOptions.Missing")], [], SomeDocumented);

        var problem = Assert.Single(problems);
        Assert.Contains("Fabricated__Missing (FabricatedOptions.Missing)", problem, StringComparison.Ordinal);
        Assert.Contains("set it in the Bicep, or document it in docs/configuration.md (## Configuration) with its default", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ARequiredSettingMustBeSetByBicepEvenWhenDocumented()
    {
        var problems = AppSettings.Compare([new CodeSetting("Needed__Thing", "X.Thing"), new CodeSetting("Keys__<*>", "X.Keys")], [], SomeDocumented);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("is required (docs/configuration.md says \"(required)\")", p, StringComparison.Ordinal));
        Assert.Empty(AppSettings.Compare(
            [new CodeSetting("Needed__Thing", "X.Thing"), new CodeSetting("Keys__<*>", "X.Keys")], ["Needed__Thing", "Keys__k1"], SomeDocumented));
    }

    [Fact]
    public void AnOptionalDocumentedSettingNeedsNoBicep()
    {
        Assert.Empty(AppSettings.Compare(
            [new CodeSetting("Optional__Thing", "X.Thing"), new CodeSetting("Digest__Languages__<*>__Sender", "DigestOptions.Languages")], [], SomeDocumented));
    }

    [Fact]
    public void HostSettingsAndConnectionsMustBeSetByBicepWhateverTheConfigurationDocSays()
    {
        DocumentedSetting[] doc = [new("AzureWebJobsStorage", "`UseDevelopmentStorage=true`"), new("Schedule", "(required by the Functions host)")];
        CodeSetting[] code = [new("AzureWebJobsStorage", "trigger", SettingKind.Connection), new("Schedule", "timer", SettingKind.Host)];

        var problems = AppSettings.Compare(code, [], doc);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("AzureWebJobsStorage (trigger) is a storage connection", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Schedule (timer) is needed by the Functions host in Azure", StringComparison.Ordinal));
        Assert.Empty(AppSettings.Compare(code, ["AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId", "Schedule"], doc));
    }

    [Fact]
    public void ASettingTheBicepSetsThatNothingReadsIsNamed()
    {
        var problems = AppSettings.Compare(
            [new CodeSetting("Delivery__FromEmail", "DeliveryOptions.FromEmail")], ["Delivery__FromEmail", "Delivery__FromMail"], []);

        var problem = Assert.Single(problems);
        Assert.StartsWith("Delivery__FromMail is set by infra/modules/function-app.bicep", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationDocRowsWithSeveralNamesExpandToFullNames()
    {
        const string doc = """
            # X

            ## Configuration

            | setting | default | meaning |
            |---|---|---|
            | `Digest__Languages__<lang>__Sender`, `__Organization`, `__Footer` | the values above | per language |
            | `Delivery__FromEmail` | (required) | sender |

            ## Next
            | `Not__InTheSection` | 1 | x |
            """;

        var rows = AppSettings.FromConfigurationDoc(doc);

        Assert.Equal(
            ["Digest__Languages__<lang>__Sender", "Digest__Languages__<lang>__Organization", "Digest__Languages__<lang>__Footer", "Delivery__FromEmail"],
            rows.Select(r => r.Name));
        Assert.False(rows[3].IsOptional);
        Assert.True(rows[0].IsOptional);
    }

    private sealed class FabricatedOptions
    {
        public const string Section = "Fabricated";
        public string Plain { get; set; } = "";
        public Dictionary<string, List<int>> Nested { get; set; } = [];
        public string Computed => Plain;
        public List<string> Bound { get; } = [];
    }

    [Fact]
    public void OptionsClassesAreWalkedThroughDictionariesListsAndGetOnlyCollections()
    {
        var names = AppSettings.FromOptionsClasses(typeof(AppSettingsTests).Assembly).Select(s => s.Name).ToList();

        // FabricatedOptions is private: only exported types are options classes of an assembly.
        Assert.DoesNotContain(names, n => n.StartsWith("Fabricated", StringComparison.Ordinal));
        Assert.Equal(["Fabricated__Plain", "Fabricated__Nested__<*>__<*>", "Fabricated__Bound__<*>"],
            AppSettings.FromOptionsClassesOf([typeof(FabricatedOptions)]).Select(s => s.Name));
    }
}
