using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Pipeline;

namespace Notifications.Cli.Commands;

public static class ArticlesCommands
{
    /// <summary>The statuses `list --status` takes: the index's, plus "held" (accepted, waiting for its publication date).</summary>
    private static readonly string[] Statuses = ["accepted", "held", "draft", "duplicate", "rejected", "withdrawn"];

    public static Command Create(CliContext cli)
    {
        var articles = new Command("articles", "Publish and inspect articles.");
        articles.Subcommands.Add(Publish(cli));
        articles.Subcommands.Add(List(cli));
        articles.Subcommands.Add(Show(cli));
        articles.Subcommands.Add(Reingest(cli));
        return articles;
    }

    private static Command Publish(CliContext cli)
    {
        var files = new Argument<FileInfo[]>("file")
        {
            Description = "Article files: Markdown with front matter, HTML, or text copied from a web page.",
            Arity = ArgumentArity.OneOrMore
        };
        var folder = new Option<string?>("--folder")
        {
            Description = "The folder in the articles container to publish into, e.g. 2026 (default: the path below a folder named 'articles', " +
                "else none)."
        };
        var publish = new Command("publish",
            "Upload files into the articles container and ingest them, as the blob trigger would (the editors' desk's path): says whether each was " +
            "accepted, held, rejected or corrected, for how many subscribers its alert was queued, and the editorial warnings.")
            { files, folder, CliContext.JsonOption };
        publish.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var desk = services.GetRequiredService<ArticleDesk>();
            var outcomes = new List<PublicationOutcome>();
            foreach (var file in parse.GetValue(files)!)
            {
                if (!file.Exists) throw new FileNotFoundException(null, file.FullName);
                var name = ArticleBlobName.Check(BlobNameOf(file, parse.GetValue(folder)));
                outcomes.Add(await desk.PublishAsync(new ArticleDraft(name, await File.ReadAllBytesAsync(file.FullName, ct)), ct));
            }
            var rejected = outcomes.Count(o => o.Rejection is not null);
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(outcomes);
            else
                foreach (var outcome in outcomes)
                    await WriteOutcomeAsync(cli, outcome);
            return rejected == 0 ? 0 : 1;
        }));
        return publish;
    }

    /// <summary>
    /// The blob name of a file to publish: under <paramref name="folder"/> when given; else its path below the nearest folder named
    /// <c>articles</c> (<c>articles/2026/ptc-243.en.md</c> → <c>2026/ptc-243.en.md</c>); else its file name.
    /// </summary>
    public static string BlobNameOf(FileInfo file, string? folder)
    {
        if (!string.IsNullOrWhiteSpace(folder))
            return folder.Trim().Replace('\\', '/').Trim('/') + "/" + file.Name;
        for (var dir = file.Directory; dir is not null; dir = dir.Parent)
            if (dir.Name == "articles")
                return Path.GetRelativePath(dir.FullName, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
        return file.Name;
    }

    /// <summary>
    /// What publishing did, as the desk says it: one line on stdout (accepted, updated, draft, duplicate… with "held until", "alert queued
    /// for N subscribers", "not mailed again; choose resend to mail it"), or the rejection on stderr (message, line, hint); then the
    /// warnings on stderr.
    /// </summary>
    private static async Task WriteOutcomeAsync(CliContext cli, PublicationOutcome o)
    {
        if (o.Rejection is not null)
        {
            await WriteResultAsync(cli, new IngestResult(o.BlobName, o.Outcome, o.Article));
            return;
        }
        var facts = new List<string>();
        if (o.HeldUntil is { } held)
            facts.Add($"held until {held.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC");
        if (o.Correction)
            facts.Add(o.MailedAgain ? "correction mailed again" : "not mailed again; choose resend to mail it");
        if (o.AlertRecipients is { } n and > 0)
            facts.Add($"alert queued for {n} subscriber{(n == 1 ? "" : "s")}");
        if (o.AlertWaitsUntil is { } waits)
            facts.Add("alert waits for translations until " +
                $"{waits.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC");
        var detail = o.Outcome switch
        {
            IngestOutcome.Duplicate => $" - same content as {o.Article?.DuplicateOf}; not sent again",
            IngestOutcome.Draft => $" - {o.Article?.Title} (draft: not sent)",
            IngestOutcome.Withdrawn => " - the file was deleted; withdrawn: no digest or alert not yet sent will carry it",
            IngestOutcome.Missing => " - no such file",
            _ => $" - {o.Article?.Title}",
        };
        var said = facts.Count > 0 ? "; " + string.Join("; ", facts) : "";
        await cli.Out.WriteLineAsync($"{o.BlobName}: {o.Outcome.ToString().ToLowerInvariant()}{detail}{said}");
        foreach (var w in o.Warnings)
            await cli.Error.WriteLineAsync($"warning: {o.BlobName}: {Describe(w)}");
    }

    private static Command List(CliContext cli)
    {
        var status = new Option<string?>("--status") { Description = "Only articles with this status: " + string.Join(", ", Statuses) + "." };
        status.AcceptOnlyFromAmong(Statuses);
        var list = new Command("list", "List the article index.") { status, CliContext.JsonOption };
        list.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var wanted = parse.GetValue(status);
            var all = (await services.GetRequiredService<ArticleIndex>().ListAsync(ct: ct))
                .Where(a => wanted is null || StatusOf(a, now) == wanted)
                .OrderBy(a => a.BlobName, StringComparer.Ordinal).ToList();
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(all.Select(a => ToJson(a, now)));
            else
                foreach (var a in all)
                    await cli.Out.WriteLineAsync($"{StatusOf(a, now),-9} {a.BlobName}  {(a.Rejection is { } r ? r.Code + ": " + r.Message : a.Title)}");
            return 0;
        }));
        return list;
    }

    private static Command Show(CliContext cli)
    {
        var name = new Argument<string>("name") { Description = "The blob name in the articles container." };
        var show = new Command("show", "Show one article as the index knows it, with its session metadata and translations.") { name, CliContext.JsonOption };
        show.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var index = services.GetRequiredService<ArticleIndex>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var found = await index.GetAsync(parse.GetValue(name)!, ct)
                ?? throw new ArgumentException($"No article named '{parse.GetValue(name)}' in the index; `notify articles list` shows what there is.");
            var a = found.Article;
            var translations = a.TranslationKey is null ? [] : (await index.ListAsync(ct: ct))
                .Where(o => o.TranslationKey == a.TranslationKey && o.BlobName != a.BlobName).Select(o => $"{o.BlobName} ({o.Language})").ToList();
            if (parse.GetValue(CliContext.JsonOption))
            {
                await cli.WriteJsonAsync(new { article = ToJson(a, now), translations });
                return 0;
            }
            var s = a.SessionOrNone;
            foreach (var (label, value) in new (string, object?)[]
            {
                ("name", a.BlobName), ("status", StatusOf(a, now)), ("title", a.Title), ("summary", a.Summary), ("language", a.Language),
                ("topics", string.Join(", ", a.Topics)), ("format", a.Format.ToString().ToLowerInvariant()), ("published", a.Published?.ToString("yyyy-MM-dd")),
                ("accepted at", a.AcceptedAt?.ToString("u")), ("in digests from", a.AvailableAt?.ToString("u")), ("url", a.Url),
                ("organization", Join(s.Organization, s.OrganizationAbbreviation)), ("committee", Join(s.Committee, s.CommitteeAbbreviation)),
                ("sessions", s.Sessions.Count > 0 ? string.Join("/", s.Sessions) : null),
                ("dates", s.StartDate is { } start ? start == s.EndDate ? $"{start:yyyy-MM-dd}" : $"{start:yyyy-MM-dd} to {s.EndDate:yyyy-MM-dd}" : null),
                ("place", s.Place),
                ("participation", s.Participation switch
                {
                    Participation.Unknown => null,
                    Participation.InPerson => "in person",
                    var p => p.ToString().ToLowerInvariant()
                }),
                ("duplicate of", a.DuplicateOf), ("translations", translations.Count > 0 ? string.Join(", ", translations) : null),
                ("rejected", a.Rejection is { } r ? $"{r.Code}{(r.Line is { } l ? $" (line {l})" : "")}: {r.Message} {r.Hint}" : null),
            })
                if (value is not null and not "")
                    await cli.Out.WriteLineAsync($"{label + ":",-17}{value}");
            foreach (var w in a.WarningList)
                await cli.Out.WriteLineAsync($"{"warning:",-17}{Describe(w)}");
            return 0;
        }));
        return show;
    }

    private static Command Reingest(CliContext cli)
    {
        var all = new Option<bool>("--all") { Description = "Process every blob again, not only those the index does not know (unchanged ones are no-ops)." };
        var reingest = new Command(
            "reingest",
            "Process the blobs in the articles container that the index does not know yet, as the trigger would; withdraw articles whose file was deleted.")
        { all };
        reingest.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var results = await services.GetRequiredService<ArticleIngestor>().ReingestAsync(parse.GetValue(all), ct);
            var published = services.GetRequiredService<ArticlePublished>();
            var rejected = 0;
            foreach (var result in results)
            {
                await published.AlertAsync(result, ct);
                if (await WriteResultAsync(cli, result)) rejected++;
            }
            await cli.Out.WriteLineAsync(results.Count == 0
                ? "Nothing to reingest: the index knows every file."
                : $"{results.Count} processed: " + string.Join(", ",
                    results.GroupBy(r => r.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));
            return rejected == 0 ? 0 : 1;
        }));
        return reingest;
    }

    /// <summary>
    /// One line per ingested file, then a line per warning (on stderr, like rejections); true when it was rejected (printed on stderr),
    /// now or before: the same rejected file again is still rejected, with the same reason (the editor is not mailed again).
    /// </summary>
    private static async Task<bool> WriteResultAsync(CliContext cli, IngestResult result)
    {
        if (result.Article is { Rejection: { } r } && (result.Outcome == IngestOutcome.Rejected
                                                      || (result.Outcome == IngestOutcome.Unchanged && result.Article.Status == ArticleStatus.Rejected)))
        {
            var still = result.Outcome == IngestOutcome.Unchanged ? "still rejected, unchanged since" : "rejected";
            await cli.Error.WriteLineAsync($"error: {result.BlobName} {still} ({r.Code}{(r.Line is { } l ? $", line {l}" : "")}): {r.Message} {r.Hint}");
            return true;
        }
        var detail = result.Outcome switch
        {
            IngestOutcome.Duplicate => $" - same content as {result.Article?.DuplicateOf}; not sent again",
            IngestOutcome.Draft => $" - {result.Article?.Title} (draft: not sent)",
            IngestOutcome.Withdrawn => " - the file was deleted; withdrawn: no digest or alert not yet sent will carry it",
            IngestOutcome.Missing => " - no such file",
            _ => $" - {result.Article?.Title}",
        };
        await cli.Out.WriteLineAsync($"{result.BlobName}: {result.Outcome.ToString().ToLowerInvariant()}{detail}");
        foreach (var w in result.Warnings)
            await cli.Error.WriteLineAsync($"warning: {result.BlobName}: {Describe(w)}");
        return false;
    }

    private static string Describe(ArticleWarning w) => $"{w.Code}{(w.Line is { } l ? $" (line {l})" : "")}: {w.Message} {w.Hint}";

    private static string StatusOf(IndexedArticle a, DateTimeOffset now)
        => a.Status == ArticleStatus.Accepted && a.AvailableAt > now ? "held" : a.Status.ToString().ToLowerInvariant();

    private static string? Join(string? name, string? abbreviation)
        => (name, abbreviation) switch { (null, null) => null, (null, _) => abbreviation, (_, null) => name, _ => $"{name} ({abbreviation})" };

    private static object ToJson(IndexedArticle a, DateTimeOffset now) => new
    {
        name = a.BlobName, status = StatusOf(a, now), title = a.Title, summary = a.Summary, language = a.Language, topics = a.Topics,
        format = a.Format, published = a.Published, acceptedAt = a.AcceptedAt, availableAt = a.AvailableAt, url = a.Url,
        session = a.Session, translationKey = a.TranslationKey, duplicateOf = a.DuplicateOf, rejection = a.Rejection, warnings = a.WarningList,
    };
}
