using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;

namespace Notifications.Cli.Commands;

public static class ArticlesCommands
{
    public static Command Create(CliContext cli)
    {
        var articles = new Command("articles", "Publish and inspect articles.");

        var files = new Argument<FileInfo[]>("file") { Description = "Markdown files with front matter.", Arity = ArgumentArity.OneOrMore };
        var publish = new Command("publish", "Upload files into the articles container and ingest them, as the blob trigger would.") { files };
        publish.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var publisher = services.GetRequiredService<ArticlePublisher>();
            var ingestor = services.GetRequiredService<ArticleIngestor>();
            var rejected = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                if (!file.Exists) throw new FileNotFoundException(null, file.FullName);
                await using (var stream = file.OpenRead())
                    await publisher.PublishAsync(file.Name, stream, ct);
                var result = await ingestor.IngestAsync(file.Name, ct);
                if (result.Article?.Rejection is { } r)
                {
                    rejected++;
                    await cli.Error.WriteLineAsync($"error: {file.Name} rejected ({r.Code}{(r.Line is { } l ? $", line {l}" : "")}): {r.Message} {r.Hint}");
                }
                else
                    await cli.Out.WriteLineAsync($"{file.Name}: {result.Outcome.ToString().ToLowerInvariant()} - {result.Article?.Title}");
            }
            return rejected == 0 ? 0 : 1;
        }));

        var list = new Command("list", "List the article index.") { CliContext.JsonOption };
        list.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var all = (await services.GetRequiredService<ArticleIndex>().ListAsync(ct: ct)).OrderBy(a => a.BlobName, StringComparer.Ordinal).ToList();
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(all.Select(a => new
                {
                    name = a.BlobName, status = a.Status, title = a.Title, language = a.Language, topics = a.Topics,
                    published = a.Published, acceptedAt = a.AcceptedAt, rejection = a.Rejection,
                }));
            else
                foreach (var a in all)
                    await cli.Out.WriteLineAsync($"{a.Status.ToString().ToLowerInvariant(),-8} {a.BlobName}  {(a.Rejection is { } r ? r.Code + ": " + r.Message : a.Title)}");
            return 0;
        }));

        articles.Subcommands.Add(publish);
        articles.Subcommands.Add(list);
        return articles;
    }
}
