using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Topics;
using Notifications.Mail;
using Notifications.Web;

namespace Notifications.Cli.Commands;

/// <summary>
/// <c>notify digest preview</c> and <c>notify digest send-test</c>: a digest as subscribers would get it, rendered from the
/// articles of the last 7 days in the index (or, when there are none, from built-in sample articles with session metadata),
/// with the current templates (template overrides are checked first, at once).
/// </summary>
public static class DigestPreviewCommands
{
    /// <summary>Whose links previews and test messages carry: a subscriber that does not exist, so the links open a harmless "not found".</summary>
    private const string SampleId = DigestSamples.SampleId;

    public static Command Preview(CliContext cli)
    {
        var (frequency, lang, topics) = ContentOptions();
        var output = new Option<string>("--out") { Description = "The folder to write into (created if needed).", DefaultValueFactory = _ => "digest-preview" };
        var screenshot = new Option<bool>("--screenshot")
        { Description = $"Also write digest-1000.png and digest-390.png: the HTML in headless Chromium ({DigestScreenshots.Chromium}) at those widths." };
        var preview = new Command("preview",
            "Write digest.html, digest.txt and subject.txt of a digest as a sample recipient would get it (nothing is sent).")
            { frequency, lang, topics, output, screenshot, CliContext.JsonOption };
        preview.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            if (parse.GetValue(screenshot)) DigestScreenshots.RequireChromium();
            var digest = await RenderAsync(services, parse.GetValue(frequency)!, parse.GetValue(lang)!, parse.GetValue(topics), ct);
            var links = services.GetRequiredService<SubscriptionLinks>();
            var recipient = DigestSamples.Recipient(digest.Language, "recipient@example.org", links.Unsubscribe(SampleId), links.Preferences(SampleId));
            var keys = digest.Content.Placeholders ?? MailPlaceholders.Legacy;
            var html = keys.Apply(digest.Content.Html, recipient);
            var text = keys.Apply(digest.Content.Text, recipient);

            var folder = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(folder);
            var files = new List<string> { Path.Combine(folder, "digest.html"), Path.Combine(folder, "digest.txt"), Path.Combine(folder, "subject.txt") };
            await File.WriteAllTextAsync(files[0], html, ct);
            await File.WriteAllTextAsync(files[1], text, ct);
            await File.WriteAllTextAsync(files[2], digest.Content.Subject + "\n", ct);
            var screenshots = parse.GetValue(screenshot)
                ? await DigestScreenshots.TakeAsync(html, folder, DigestScreenshots.Widths, ct)
                : [];

            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(new
                {
                    frequency = digest.Period.Frequency, language = digest.Language, subject = digest.Content.Subject,
                    articles = digest.Articles, source = digest.FromSamples ? "samples" : "index",
                    files, screenshots, overrides = digest.Overrides,
                });
            else
            {
                await WriteSummaryAsync(cli, digest);
                await cli.Out.WriteLineAsync("Wrote " + string.Join(", ", files));
                foreach (var png in screenshots)
                    await cli.Out.WriteLineAsync($"Screenshot: {png} ({new FileInfo(png).Length / 1024} KiB)");
            }
            return 0;
        }));
        return preview;
    }

    public static Command SendTest(CliContext cli)
    {
        var (frequency, lang, topics) = ContentOptions();
        var to = new Option<string>("--to") { Description = "Where to send the test message, e.g. you@example.org.", Required = true };
        var sendTest = new Command("send-test",
            "Send one real message of a digest to --to, through the configured delivery (the outbox locally, SendGrid when deployed), " +
            "with a sample recipient's links. No subscriber and no run is involved.")
            { to, frequency, lang, topics, CliContext.JsonOption };
        sendTest.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var address = EmailAddress.Normalize(parse.GetValue(to));
            var digest = await RenderAsync(services, parse.GetValue(frequency)!, parse.GetValue(lang)!, parse.GetValue(topics), ct);
            var links = services.GetRequiredService<SubscriptionLinks>();
            var sample = DigestSamples.Recipient(digest.Language, address, links.Unsubscribe(SampleId), links.Preferences(SampleId));
            var runId = "send-test-" + services.GetRequiredService<TimeProvider>().GetUtcNow()
                .ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
            var transport = services.GetRequiredService<IMailTransport>();
            var messageId = await transport.SendAsync(
                new MailBatch(
                    runId, "1", "send-test", digest.Content,
                    [sample with { SubscriberId = services.GetRequiredService<SubscriberIds>().Of(address) }]),
                ct);

            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(new
                {
                    to = address, frequency = digest.Period.Frequency, language = digest.Language, subject = digest.Content.Subject,
                    articles = digest.Articles, source = digest.FromSamples ? "samples" : "index", messageId, overrides = digest.Overrides,
                    outbox = transport is OutboxTransport outbox ? Path.Combine(outbox.OutboxPath, runId) : null,
                });
            else
            {
                await WriteSummaryAsync(cli, digest);
                await cli.Out.WriteLineAsync($"Sent to {address}: {messageId}" +
                    (transport is OutboxTransport o ? $" (written to {Path.Combine(o.OutboxPath, runId)})" : ""));
            }
            return 0;
        }));
        return sendTest;
    }

    private static (Option<string> Frequency, Option<string> Language, Option<string?> Topics) ContentOptions()
    {
        var frequency = new Option<string>("--frequency") { Description = "daily or weekly (default daily).", DefaultValueFactory = _ => "daily" };
        frequency.AcceptOnlyFromAmong("daily", "weekly");
        var lang = new Option<string>("--lang") { Description = "en, ru or fr (default en).", DefaultValueFactory = _ => "en" };
        lang.AcceptOnlyFromAmong([.. DigestLocale.Languages]);
        var topics = new Option<string?>("--topics") { Description = "Only reports on these topics, comma-separated, e.g. \"e-commerce,data model\"." };
        return (frequency, lang, topics);
    }

    private sealed record PreviewDigest(DigestPeriod Period, string Language, MailContent Content, int Articles, bool FromSamples,
        TemplateOverridesReport Report)
    {
        public object Overrides => new
        {
            inUse = Report.InUse.Select(t => t.Name).ToList(),
            rejected = Report.Rejected.Select(t => new { name = t.Name, report = t.ReportName, problem = t.Problems.FirstOrDefault()?.Message }).ToList(),
        };
    }

    /// <summary>
    /// The digest of the period containing now for one language and topic set: the articles of the last 7 days (each
    /// translation group once, in the language when it exists), else the samples. Overrides are checked first.
    /// </summary>
    private static async Task<PreviewDigest> RenderAsync(IServiceProvider services, string frequencyName, string language, string? topicList,
        CancellationToken ct)
    {
        var report = await services.GetRequiredService<DigestTemplateOverrides>().RefreshAsync(ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var period = DigestPeriod.For(DigestPeriod.ParseFrequency(frequencyName), now);
        var catalog = services.GetRequiredService<TopicCatalog>();
        var topics = (topicList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => catalog.Resolve(t) ?? t);
        var variant = DigestVariant.Of(language, topics);

        var window = await services.GetRequiredService<ArticleIndex>().ListAvailableAsync(now - TimeSpan.FromDays(7), now, ct);
        var articles = variant.Select(window);
        var fromSamples = articles.Count == 0;
        if (fromSamples)
        {
            articles = variant.Select(DigestSamples.Articles);
            if (articles.Count == 0) articles = DigestVariant.Of(language, []).Select(DigestSamples.Articles);
        }

        var viewUrl = $"{services.GetRequiredService<SubscriptionLinks>().BaseUrl}/api/digests/{period.RunId}/{language}";
        var content = services.GetRequiredService<DigestRenderer>().Render(period, articles, language, viewUrl);
        return new PreviewDigest(period, language, content, articles.Count, fromSamples, report);
    }

    private static async Task WriteSummaryAsync(CliContext cli, PreviewDigest digest)
    {
        var kind = digest.Period.Frequency.ToString().ToLowerInvariant();
        await cli.Out.WriteLineAsync($"The {kind} digest in {digest.Language}: {digest.Articles} article{(digest.Articles == 1 ? "" : "s")} " +
            (digest.FromSamples ? "from the built-in samples (the index has none from the last 7 days)." : "from the index (the last 7 days)."));
        await cli.Out.WriteLineAsync("Subject: " + digest.Content.Subject);
        if (digest.Report.InUse.Any())
            await cli.Out.WriteLineAsync("Template overrides in use: " + string.Join(", ", digest.Report.InUse.Select(t => t.Name)));
        foreach (var rejected in digest.Report.Rejected)
            await cli.Error.WriteLineAsync($"warning: template override {rejected.Name} is rejected ({rejected.Problems.FirstOrDefault()?.Message}); " +
                $"the built-in template is used. See {rejected.ReportName} in the templates container.");
    }
}
