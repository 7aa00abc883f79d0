using System.Text;
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
            var text = File.ReadAllText(eml);
            var (headers, body) = SplitHeaders(text);
            var contentType = HeaderValue(headers, "Content-Type");
            Assert.StartsWith("multipart/alternative;", contentType);
            var boundary = Boundary(contentType);

            var parts = Parts(body, boundary);
            Assert.Equal(2, parts.Count);
            var types = parts.Select(p => HeaderValue(p.Headers, "Content-Type").Split(';')[0].Trim()).ToList();
            Assert.Equal(["text/plain", "text/html"], types);
            Assert.True(text.IndexOf("Content-Type: text/plain", StringComparison.Ordinal) < text.IndexOf("Content-Type: text/html", StringComparison.Ordinal));

            Assert.Equal("base64", HeaderValue(parts[0].Headers, "Content-Transfer-Encoding"));
            var plain = Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(parts[0].Body.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries))));
            Assert.Contains(titles, plain.Contains);
        }
    }

    private static (string Headers, string Body) SplitHeaders(string entity)
    {
        var end = entity.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, "No blank line between headers and body.");
        return (entity[..end], entity[(end + 4)..]);
    }

    private static string HeaderValue(string headers, string name)
    {
        var line = headers.Split("\r\n").SingleOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));
        Assert.True(line is not null, $"No {name} header in:\n{headers}");
        return line[(name.Length + 1)..].Trim();
    }

    private static string Boundary(string contentType)
    {
        const string key = "boundary=";
        var value = contentType[(contentType.IndexOf(key, StringComparison.OrdinalIgnoreCase) + key.Length)..].Split(';')[0].Trim();
        return value.Trim('"');
    }

    private static List<(string Headers, string Body)> Parts(string body, string boundary)
    {
        var delimiter = "--" + boundary;
        var close = body.IndexOf(delimiter + "--", StringComparison.Ordinal);
        Assert.True(close >= 0, "The multipart body is never closed.");
        return body[..close].Split(delimiter + "\r\n", StringSplitOptions.None)
            .Skip(1) // the preamble
            .Select(SplitHeaders)
            .ToList();
    }

    public void Dispose() => _temp.Dispose();
}
