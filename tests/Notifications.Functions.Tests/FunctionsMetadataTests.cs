using System.Reflection;
using System.Text.Json;
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
        { "Subscribe", "subscribe", "get,post", "Anonymous" },
        { "Confirm", "confirm", "get,post", "Anonymous" },
        { "Unsubscribe", "unsubscribe", "get,post", "Anonymous" },
        { "Preferences", "preferences", "get,post", "Anonymous" },
        { "SendGridEvents", "sendgrid/events", "post", "Anonymous" },
    };

    [Fact]
    public void MetadataDeclaresExactlyTheExpectedFunctions()
    {
        var names = Functions().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(HttpFunctions().Select(row => row.Data.Item1).Concat(["ArticlePublished", "HourlyDigests", "SendBatch", "SubscribeConfirmation", "PurgePendingSubscriptions"]).Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void SendBatchIsAQueueTriggerOnTheSendBatchesQueue()
    {
        var binding = Assert.Single(Function("SendBatch").GetProperty("bindings").EnumerateArray());

        Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("send-batches", binding.GetProperty("queueName").GetString());
        Assert.Equal("AzureWebJobsStorage", binding.GetProperty("connection").GetString());
    }

    [Fact]
    public void SubscribeConfirmationIsAQueueTriggerOnTheSubscribeConfirmationsQueue()
    {
        var binding = Assert.Single(Function("SubscribeConfirmation").GetProperty("bindings").EnumerateArray());

        Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
        Assert.Equal(new Notifications.Storage.StorageOptions().SubscribeConfirmationsQueue, binding.GetProperty("queueName").GetString());
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

        Assert.Equal("Notifications.Functions.Articles.ArticlePublished.Run", function.GetProperty("entryPoint").GetString());
        Assert.Equal("Notifications.Functions.dll", function.GetProperty("scriptFile").GetString());
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal("blobTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("In", binding.GetProperty("direction").GetString());
        Assert.Equal("articles/{name}", binding.GetProperty("path").GetString());
        Assert.Equal("EventGrid", binding.GetProperty("source").GetString());
        Assert.Equal("AzureWebJobsStorage", binding.GetProperty("connection").GetString());
    }

    [Theory]
    [InlineData("HourlyDigests", "Notifications.Functions.Digests.HourlyDigests.Run", "%DigestScheduleCron%")]
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

    private static JsonElement Function(string name)
        => Assert.Single(Functions(), f => f.GetProperty("name").GetString() == name);

    private static IReadOnlyList<JsonElement> Functions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FunctionsMetadata.File()));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
