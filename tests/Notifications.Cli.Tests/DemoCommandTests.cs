using Notifications.Articles;
using Notifications.Topics;
using Notifications.Local;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

public sealed class DemoCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task DemoMailsFiveSubscribersOnceAndNothingOnTheSecondRun()
    {
        var outbox = _temp.Combine("outbox");
        var settings = TestSettings.For(azurite, outbox);

        var first = await CliRun.RunAsync(settings, "demo");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Sent now: 5 messages", first.Output);
        // The newcomer's next step: the console on notify serve, and how to sign in to it.
        Assert.Contains("Console: run `notify serve --as you@secretariat.example --role editor`", first.Output);
        Assert.Contains("http://127.0.0.1:7071/api/console", first.Output);
        var runFolder = Assert.Single(Directory.GetDirectories(outbox));
        Assert.StartsWith("daily-", Path.GetFileName(runFolder));
        var emls = Directory.GetFiles(runFolder, "*.eml");
        Assert.Equal(5, emls.Length);
        Assert.Equal(5, Directory.GetFiles(runFolder, "*.html").Length);
        Assert.All(emls, eml => Assert.True(File.Exists(Path.ChangeExtension(eml, ".html")), $"{eml} has no .html twin."));

        var second = await CliRun.RunAsync(settings, "demo");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Sent now: nothing", second.Output);
        Assert.Equal(runFolder, Assert.Single(Directory.GetDirectories(outbox)));
        Assert.Equal(5, Directory.GetFiles(runFolder, "*.eml").Length);
    }

    [Fact]
    public async Task DemoMessagesAreMultipartAlternativeWithTextBeforeHtml()
    {
        var outbox = _temp.Combine("outbox");
        var run = await CliRun.RunAsync(TestSettings.For(azurite, outbox), "demo");
        Assert.True(run.ExitCode == 0, run.ToString());
        var options = Microsoft.Extensions.Options.Options.Create(new ArticleOptions());
        var topics = Microsoft.Extensions.Options.Options.Create(new TopicOptions());
        var parser = new ArticleParser(new HtmlArticleReader(), new TopicClassifier(topics), new TopicCatalog(topics.Value.Topics), options);
        var titles = DemoScenario.SampleArticles().Select(a => parser.Parse(a.Name, a.Content).Title).ToList();
        Assert.NotEmpty(titles);

        var emls = Directory.GetFiles(Assert.Single(Directory.GetDirectories(outbox)), "*.eml");
        Assert.Equal(5, emls.Length);
        foreach (var eml in emls)
        {
            var message = OutboxMail.Read(eml);
            var alternative = Assert.IsType<MimeKit.MultipartAlternative>(message.Body);
            Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
            var plain = Assert.IsType<MimeKit.TextPart>(alternative[0]);
            Assert.Equal(MimeKit.ContentEncoding.Base64, plain.ContentTransferEncoding);
            Assert.Contains(titles, plain.Text.Contains);
        }
    }

    public void Dispose() => _temp.Dispose();
}
