using System.Text.Json;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

public sealed class ArticlesCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task PublishingAValidArticlePrintsAccepted()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var file = _temp.Write("ptc-243.md", """
            ---
            title: Permanent Technical Committee opens its 243rd session
            published: 2026-11-25
            summary: Delegates meet in Brussels.
            ---
            Body.
            """);

        var publish = await CliRun.RunAsync(settings, "articles", "publish", file);

        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Equal("", publish.Error);
        var line = Assert.Single(publish.OutputLines);
        Assert.Contains("ptc-243.md", line);
        Assert.Contains("accepted", line);
        Assert.Contains("Permanent Technical Committee opens its 243rd session", line);

        var list = await CliRun.RunAsync(settings, "articles", "list", "--json");
        var article = Assert.Single(JsonDocument.Parse(list.Output).RootElement.EnumerateArray());
        Assert.Equal("ptc-243.md", article.GetProperty("name").GetString());
        Assert.Equal("accepted", article.GetProperty("status").GetString());
    }

    [Fact]
    public async Task PublishingAnArticleWithAnImpossibleDateNamesTheCodeAndLine()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var file = _temp.Write("bad-date.md", """
            ---
            title: An article with an impossible date
            published: 2026-13-45
            ---
            Body.
            """);

        var publish = await CliRun.RunAsync(settings, "articles", "publish", file);

        Assert.Equal(1, publish.ExitCode);
        Assert.Equal("", publish.Output);
        var line = Assert.Single(publish.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("bad-date.md", line);
        Assert.Contains("invalid-published", line);
        Assert.Contains("line 3", line);
    }

    public void Dispose() => _temp.Dispose();
}
