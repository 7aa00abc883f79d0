using System.Text.Json;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>`notify` stores topics as the topic table's keys, and shows what an article's front matter got wrong without failing.</summary>
public sealed class TopicsCommandTests(AzuriteFixture azurite) : IDisposable
{
    private const string Karimova = "d.karimova@customs.uz.example";
    private readonly TempFolder _temp = new();

    private static async Task<IReadOnlyList<string?>> TopicsOfAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var show = await CliRun.RunAsync(settings, "subscribers", "show", Karimova, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        return JsonDocument.Parse(show.Output).RootElement.GetProperty("subscriber").GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ToList();
    }

    [Fact]
    public async Task SubscribersAddUpdateAndTheTopicFilterTakeAnySpellingOfATopic()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));

        var add = await CliRun.RunAsync(settings, "subscribers", "add", "--email", Karimova, "--name", "Dilnoza Karimova",
            "--organization", "Customs Committee of Uzbekistan", "--topics", "Data-Model,модель данных,NII");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(["data model", "non-intrusive inspection"], await TopicsOfAsync(settings));

        var update = await CliRun.RunAsync(settings, "subscribers", "update", Karimova, "--topics", "Modèle de données,green_customs");
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal(["data model", "green customs"], await TopicsOfAsync(settings));

        var list = await CliRun.RunAsync(settings, "subscribers", "list", "--topic", "Зелёная таможня", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(Karimova, Assert.Single(JsonDocument.Parse(list.Output).RootElement.EnumerateArray()).GetProperty("email").GetString());

        var unknown = await CliRun.RunAsync(settings, "subscribers", "update", Karimova, "--topics", "astrology");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("topic 'astrology' is not known; use any of: Data exchange, Data model,", unknown.Error);
    }

    [Fact]
    public async Task PublishShowAndReingestPrintAnUnknownTopicAsAWarningAndExitZero()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var file = _temp.Write("typo.md", """
            ---
            title: Green customs workshop
            topics: [data-model, grean customs]
            session:
              location: Tashkent
            ---
            Body.
            """);

        var publish = await CliRun.RunAsync(settings, "articles", "publish", file);

        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.StartsWith("typo.md: accepted - Green customs workshop", Assert.Single(publish.OutputLines));
        // The parser's warning first, then the editorial checks' (the same the desk shows).
        var warning = publish.ErrorLines[0];
        Assert.Equal(["warning: typo.md: no-published-date"], publish.ErrorLines.Skip(1).Select(l => l[..l.IndexOf(':', "warning: typo.md: ".Length)]));
        Assert.StartsWith(
            "warning: typo.md: unknown-topic (line 3): topic 'grean customs' is not a known topic and was left out. Known topics: e-commerce, data model,",
            warning);
        Assert.Contains("green customs", warning);

        var show = await CliRun.RunAsync(settings, "articles", "show", "typo.md");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("topics:          data model", show.OutputLines);
        Assert.Contains("place:           Tashkent", show.OutputLines);
        Assert.Contains(show.OutputLines, l => l.StartsWith("warning:         unknown-topic (line 3): topic 'grean customs'", StringComparison.Ordinal));
        var json = JsonDocument.Parse((await CliRun.RunAsync(settings, "articles", "show", "typo.md", "--json")).Output).RootElement.GetProperty("article");
        Assert.Equal("unknown-topic", Assert.Single(json.GetProperty("warnings").EnumerateArray()).GetProperty("code").GetString());

        var reingest = await CliRun.RunAsync(settings, "articles", "reingest", "--all");
        Assert.True(reingest.ExitCode == 0, reingest.ToString());
        Assert.StartsWith("warning: typo.md: unknown-topic (line 3)", Assert.Single(reingest.ErrorLines));
    }

    public void Dispose() => _temp.Dispose();
}
