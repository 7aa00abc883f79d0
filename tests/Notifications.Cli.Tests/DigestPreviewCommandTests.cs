using System.Text.Json;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>`notify digest preview` and `notify digest send-test`, on Azurite and the outbox.</summary>
public sealed class DigestPreviewCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task PreviewWritesHtmlTextAndSubjectFromTheSamplesWhenTheIndexHasNothing()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var folder = _temp.Combine("preview-ru");

        var run = await CliRun.RunAsync(settings, "digest", "preview", "--frequency", "weekly", "--lang", "ru", "--out", folder, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using (var json = JsonDocument.Parse(run.Output))
        {
            Assert.Equal("samples", json.RootElement.GetProperty("source").GetString());
            Assert.Equal(3, json.RootElement.GetProperty("articles").GetInt32());
            Assert.Equal(3, json.RootElement.GetProperty("files").GetArrayLength());
            Assert.Equal(0, json.RootElement.GetProperty("screenshots").GetArrayLength());
        }
        var html = await File.ReadAllTextAsync(Path.Combine(folder, "digest.html"), TestContext.Current.CancellationToken);
        var text = await File.ReadAllTextAsync(Path.Combine(folder, "digest.txt"), TestContext.Current.CancellationToken);
        var subject = await File.ReadAllTextAsync(Path.Combine(folder, "subject.txt"), TestContext.Current.CancellationToken);
        Assert.StartsWith("Постоянный технический комитет завершил 239-ю и 240-ю сессии — и ещё 2 отчёта", subject);
        Assert.Contains("<html lang=\"ru\"", html);
        // The placeholders are filled with a sample recipient and working-looking links.
        Assert.Contains("Здравствуйте, Дильноза Каримова!", html);
        Assert.Contains("Здравствуйте, Дильноза Каримова!", text);
        Assert.DoesNotContain("%recipient_name", html + text);
        Assert.DoesNotContain("%unsubscribe_url", html + text);
        Assert.Contains("/api/unsubscribe?token=", html);
        Assert.Contains("ПТК 239-я/240-я сессии · 25–27 апреля 2023 · Брюссель и онлайн", text);
        Assert.Contains("(на английском языке)", text);
        Assert.Contains("/api/digests/weekly-", html);
    }

    [Fact]
    public async Task PreviewShowsTheArticlesOfTheIndexInTheirLanguageAndTopics()
    {
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var file = _temp.Write("workshop.md", """
            ---
            title: Regional workshop on customs laboratories held in Almaty
            summary: Laboratory experts compared methods & equipment.
            topics: [green customs]
            news: true
            ---
            The workshop was held from 30 September to 2 October 2026 in Almaty.
            """);
        var publish = await CliRun.RunAsync(settings, "articles", "publish", file);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        var folder = _temp.Combine("preview-fr");

        var run = await CliRun.RunAsync(settings, "digest", "preview", "--lang", "fr", "--out", folder);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 article from the index", run.Output);
        var text = await File.ReadAllTextAsync(Path.Combine(folder, "digest.txt"), TestContext.Current.CancellationToken);
        Assert.Contains("Regional workshop on customs laboratories held in Almaty (en anglais)", text);
        Assert.Contains("1 nouveau rapport depuis la dernière synthèse.", text);
        Assert.Contains("Douane verte", text);

        // A topic nobody wrote about: the samples on that topic instead.
        var other = await CliRun.RunAsync(
            settings, "digest", "preview", "--lang", "en", "--topics", "non-intrusive inspection", "--out", _temp.Combine("nii"), "--json");
        Assert.True(other.ExitCode == 0, other.ToString());
        using var json = JsonDocument.Parse(other.Output);
        Assert.Equal("samples", json.RootElement.GetProperty("source").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("articles").GetInt32());
    }

    [Fact]
    public async Task PreviewWithScreenshotWritesAPngPerWidth()
    {
        BrowserRequirement.RequireChromium();
        var settings = TestSettings.For(azurite, _temp.Combine("outbox"));
        var folder = _temp.Combine("shots");

        var run = await CliRun.RunAsync(settings, "digest", "preview", "--lang", "en", "--out", folder, "--screenshot");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var width in new[] { 1000, 390 })
        {
            var png = Path.Combine(folder, $"digest-{width}.png");
            Assert.True(File.Exists(png), run.ToString());
            var bytes = await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            // The IHDR width is the viewport's.
            Assert.Equal(width, (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19]);
        }
    }

    [Fact]
    public async Task SendTestPutsOneMessageInTheOutbox()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);

        var run = await CliRun.RunAsync(settings, "digest", "send-test", "--to", "You@Example.org", "--lang", "fr");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Sent to you@example.org", run.Output);
        var eml = Assert.Single(Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories));
        var message = OutboxMail.Read(eml);
        Assert.Equal(("Anne Dupont", "you@example.org"), message.Recipient());
        Assert.StartsWith("<", message.Headers["List-Unsubscribe"]);
        var html = message.HtmlBody;
        Assert.Contains("Bonjour Anne Dupont,", html);
        Assert.Contains("/api/preferences?token=", html);
        Assert.Contains("Se désabonner", html);
    }

    [Fact]
    public async Task SendTestToSomethingThatIsNotAnAddressFailsAndSendsNothing()
    {
        var outbox = _temp.Combine("outbox");
        var run = await CliRun.RunAsync(TestSettings.For(azurite, outbox), "digest", "send-test", "--to", "not-an-address");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: email", Assert.Single(run.ErrorLines));
        Assert.False(Directory.Exists(outbox) && Directory.GetFiles(outbox, "*.eml", SearchOption.AllDirectories).Length > 0);
    }

    [Fact]
    public async Task PreviewInAnUnsupportedLanguageFails()
    {
        var run = await CliRun.RunAsync(TestSettings.For(azurite, _temp.Combine("outbox")), "digest", "preview", "--lang", "de", "--out", _temp.Combine("de"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("de", run.Error);
        Assert.False(File.Exists(_temp.Combine("de", "digest.html")));
    }

    public void Dispose() => _temp.Dispose();
}
