using System.Text.Json;
using Notifications.Cli.Commands;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>
/// <c>notify articles publish</c> goes through the editors' desk's path and says what the desk says: accepted with its alert's
/// recipients, held until when, rejected with message, line and hint, a correction not mailed again, the warnings; <c>--json</c> prints
/// the outcomes; folder names below <c>articles</c> are kept, <c>--folder</c> chooses one.
/// </summary>
public sealed class ArticlesPublishCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string Md(string title, string extra = "")
        => $"---\ntitle: {title}\ntopics: [e-commerce]\npublished: 2026-11-25\nurl: https://secretariat.example/x\n{extra}---\nThe committee met.\n";

    [Fact]
    public async Task PublishSaysAcceptedAlertQueuedHeldAndCorrectionAndKeepsTheFolderBelowArticles()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        settings["Schedule:AlertGracePeriod"] = "00:00:00"; // no wait for translations: the alert is queued by the publication

        Assert.Equal(0, (await CliRun.RunAsync(settings, "subscribers", "add", "--email", "instant@customs.example", "--name", "Instant",
            "--organization", "Customs", "--frequency", "instant")).ExitCode);
        Directory.CreateDirectory(_temp.Combine("articles", "2026"));
        var ptc = _temp.Write(Path.Combine("articles", "2026", "ptc-243.en.md"), Md("PTC closes its 243rd session"));
        var held = _temp.Write(Path.Combine("articles", "2026", "later.en.md"), Md("Later", "published: 2099-12-01T09:00:00+01:00\n").Replace(
            "published: 2026-11-25\n", ""));

        var publish = await CliRun.RunAsync(settings, "articles", "publish", ptc, held);
        File.WriteAllText(ptc, Md("PTC closes its 243rd session", "summary: Corrected summary.\n"));
        var corrected = await CliRun.RunAsync(settings, "articles", "publish", ptc);

        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Equal(["2026/ptc-243.en.md: accepted - PTC closes its 243rd session; alert queued for 1 subscriber",
            "2026/later.en.md: accepted - Later; held until 2099-12-01 08:00 UTC"], publish.OutputLines);
        Assert.Equal("", publish.Error);
        Assert.Equal(["2026/ptc-243.en.md: updated - PTC closes its 243rd session; not mailed again; choose resend to mail it"], corrected.OutputLines);
    }

    [Fact]
    public async Task PublishSaysTheAlertWaitsForTranslationsAndDigestAlertsSendsItOnceTheWaitEnds()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        settings["Schedule:AlertGracePeriod"] = "00:00:02"; // the alerts-due queue's delay is real time
        Assert.Equal(0, (await CliRun.RunAsync(settings, "subscribers", "add", "--email", "instant@customs.example", "--name", "Instant",
            "--organization", "Customs", "--frequency", "instant")).ExitCode);
        var ptc = _temp.Write("ptc-243.en.md", Md("PTC closes its 243rd session"));

        var publish = await CliRun.RunAsync(settings, "articles", "publish", ptc);
        var early = await CliRun.RunAsync(settings, "digest", "alerts");
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var due = await CliRun.RunAsync(settings, "digest", "alerts");
        var again = await CliRun.RunAsync(settings, "digest", "alerts");

        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Matches(@"^ptc-243\.en\.md: accepted - PTC closes its 243rd session; alert waits for translations until \d{4}-\d\d-\d\d \d\d:\d\d UTC$",
            Assert.Single(publish.OutputLines));
        Assert.Equal(["No alert is due on the alerts-due queue."], early.OutputLines);
        Assert.True(due.ExitCode == 0, due.ToString());
        Assert.Equal("1 translation groups due: 1 alert runs planned or found planned.", due.OutputLines[0]);
        Assert.Matches(@"^instant-[0-9a-f]{16}: completed, 1 recipients, 1 batches sent now$", due.OutputLines[1]);
        Assert.Equal(["No alert is due on the alerts-due queue."], again.OutputLines);
        Assert.Single(Directory.EnumerateFiles(_temp.Combine("outbox"), "*.eml", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task PublishPrintsTheRejectionAndTheWarningsAndJsonPrintsTheOutcomes()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var bad = _temp.Write("bad.md", "---\ntitle: T\nalert: maybe\n---\nText.\n");
        var bare = _temp.Write("bare.md", "---\ntitle: Bare\n---\nText.\n");

        var publish = await CliRun.RunAsync(settings, "articles", "publish", bad, bare, "--folder", "/2026/");
        var json = await CliRun.RunAsync(settings, "articles", "publish", bare, "--folder", "2026", "--json");

        Assert.Equal(1, publish.ExitCode);
        // Its alert (to nobody here) waits Schedule:AlertGracePeriod for translations.
        Assert.Matches(@"^2026/bare\.md: accepted - Bare; alert waits for translations until [0-9: -]+ UTC$", Assert.Single(publish.OutputLines));
        Assert.Equal("error: 2026/bad.md rejected (invalid-alert, line 3): alert 'maybe' is not true or false. Write 'alert: true' or 'alert: false'.",
            publish.ErrorLines[0]);
        Assert.Contains(publish.ErrorLines, l => l.StartsWith("warning: 2026/bare.md: no-published-date", StringComparison.Ordinal));
        Assert.Equal(0, json.ExitCode);
        var outcome = Assert.Single(JsonDocument.Parse(json.Output).RootElement.EnumerateArray());
        Assert.Equal("2026/bare.md", outcome.GetProperty("blobName").GetString());
        Assert.Equal("unchanged", outcome.GetProperty("outcome").GetString());
        Assert.Contains(outcome.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "no-published-date");
    }

    [Theory]
    [InlineData("articles/2026/ptc-243.en.md", null, "2026/ptc-243.en.md")]
    [InlineData("site/articles/ptc.md", null, "ptc.md")]
    [InlineData("elsewhere/ptc.md", null, "ptc.md")]
    [InlineData("articles/2026/ptc.md", "drafts/2027", "drafts/2027/ptc.md")]
    public void TheBlobNameKeepsThePathBelowArticlesOrTakesTheFolderGiven(string path, string? folder, string expected)
        => Assert.Equal(expected, ArticlesCommands.BlobNameOf(new FileInfo(Path.Combine(_temp.Path, path)), folder));

    public void Dispose() => _temp.Dispose();
}
