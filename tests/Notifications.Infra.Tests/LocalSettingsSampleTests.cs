using System.Text.Json;
using Notifications.Storage;
using Notifications.Testing;

namespace Notifications.Infra.Tests;

/// <summary>
/// <c>local.settings.sample.json</c> (what a developer copies to run <c>func start</c>) lists every setting the app reads, and
/// every setting in it is explained in the Configuration table in docs/configuration.md.
/// </summary>
public sealed class LocalSettingsSampleTests
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static IReadOnlyList<string> SampleKeys()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")), Lenient);
        return document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();
    }

    private static IReadOnlyList<CodeSetting> CodeSettings() =>
    [
        .. AppSettings.FromOptionsClasses(typeof(StorageOptions).Assembly),
        .. AppSettings.FromFunctionsMetadata(File.ReadAllText(FunctionsMetadata.File())),
        new(StorageOptions.ConnectionSetting, "the Functions host's own storage", SettingKind.Connection),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", "telemetry", SettingKind.Host),
    ];

    /// <summary>What is missing from the sample: names of settings the code reads with no key in it (patterns need one example).</summary>
    public static IReadOnlyList<string> MissingFromSample(IEnumerable<CodeSetting> code, IReadOnlyList<string> sample)
        => code
            .Where(s => s.Name != "Storage__ConnectionString") // AzureWebJobsStorage is the sample's connection; this is only its fallback
            .Where(s => !sample.Any(key => AppSettings.Matches(s.Name, key)))
            .Select(s => s.Name)
            .Distinct()
            .ToList();

    [Fact]
    public void SampleListsEverySettingTheAppReads()
    {
        var missing = MissingFromSample(CodeSettings(), SampleKeys());

        Assert.True(missing.Count == 0,
            "local.settings.sample.json does not list: " + string.Join(", ", missing) + ". Add each under Values with its default or an example value.");
    }

    [Fact]
    public void EverySettingInTheSampleIsExplainedInTheConfigurationDoc()
    {
        var documented = AppSettings.FromConfigurationDoc(File.ReadAllText(Path.Combine(Repository.Root, "docs", "configuration.md")));

        var unexplained = SampleKeys()
            .Where(key => !documented.Any(d => AppSettings.Matches(d.Name, key) || string.Equals(d.Name, key, StringComparison.OrdinalIgnoreCase)))
            .ToList();

        Assert.True(unexplained.Count == 0,
            "Not in the Configuration table in docs/configuration.md: " + string.Join(", ", unexplained) + ". Add a row: setting, default, meaning.");
    }

    [Fact]
    public void AMissingSettingIsNamed()
    {
        var code = new[] { new CodeSetting("Delivery__FromEmail", "DeliveryOptions"), new CodeSetting("Tokens__Keys__<*>", "TokenOptions") };

        Assert.Equal(["Tokens__Keys__<*>"], MissingFromSample(code, ["Delivery__FromEmail"]));
        Assert.Empty(MissingFromSample(code, ["Delivery__FromEmail", "Tokens__Keys__k1"]));
    }
}
