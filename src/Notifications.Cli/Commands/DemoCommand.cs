using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Articles;
using Notifications.Local;

namespace Notifications.Cli.Commands;

public static class DemoCommand
{
    /// <summary>Where the demo points a newcomer next: the secretariat console on <c>notify serve</c>, and how to sign in to it.</summary>
    public const string ConsoleLine = "Console: run `notify serve --as you@secretariat.example --role editor` " +
        "(add --role admin for the dashboard, subscribers, import, runs and templates), " +
        "then open http://127.0.0.1:7071/api/console (signed in as that user; loopback only).";

    public static Command Create(CliContext cli)
    {
        var command = new Command("demo",
            "Run the pipeline on local defaults: start Azurite if needed, seed subscribers and sample articles, run today's daily digest into the outbox.");
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var report = await services.GetRequiredService<DemoScenario>().RunAsync(ct);
            var d = report.Digest;
            await cli.Out.WriteLineAsync($"Subscribers: {report.Subscribers} seeded (active, daily).");
            foreach (var a in report.Articles)
                await cli.Out.WriteLineAsync($"Article {a.BlobName}: " +
                    $"{a.Outcome.ToString().ToLowerInvariant()}{(a.Article is { Status: ArticleStatus.Accepted } x ? " - " + x.Title : "")}");
            await cli.Out.WriteLineAsync($"Digest run {d.RunId} ({d.Status.ToString().ToLowerInvariant()}): {d.Articles} articles, " +
                $"{d.PlannedRecipients} recipients in {d.Batches} {(d.Batches == 1 ? "batch" : "batches")}.");
            await cli.Out.WriteLineAsync(d.BatchesSentNow > 0
                ? $"Sent now: {d.RecipientsSentNow} messages in {d.BatchesSentNow} {(d.BatchesSentNow == 1 ? "batch" : "batches")}."
                : "Sent now: nothing (this run was already sent; the ledger keeps anyone from being mailed twice).");
            await cli.Out.WriteLineAsync($"Outbox: {report.OutboxFolder} ({report.MessagesInOutbox} .eml files, each with its .html).");
            await cli.Out.WriteLineAsync(ConsoleLine);
            return d.BatchesFailed + d.BatchesUncertain == 0 ? 0 : 1;
        }, commandSettings: new Dictionary<string, string?> { ["Delivery:Mode"] = "Outbox" }, startStorage: true));
        return command;
    }
}
