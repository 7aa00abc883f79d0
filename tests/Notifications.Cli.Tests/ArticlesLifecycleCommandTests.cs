using System.Text.Json;
using Azure.Storage.Blobs;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

public sealed class ArticlesLifecycleCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    private const string PastedPage = """
        Home / News / Contact

        The 239th/240th sessions of the Permanent Technical Committee (PTC) were held from 25 to 27 April 2023 in Brussels with online participation

        Delegates of the World Customs Organization (WCO) discussed e-commerce and the data model.

        Secretariat of the Committee
        """;

    [Fact]
    public async Task ListFiltersByStatusAndCarriesTheRejectionReason()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var files = new[]
        {
            _temp.Write("good.md", "---\ntitle: A good report\n---\nBody.\n"),
            _temp.Write("draft.md", "---\ntitle: Not yet\ndraft: true\n---\nBody.\n"),
            _temp.Write("bad.md", "---\nsummary: no title\n---\nBody.\n"),
        };
        var publish = await CliRun.RunAsync(settings, ["articles", "publish", .. files]);
        Assert.Equal(1, publish.ExitCode);

        var rejected = await CliRun.RunAsync(settings, "articles", "list", "--status", "rejected", "--json");
        var drafts = await CliRun.RunAsync(settings, "articles", "list", "--status", "draft");
        var bogus = await CliRun.RunAsync(settings, "articles", "list", "--status", "lost");

        var only = Assert.Single(JsonDocument.Parse(rejected.Output).RootElement.EnumerateArray());
        Assert.Equal("bad.md", only.GetProperty("name").GetString());
        Assert.Equal("missing-title", only.GetProperty("rejection").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(only.GetProperty("rejection").GetProperty("hint").GetString()));
        Assert.Equal("draft     draft.md  Not yet", Assert.Single(drafts.OutputLines));
        Assert.NotEqual(0, bogus.ExitCode);
        Assert.Contains("lost", bogus.Error);
    }

    [Fact]
    public async Task ShowPrintsSessionMetadataAndTranslations()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var pasted = _temp.Write("ptc-239.txt", PastedPage);
        var russian = _temp.Write("ptc-239.ru.md", "---\ntitle: 239-я/240-я сессии ПТК\nslug: ptc-239\n---\nТекст.\n");
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish", pasted, russian)).ExitCode);

        var show = await CliRun.RunAsync(settings, "articles", "show", "ptc-239.txt");
        var json = await CliRun.RunAsync(settings, "articles", "show", "ptc-239.txt", "--json");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("format:          text", show.OutputLines);
        Assert.Contains("committee:       Permanent Technical Committee (PTC)", show.OutputLines);
        Assert.Contains("sessions:        239/240", show.OutputLines);
        Assert.Contains("dates:           2023-04-25 to 2023-04-27", show.OutputLines);
        Assert.Contains("place:           Brussels", show.OutputLines);
        Assert.Contains("participation:   hybrid", show.OutputLines);
        Assert.Contains("translations:    ptc-239.ru.md (ru)", show.OutputLines);
        var session = JsonDocument.Parse(json.Output).RootElement.GetProperty("article").GetProperty("session");
        Assert.Equal([239, 240], session.GetProperty("sessions").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("2023-04-25", session.GetProperty("startDate").GetString());
    }

    [Fact]
    public async Task ShowOfAnUnknownArticleIsOneErrorLine()
    {
        var show = await CliRun.RunAsync(TestSettings.For(azurite, _temp.Combine("outbox")), "articles", "show", "nothing.md");

        Assert.Equal(1, show.ExitCode);
        Assert.StartsWith("error: No article named 'nothing.md'", Assert.Single(show.ErrorLines));
    }

    [Fact]
    public async Task ReingestProcessesFilesTheTriggerMissed()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var container = new BlobContainerClient(azurite.ConnectionString, settings["Storage:ArticlesContainer"]);
        await container.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await container.UploadBlobAsync("missed.html", BinaryData.FromString(
            "<html><head><title>x</title></head><body><main><h1>Enforcement Committee meets in Baku</h1><p>It met on 3 March " +
                "2026.</p><script>x()</script></main></body></html>"),
            TestContext.Current.CancellationToken);

        var first = await CliRun.RunAsync(settings, "articles", "reingest");
        var second = await CliRun.RunAsync(settings, "articles", "reingest");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("missed.html: accepted - Enforcement Committee meets in Baku", first.OutputLines);
        Assert.Equal("1 processed: 1 accepted", first.OutputLines[^1]);
        Assert.Equal("Nothing to reingest: the index knows every file.", Assert.Single(second.OutputLines));
    }

    [Fact]
    public async Task AlertOfADeletedArticleIsNotDeliveredAndDeliverSaysWhy()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);
        settings["Schedule:AlertGracePeriod"] = "00:00:00"; // the alert is queued at once, then its article withdrawn
        Assert.Equal(0, (await CliRun.RunAsync(settings, "subscribers", "add", "--email", "instant@customs.example", "--name", "Instant",
            "--organization", "Org", "--frequency", "instant")).ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync(settings, "articles", "publish",
            _temp.Write("oops.md", "---\ntitle: A report published by mistake\n---\nBody.\n"))).ExitCode);
        var container = new BlobContainerClient(azurite.ConnectionString, settings["Storage:ArticlesContainer"]);
        await container.DeleteBlobAsync("oops.md", cancellationToken: TestContext.Current.CancellationToken);

        var reingest = await CliRun.RunAsync(settings, "articles", "reingest");
        var deliver = await CliRun.RunAsync(settings, "deliver");
        var runId = deliver.OutputLines.Select(l => System.Text.RegularExpressions.Regex.Match(l, "of run (instant-[0-9a-f]{16})"))
            .Single(m => m.Success).Groups[1].Value;
        var status = await CliRun.RunAsync(settings, "digest", "status", runId);

        Assert.True(reingest.ExitCode == 0, reingest.ToString());
        Assert.Contains("oops.md: withdrawn - the file was deleted; withdrawn: no digest or alert not yet sent will carry it", reingest.OutputLines);
        Assert.True(deliver.ExitCode == 0, deliver.ToString());
        Assert.Equal(["1 queued batches handled: 1 cancelled.",
                $"Batch b00000 of run {runId} cancelled, not sent: its article oops.md was withdrawn before it was sent."],
            deliver.OutputLines);
        Assert.False(Directory.Exists(Path.Combine(outbox, runId)) && Directory.EnumerateFiles(Path.Combine(outbox, runId), "*.eml").Any());
        Assert.Contains($"Run {runId}: completed", status.Output);
        Assert.Contains("1 batches cancelled: never sent, an article they carried was withdrawn.", status.OutputLines);
        Assert.Contains("  batch b00000 (1 recipients): cancelled - not sent: its article oops.md was withdrawn before it was sent", status.OutputLines);
    }

    [Fact]
    public async Task RepublishingAnUnchangedRejectedFileReportsTheRejectionAgain()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);
        settings["Articles:EditorsEmail"] = "editors@secretariat.example";
        var bad = _temp.Write("bad.md", "---\nsummary: no title\n---\nBody.\n");

        var first = await CliRun.RunAsync(settings, "articles", "publish", bad);
        var again = await CliRun.RunAsync(settings, "articles", "publish", bad);
        var reingest = await CliRun.RunAsync(settings, "articles", "reingest", "--all");

        Assert.Equal(1, first.ExitCode);
        Assert.Equal(1, again.ExitCode);
        var line = Assert.Single(again.ErrorLines);
        Assert.StartsWith("error: bad.md still rejected, unchanged since (missing-title", line, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(first.ErrorLines)[(Assert.Single(first.ErrorLines).IndexOf("):", StringComparison.Ordinal))..], line,
            StringComparison.Ordinal);
        Assert.Equal(1, reingest.ExitCode);
        Assert.StartsWith("error: bad.md still rejected", Assert.Single(reingest.ErrorLines), StringComparison.Ordinal);
        // The editor was told once.
        Assert.Single(Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories));
    }

    public void Dispose() => _temp.Dispose();
}
