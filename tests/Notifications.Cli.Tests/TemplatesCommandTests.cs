using System.Text.Json;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>`notify templates`: the console's template editor in the terminal, on Azurite.</summary>
public sealed class TemplatesCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string Footer(string words, string variable = "organization") => $$$"""
        <tr>
        <td class="footer">
        <p>{{{words}}} {{ {{{variable}}} }}</p>
        <p><a href="{{ recipient.preferences_url }}">{{ t.preferences }}</a> · <a href="{{ recipient.unsubscribe_url }}">{{ t.unsubscribe }}</a></p>
        </td>
        </tr>
        """;

    [Fact]
    public async Task ARefusedFileWritesNothingAndNamesItsLineAndColumn()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var file = _temp.Write("footer.sbn", Footer("Sent for", "organisation"));

        var save = await CliRun.RunAsync(settings, "templates", "save", "digest-footer.html.sbn", "--file", file);
        var list = await CliRun.RunAsync(settings, "templates", "list", "--json");

        Assert.True(save.ExitCode == 1, save.ToString());
        Assert.Contains("nothing was written", save.Error, StringComparison.Ordinal);
        Assert.Contains("digest-footer.html.sbn(3,", save.Error, StringComparison.Ordinal);
        Assert.Contains("[en] render:", save.Error, StringComparison.Ordinal);
        Assert.True(list.ExitCode == 0, list.ToString());
        using var json = JsonDocument.Parse(list.Output);
        Assert.All(json.RootElement.EnumerateArray(), t => Assert.False(t.GetProperty("overridden").GetBoolean()));
    }

    [Fact]
    public async Task SaveShowHistoryAndRollbackOnlyWithYes()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var first = _temp.Write("first.sbn", Footer("First footer for"));
        var second = _temp.Write("second.sbn", Footer("Second footer for"));

        var saved = await CliRun.RunAsync(settings, "templates", "save", "digest-footer.html.sbn", "--file", first, "--by", "olga");
        Assert.True(saved.ExitCode == 0, saved.ToString());
        Assert.True((await CliRun.RunAsync(settings, "templates", "save", "digest-footer.html.sbn", "--file", second, "--by", "piotr")).ExitCode == 0);

        var list = await CliRun.RunAsync(settings, "templates", "list");
        Assert.Contains(list.OutputLines, l => l.StartsWith("digest-footer.html.sbn", StringComparison.Ordinal)
            && l.Contains("override in use", StringComparison.Ordinal) && l.EndsWith("by piotr", StringComparison.Ordinal));
        Assert.Contains("Second footer for", (await CliRun.RunAsync(settings, "templates", "show", "digest-footer.html.sbn")).Output, StringComparison.Ordinal);
        var history = await CliRun.RunAsync(settings, "templates", "history", "digest-footer.html.sbn", "--json");
        using var versions = JsonDocument.Parse(history.Output);
        var version = Assert.Single(versions.RootElement.EnumerateArray());
        Assert.Equal(("olga", "piotr"), (version.GetProperty("savedBy").GetString(), version.GetProperty("replacedBy").GetString()));
        var id = version.GetProperty("id").GetString()!;
        Assert.Contains("First footer for", (await CliRun.RunAsync(settings, "templates", "show", "digest-footer.html.sbn", "--version", id)).Output,
            StringComparison.Ordinal);

        var asked = await CliRun.RunAsync(settings, "templates", "rollback", "digest-footer.html.sbn", id);
        Assert.True(asked.ExitCode == 1, asked.ToString());
        Assert.Contains("--yes", asked.Error, StringComparison.Ordinal);
        Assert.Contains("Second footer for", (await CliRun.RunAsync(settings, "templates", "show", "digest-footer.html.sbn")).Output, StringComparison.Ordinal);

        var done = await CliRun.RunAsync(settings, "templates", "rollback", "digest-footer.html.sbn", id, "--yes");
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Contains("First footer for", (await CliRun.RunAsync(settings, "templates", "show", "digest-footer.html.sbn")).Output, StringComparison.Ordinal);
        var preview = await CliRun.RunAsync(settings, "digest", "preview", "--out", _temp.Combine("preview"));
        Assert.True(preview.ExitCode == 0, preview.ToString());
        Assert.Contains("First footer for", await File.ReadAllTextAsync(_temp.Combine("preview", "digest.html"), TestContext.Current.CancellationToken),
            StringComparison.Ordinal);

        var removed = await CliRun.RunAsync(settings, "templates", "remove", "digest-footer.html.sbn", "--yes");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Contains("{{ t.unsubscribe }}", (await CliRun.RunAsync(settings, "templates", "show", "digest-footer.html.sbn")).Output,
            StringComparison.Ordinal);
        // The removed override is the newest kept version.
        using var after = JsonDocument.Parse((await CliRun.RunAsync(settings, "templates", "history", "digest-footer.html.sbn", "--json")).Output);
        var newest = after.RootElement[0].GetProperty("id").GetString()!;
        Assert.Contains("First footer for", (await CliRun.RunAsync(settings, "templates", "show", "digest-footer.html.sbn", "--version", newest)).Output,
            StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();
}
