using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Notifications.Storage;
using Notifications.Testing;

namespace Notifications.Functions.Tests;

/// <summary>
/// The <c>functions.metadata</c> the Worker SDK generates is what the Functions host reads to wire triggers:
/// these tests pin the triggers the code declares, as the host will see them.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Every HTTP function: route (under /api), methods, authorization level.</summary>
    public static TheoryData<string, string, string, string> HttpFunctions() => new()
    {
        { "ListSubscribers", "manage/subscribers", "get", "Function" },
        { "CreateSubscriber", "manage/subscribers", "post", "Function" },
        { "GetSubscriber", "manage/subscribers/{id}", "get", "Function" },
        { "ImportSubscribers", "manage/subscribers/import", "post", "Function" },
        { "ExportSubscribers", "manage/subscribers/export", "get", "Function" },
        { "Coverage", "manage/coverage", "get", "Function" },
        { "UpdateSubscriber", "manage/subscribers/{id}", "patch", "Function" },
        { "EraseSubscriber", "manage/subscribers/{id}", "delete", "Function" },
        { "ViewDigest", "digests/{run}/{variant}", "get", "Anonymous" },
        { "ReadArticle", "articles/{*name}", "get,head", "Anonymous" },
        { "Subscribe", "subscribe", "get,post", "Anonymous" },
        { "Confirm", "confirm", "get,post", "Anonymous" },
        { "Unsubscribe", "unsubscribe", "get,post", "Anonymous" },
        { "Preferences", "preferences", "get,post", "Anonymous" },
        { "ManageLink", "manage-link", "get,post", "Anonymous" },
        { "SendGridEvents", "sendgrid/events", "post", "Anonymous" },
        { "DeskArticles", "console/articles", "get,head", "Anonymous" },
        { "DeskWrite", "console/articles/write", "get,head,post", "Anonymous" },
        { "DeskWithdraw", "console/articles/withdraw", "get,head,post", "Anonymous" },
        { "DeskResult", "console/articles/result", "get,head", "Anonymous" },
        { "ConsoleHome", "console", "get", "Anonymous" },
        { "ConsoleLanguage", "console/language", "post", "Anonymous" },
        { "ConsoleStatic", "console/static/{file}", "get", "Anonymous" },
        { "ConsoleMaintenance", "console/maintenance", "get,post", "Anonymous" },
        { "ConsoleDashboard", "console/dashboard", "get", "Anonymous" },
        { "ConsoleSubscribers", "console/subscribers", "get", "Anonymous" },
        { "ConsoleSegmentExport", "console/subscribers/export", "get", "Anonymous" },
        { "ConsoleSubscriber", "console/subscribers/{id}", "get,post", "Anonymous" },
        { "SendManageLink", "manage/subscribers/{id}/manage-link", "post", "Function" },
        { "ChangeSubscriberAddress", "manage/subscribers/{id}/address", "post", "Function" },
        { "ConfirmAddress", "address", "get,post", "Anonymous" },
        { "ConsoleImport", "console/import", "get,post", "Anonymous" },
        { "ConsoleImportResult", "console/import/result", "get", "Anonymous" },
        { "ConsoleMembers", "console/members", "get,post", "Anonymous" },
        { "ConsoleRuns", "console/runs", "get,post", "Anonymous" },
        { "ConsoleRun", "console/runs/{run}", "get,post", "Anonymous" },
        { "ConsoleRunDigest", "console/runs/{run}/digest/{variant}", "get", "Anonymous" },
        { "ConsoleTemplates", "console/templates", "get", "Anonymous" },
        { "ConsoleTemplate", "console/templates/{name}", "get,post", "Anonymous" },
        { "ConsoleTemplatePreview", "console/templates/{name}/preview", "get", "Anonymous" },
    };

    [Fact]
    public void MetadataDeclaresExactlyTheExpectedFunctions()
    {
        var names = Functions().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(HttpFunctions().Select(row => row.Data.Item1)
            .Concat(["ArticlePublished", "HourlyDigests", "SendBatch", "AlertDue", "SubscribeConfirmation", "PurgePendingSubscriptions"])
            .Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void SendBatchIsAQueueTriggerOnTheSendBatchesQueue()
    {
        var binding = Assert.Single(Function("SendBatch").GetProperty("bindings").EnumerateArray());

        Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("%Storage:SendBatchesQueue%", binding.GetProperty("queueName").GetString());
        Assert.Equal("send-batches", Resolve(binding.GetProperty("queueName").GetString()!, SampleSettings()));
        Assert.Equal("AzureWebJobsStorage", binding.GetProperty("connection").GetString());
    }

    [Fact]
    public void AlertDueIsAQueueTriggerOnTheAlertsDueQueue()
    {
        var function = Function("AlertDue");
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());

        Assert.Equal("Notifications.Functions.AlertDue.AlertDueTrigger.Run", function.GetProperty("entryPoint").GetString());
        Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("%Storage:AlertsDueQueue%", binding.GetProperty("queueName").GetString());
        Assert.Equal("alerts-due", Resolve(binding.GetProperty("queueName").GetString()!, SampleSettings()));
        Assert.Equal("AzureWebJobsStorage", binding.GetProperty("connection").GetString());
    }

    [Fact]
    public void SubscribeConfirmationIsAQueueTriggerOnTheSubscribeConfirmationsQueue()
    {
        var binding = Assert.Single(Function("SubscribeConfirmation").GetProperty("bindings").EnumerateArray());

        Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("%Storage:SubscribeConfirmationsQueue%", binding.GetProperty("queueName").GetString());
        Assert.Equal(new StorageOptions().SubscribeConfirmationsQueue, Resolve(binding.GetProperty("queueName").GetString()!, SampleSettings()));
        Assert.Equal("AzureWebJobsStorage", binding.GetProperty("connection").GetString());
    }

    [Fact]
    public void PurgePendingSubscriptionsIsADailyTimerWithAFixedSchedule()
    {
        // A literal schedule (no app setting): daily is enough for links that live days.
        var binding = Assert.Single(Function("PurgePendingSubscriptions").GetProperty("bindings").EnumerateArray());

        Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("0 30 2 * * *", binding.GetProperty("schedule").GetString());
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void HttpFunctionHasItsRouteMethodAndKey(string name, string route, string methods, string authLevel)
    {
        var binding = Function(name).GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");

        Assert.Equal(route, binding.GetProperty("route").GetString());
        Assert.Equal(methods.Split(','), binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(authLevel, binding.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void NoFunctionNameOrRouteStartsWithAdmin()
    {
        // The Functions host reserves "admin" for its own API and refuses such functions at start-up.
        foreach (var function in Functions())
        {
            Assert.False(function.GetProperty("name").GetString()!.StartsWith("admin", StringComparison.OrdinalIgnoreCase));
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
                if (binding.TryGetProperty("route", out var route))
                    Assert.False(route.GetString()!.StartsWith("admin", StringComparison.OrdinalIgnoreCase), route.GetString());
        }
    }

    [Fact]
    public void ArticlePublishedIsAnEventGridBlobTriggerOnTheArticlesContainer()
    {
        var function = Function("ArticlePublished");

        Assert.Equal("Notifications.Functions.ArticlePublished.ArticleBlobTrigger.Run", function.GetProperty("entryPoint").GetString());
        Assert.Equal("Notifications.Functions.dll", function.GetProperty("scriptFile").GetString());
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal("blobTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("In", binding.GetProperty("direction").GetString());
        Assert.Equal("%Storage:ArticlesContainer%/{name}", binding.GetProperty("path").GetString());
        Assert.Equal("articles/{name}", Resolve(binding.GetProperty("path").GetString()!, SampleSettings()));
        Assert.Equal("EventGrid", binding.GetProperty("source").GetString());
        Assert.Equal("AzureWebJobsStorage", binding.GetProperty("connection").GetString());
    }

    [Theory]
    [InlineData("HourlyDigests", "Notifications.Functions.HourPassed.HourlyDigests.Run", "%DigestScheduleCron%")]
    public void DigestFunctionIsOneTimerTriggerOnItsScheduleSetting(string name, string entryPoint, string schedule)
    {
        Assert.Single(Functions(), f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "timerTrigger"
            && b.GetProperty("schedule").GetString()!.StartsWith('%')));
        var function = Function(name);

        Assert.Equal(entryPoint, function.GetProperty("entryPoint").GetString());
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
        Assert.Equal(schedule, binding.GetProperty("schedule").GetString());
    }

    [Theory]
    [InlineData("DigestScheduleCron")]
    public void SampleLocalSettingsDefineTheScheduleThePlaceholderNames(string setting)
    {
        var sample = Path.Combine(Repository.Root, "local.settings.sample.json");
        Assert.True(File.Exists(sample), $"{sample} does not exist: the %{setting}% placeholder has nothing to resolve to locally.");

        using var document = JsonDocument.Parse(File.ReadAllText(sample), Lenient);
        Assert.True(document.RootElement.TryGetProperty("Values", out var values), "local.settings.sample.json has no Values section.");
        Assert.True(values.TryGetProperty(setting, out var value), $"local.settings.sample.json does not define Values.{setting}.");
        var schedule = value.GetString();
        Assert.False(string.IsNullOrWhiteSpace(schedule), $"Values.{setting} is empty.");
        // The timer trigger takes a six-field NCRONTAB expression (with seconds) or a TimeSpan.
        Assert.True(schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 || TimeSpan.TryParse(schedule, out _),
            $"Values.{setting} '{schedule}' is neither a six-field NCRONTAB expression nor a TimeSpan.");
        // Hourly, at minute 0: digests go out at each subscriber's local hour.
        Assert.Equal("0 0 * * * *", schedule);
    }

    /// <summary>The trigger bindings that name a container or queue, and the <see cref="StorageOptions"/> property that names it for the code.</summary>
    public static TheoryData<string, string, string> StorageNamedTriggers() => new()
    {
        { "ArticlePublished", "path", nameof(StorageOptions.ArticlesContainer) },
        { "SendBatch", "queueName", nameof(StorageOptions.SendBatchesQueue) },
        { "AlertDue", "queueName", nameof(StorageOptions.AlertsDueQueue) },
        { "SubscribeConfirmation", "queueName", nameof(StorageOptions.SubscribeConfirmationsQueue) },
    };

    /// <summary>
    /// The trigger and the code cannot drift apart: the binding names its container or queue by the %setting% StorageOptions binds
    /// (Storage:X, the app setting Storage__X), so the same value reaches both, default or changed; the sample settings give the default.
    /// </summary>
    [Theory]
    [MemberData(nameof(StorageNamedTriggers))]
    public void TriggerNamesItsContainerOrQueueByTheSettingStorageOptionsReads(string name, string property, string option)
    {
        var binding = Assert.Single(Function(name).GetProperty("bindings").EnumerateArray());
        var expression = binding.GetProperty(property).GetString()!;
        var placeholders = Regex.Matches(expression, "%([^%]+)%").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal([$"{StorageOptions.Section}:{option}"], placeholders);
        var sample = SampleSettings();
        var defaultValue = (string)typeof(StorageOptions).GetProperty(option)!.GetValue(new StorageOptions())!;
        Assert.Equal(defaultValue, sample[$"{StorageOptions.Section}__{option}"]);
        // The same setting, changed, reaches the trigger (as the host resolves %...%) and the code (as AddNotifications binds it).
        foreach (var value in (string[])[defaultValue, "renamed-by-setting"])
        {
            var settings = new Dictionary<string, string?>(sample) { [$"{StorageOptions.Section}__{option}"] = value };
            var bound = Bind(settings);
            var resolved = Resolve(expression, settings);
            Assert.Equal(value, typeof(StorageOptions).GetProperty(option)!.GetValue(bound));
            Assert.Equal(property == "path" ? $"{value}/{{name}}" : value, resolved);
        }
    }

    /// <summary>local.settings.sample.json's Values: the app settings as the host and the worker get them (environment variables).</summary>
    private static Dictionary<string, string?> SampleSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")), Lenient);
        return document.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name, p => (string?)p.Value.GetString(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>App settings as configuration: a setting's <c>__</c> is the <c>:</c> of a section, as the environment-variable provider reads it.</summary>
    private static IConfiguration Configuration(IReadOnlyDictionary<string, string?> settings)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value)))
            .Build();

    /// <summary>
    /// A binding expression with its %setting% placeholders resolved as the Functions host does (its name resolver reads
    /// <c>configuration[name]</c>); an unresolved one fails, as it fails the host's indexing.
    /// </summary>
    private static string Resolve(string expression, IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = Configuration(settings);
        return Regex.Replace(expression, "%([^%]+)%",
            m => configuration[m.Groups[1].Value] ?? throw new Xunit.Sdk.XunitException($"'{m.Value}' does not resolve to a value."));
    }

    /// <summary>StorageOptions bound from the settings as <c>AddNotifications</c> binds them.</summary>
    private static StorageOptions Bind(IReadOnlyDictionary<string, string?> settings)
    {
        var options = new StorageOptions();
        Configuration(settings).GetSection(StorageOptions.Section).Bind(options);
        return options;
    }

    private static JsonElement Function(string name)
        => Assert.Single(Functions(), f => f.GetProperty("name").GetString() == name);

    private static IReadOnlyList<JsonElement> Functions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FunctionsMetadata.File()));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
