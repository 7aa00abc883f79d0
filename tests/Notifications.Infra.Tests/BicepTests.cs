using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Notifications.Storage;

namespace Notifications.Infra.Tests;

/// <summary>infra/main.bicep compiles and lints clean, offline, with every linter rule an error.</summary>
public sealed partial class BicepTests
{
    /// <summary>
    /// Every rule of the Bicep linter (the CLI's built-in configuration, bicepconfig.schema.json of the Bicep repository):
    /// infra/bicepconfig.json must set each one to error, so that a clean lint means something.
    /// </summary>
    public static readonly string[] LinterRules =
    [
        "adminusername-should-not-be-literal", "artifacts-parameters", "decompiler-cleanup", "explicit-values-for-loc-params",
        "max-asserts", "max-outputs", "max-params", "max-resources", "max-variables", "nested-deployment-template-scoping",
        "no-conflicting-metadata", "no-deployments-resources", "no-explicit-any", "no-hardcoded-env-urls", "no-hardcoded-location",
        "no-loc-expr-outside-params", "no-unnecessary-dependson", "no-unused-existing-resources", "no-unused-imports",
        "no-unused-params", "no-unused-vars", "outputs-should-not-contain-secrets", "prefer-interpolation",
        "prefer-unquoted-property-names", "protect-commandtoexecute-secrets", "secure-parameter-default",
        "secure-params-in-nested-deploy", "secure-secrets-in-params", "simplify-interpolation", "simplify-json-null",
        "stacks-extensibility-compat", "use-parent-property", "use-recent-api-versions", "use-recent-az-powershell-version",
        "use-recent-module-versions", "use-resource-id-functions", "use-resource-symbol-reference", "use-safe-access",
        "use-secure-value-for-secure-inputs", "use-stable-resource-identifiers", "use-stable-vm-image", "use-user-defined-types",
        "what-if-short-circuiting",
    ];

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [Fact]
    public async Task MainBicepBuildsOffline()
    {
        var build = await Bicep.BuildMainAsync();

        Assert.True(build.ExitCode == 0, $"bicep build infra/main.bicep failed: {build}");
        Assert.True(string.IsNullOrWhiteSpace(build.StandardError), $"bicep build infra/main.bicep reported diagnostics (warnings count as failures): {build}");
        var template = JsonNode.Parse(build.StandardOutput)!.AsObject();
        Assert.Equal("subscription", Regex.Match(template["$schema"]!.GetValue<string>(), "/(subscription)DeploymentTemplate").Groups[1].Value);
    }

    [Fact]
    public async Task MainBicepLintsCleanWithRulesAsErrors()
    {
        BicepConfigSetsEveryLinterRuleToError();

        var lint = await Bicep.RunAsync(Bicep.InfraDirectory, "lint", Bicep.MainBicep);

        Assert.True(lint.ExitCode == 0 && string.IsNullOrWhiteSpace(lint.StandardError) && string.IsNullOrWhiteSpace(lint.StandardOutput),
            $"bicep lint infra/main.bicep is not clean (every rule is an error, see infra/bicepconfig.json): {lint}");
    }

    [Fact]
    public void BicepConfigSetsEveryLinterRuleToError()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Bicep.InfraDirectory, "bicepconfig.json")), Lenient);
        var core = config.RootElement.GetProperty("analyzers").GetProperty("core");
        Assert.False(
            core.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.False,
            "infra/bicepconfig.json turns the linter off.");
        var rules = core.GetProperty("rules").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetProperty("level").GetString());

        var missing = LinterRules.Where(r => !rules.ContainsKey(r)).ToList();
        Assert.True(
            missing.Count == 0,
            $"infra/bicepconfig.json does not set these linter rules (add each with \"level\": \"error\"): {string.Join(", ", missing)}");
        var notErrors = rules.Where(r => r.Value != "error").Select(r => $"{r.Key}: {r.Value}").ToList();
        Assert.True(notErrors.Count == 0, $"infra/bicepconfig.json must set every rule to error: {string.Join(", ", notErrors)}");
    }

    [Fact]
    public async Task TheLinterRulesReallyFailTheLint()
    {
        // The same configuration on a file that breaks two rules: the lint fails, naming them, so a clean lint of main.bicep is not vacuous.
        var directory = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            File.Copy(Path.Combine(Bicep.InfraDirectory, "bicepconfig.json"), Path.Combine(directory.FullName, "bicepconfig.json"));
            var file = Path.Combine(directory.FullName, "bad.bicep");
            await File.WriteAllTextAsync(
                file,
                "param unused string\nvar url = 'https://management.azure.com/'\noutput o string = url\n",
                TestContext.Current.CancellationToken);

            var lint = await Bicep.RunAsync(directory.FullName, "lint", file);

            Assert.NotEqual(0, lint.ExitCode);
            Assert.Contains("Error no-unused-params", lint.StandardError, StringComparison.Ordinal);
            Assert.Contains("Error no-hardcoded-env-urls", lint.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task EveryParameterOfMainParametersJsonExistsInMainBicep()
    {
        var template = await Bicep.MainTemplateAsync();
        var declared = template["parameters"]!.AsObject();
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(Bicep.InfraDirectory, "main.parameters.json")), Lenient);
        var given = file.RootElement.GetProperty("parameters").EnumerateObject().ToList();

        var unknown = given.Where(p => !declared.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        Assert.True(unknown.Count == 0, $"infra/main.parameters.json gives parameters infra/main.bicep does not declare: {string.Join(", ", unknown)}");

        // azd fills "${NAME}" / "${NAME=default}" from the azd environment.
        foreach (var parameter in given)
        {
            var value = parameter.Value.GetProperty("value").GetString() ?? "";
            Assert.Matches(AzdReference(), value);
        }

        // A parameter without a default must come from the file: azd would otherwise prompt for it, or pass nothing.
        var required = declared.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key).ToList();
        var notGiven = required.Where(r => given.All(g => g.Name != r)).ToList();
        Assert.True(
            notGiven.Count == 0,
            $"infra/main.bicep parameters without a default that infra/main.parameters.json does not give: {string.Join(", ", notGiven)}");
    }

    [Fact]
    public async Task SecretParametersAreSecure()
    {
        var template = await Bicep.MainTemplateAsync();
        var parameters = template["parameters"]!.AsObject();

        foreach (var secret in new[] { "sendGridApiKey", "sendGridWebhookPublicKey", "tokenSigningKey", "subscriberIdKey" })
            Assert.Equal("securestring", parameters[secret]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task StorageBicepCreatesTheContainersQueuesAndTablesTheAppUses()
    {
        var template = await Bicep.MainTemplateAsync();
        var storage = Assert.Single(Bicep.TemplatesWithVariable(template, "tableNames"));
        string[] Names(string variable) => storage["variables"]![variable]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

        // The defaults the app uses when no Storage__* setting overrides them (the Bicep sets none).
        var defaults = new StorageOptions();
        var properties = typeof(StorageOptions).GetProperties().Where(p => p.PropertyType == typeof(string) && p.CanWrite).ToList();
        string[] Defaults(string suffix) => properties.Where(p => p.Name.EndsWith(suffix, StringComparison.Ordinal))
            .Select(p => (string)p.GetValue(defaults)!).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(Defaults("Container"), Names("appContainerNames").Order(StringComparer.Ordinal));
        Assert.Equal(Defaults("Table"), Names("tableNames").Order(StringComparer.Ordinal));
        // Each trigger's queue with its poison queue; send-batches first (the alert watches queueNames[1]).
        Assert.Equal(
            Defaults("Queue").SelectMany(q => new[] { q, q + "-poison" }).Order(StringComparer.Ordinal),
            Names("queueNames").Order(StringComparer.Ordinal));
        Assert.Equal(["send-batches", "send-batches-poison"], Names("queueNames")[..2]);
    }

    [Fact]
    public async Task StorageAccountAllowsNoSharedKeyNoPublicBlobsAndOnlyTls12()
    {
        var template = await Bicep.MainTemplateAsync();
        var account = Assert.Single(Bicep.Resources(template, "Microsoft.Storage/storageAccounts"), r => r["existing"] is null);
        var properties = account["properties"]!;

        Assert.False(properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(properties["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", properties["minimumTlsVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task FunctionAppIsFlexConsumptionDotnetIsolated10WithItsIdentity()
    {
        var template = await Bicep.MainTemplateAsync();
        var plan = Assert.Single(Bicep.Resources(template, "Microsoft.Web/serverfarms"));
        Assert.Equal("FC1", plan["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());

        var site = Assert.Single(Bicep.Resources(template, "Microsoft.Web/sites"));
        Assert.Equal("functionapp,linux", site["kind"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        var config = site["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("10.0", config["runtime"]!["version"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
        Assert.NotNull(site["properties"]!["keyVaultReferenceIdentity"]);
    }

    [Fact]
    public async Task KeyVaultUsesRbacSoftDeleteAndPurgeProtection()
    {
        var template = await Bicep.MainTemplateAsync();
        var vault = Assert.Single(Bicep.Resources(template, "Microsoft.KeyVault/vaults"), r => r["existing"] is null)["properties"]!;

        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(vault["enableSoftDelete"]!.GetValue<bool>());
        Assert.True(vault["enablePurgeProtection"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheIdentityGetsExactlyTheBuiltInRolesItNeeds()
    {
        var template = await Bicep.MainTemplateAsync();
        // The role assignments' module (role definition ids are in its variables), nothing else.
        var module = Assert.Single(Bicep.TemplatesDeclaring(template, "Microsoft.Authorization/roleAssignments"));
        var roles = RoleGuid().Matches(module.ToJsonString()).Select(m => m.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

        string[] expected =
        [
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
            "4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
        ];
        foreach (var role in expected)
            Assert.Contains(role, roles);
        // Nothing broader than data-plane roles: no Owner, Contributor or Storage Account Contributor.
        Assert.DoesNotContain("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", roles);
        Assert.DoesNotContain("b24988ac-6180-42a0-ab88-20f7382dd24c", roles);
        Assert.DoesNotContain("17d1049b-9a84-46fb-8f53-869881c3d3ab", roles);
    }

    [Fact]
    public async Task AlertsWatchThePoisonQueueAndPausedRunsAndEmailTheActionGroup()
    {
        var template = await Bicep.MainTemplateAsync();
        Assert.Equal(2, Bicep.Resources(template, "Microsoft.Insights/scheduledQueryRules").Count());
        // The queries are variables of the alerts module.
        var module = Assert.Single(Bicep.TemplatesDeclaring(template, "Microsoft.Insights/scheduledQueryRules"));
        var queries = module["variables"]!.AsObject().Select(v => v.Value!.ToJsonString()).ToList();
        Assert.Contains(queries, q => q.Contains("Moving message to queue", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains(" paused: ", StringComparison.Ordinal) && q.Contains("HourlyDigests", StringComparison.Ordinal));
        // A failed batch the hourly timer gave up on (FailedBatchHealer: "Batch … of run … given up after N attempts: past the lateness limit").
        Assert.Contains(queries, q => q.Contains(" given up after ", StringComparison.Ordinal));
        var group = Assert.Single(Bicep.Resources(template, "Microsoft.Insights/actionGroups"));
        Assert.Contains("emailReceivers", group.ToJsonString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$")]
    private static partial Regex AzdReference();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex RoleGuid();
}
