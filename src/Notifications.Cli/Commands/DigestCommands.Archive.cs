using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Pipeline;

namespace Notifications.Cli.Commands;

/// <summary>The runs archive's CLI twin: <c>digest status --since</c>, <c>digest cancel</c>, and <c>--yes</c> for a run far from now.</summary>
public static partial class DigestCommands
{
    private const int ArchivePageSize = 50;

    private static readonly Option<bool> FarFromNowYes = new("--yes")
    {
        Description = "Run even when --at is far from now (Schedule:ConfirmRunsFarFromNow, 2 hours by default): such a run moves every recipient's " +
            "digest window to that instant."
    };

    private static readonly Option<string?> ArchiveSince = new("--since")
    {
        Description = "List every run changed since this date or instant (e.g. 2026-11-01 or 2026-11-01T00:00:00Z; 'all' for every run ever), " +
            "newest first, with delivered, bounced, complained, opened and clicked counts and rates."
    };

    private static readonly Option<int> ArchivePage = new("--page")
    {
        Description = $"With --since: which page of {ArchivePageSize} runs (from 1).", DefaultValueFactory = _ => 1
    };

    private static DateTimeOffset? ParseSince(string text)
    {
        if (text.Equals("all", StringComparison.OrdinalIgnoreCase)) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            ? since
            : throw new ArgumentException($"--since '{text}' is not a date or instant; give e.g. 2026-11-01, 2026-11-01T00:00:00Z, or 'all'.");
    }

    private static async Task<int> WriteArchiveAsync(CliContext cli, ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var since = ParseSince(parse.GetValue(ArchiveSince) ?? "all");
        var page = await services.GetRequiredService<RunArchive>().PageAsync(since, parse.GetValue(ArchivePage), ArchivePageSize, ct);
        if (parse.GetValue(CliContext.JsonOption))
        {
            await cli.WriteJsonAsync(new
            {
                total = page.Total, page = page.Page, pages = page.Pages,
                runs = page.Runs.Select(r => new
                {
                    runId = r.RunId, status = r.Status, frequency = r.Frequency, windowStart = r.WindowStart, windowEnd = r.WindowEnd,
                    updatedAt = r.UpdatedAt, articles = r.ArticleCount, recipients = r.RecipientCount,
                    batches = new { total = r.BatchCount, sent = r.BatchesSent, failed = r.BatchesFailed, uncertain = r.BatchesUncertain },
                    figures = new
                    {
                        delivered = r.Figures.Delivered, bounced = r.Figures.Bounced, complained = r.Figures.Complained,
                        opened = r.Figures.Opened, clicked = r.Figures.Clicked, tracked = r.Figures.Opened is not null,
                        deliveredRate = r.Figures.RateOf(r.Figures.Delivered), bouncedRate = r.Figures.RateOf(r.Figures.Bounced),
                        complainedRate = r.Figures.RateOf(r.Figures.Complained), openedRate = r.Figures.RateOf(r.Figures.Opened),
                        clickedRate = r.Figures.RateOf(r.Figures.Clicked),
                    },
                }),
            });
            return 0;
        }
        if (page.Total == 0)
        {
            await cli.Out.WriteLineAsync(since is { } s ? $"No run since {s:yyyy-MM-dd HH:mm} UTC." : "No run yet.");
            return 0;
        }
        await cli.Out.WriteLineAsync($"{page.Total} runs{(since is { } from ? $" since {from:yyyy-MM-dd HH:mm} UTC" : "")}, newest first " +
            $"(page {page.Page} of {page.Pages}):");
        foreach (var r in page.Runs)
        {
            var f = r.Figures;
            string Rate(long? count) => count is null ? "not tracked" : f.RateOf(count) is { } rate ? $"{count} ({rate:P1})" : $"{count}";
            await cli.Out.WriteLineAsync($"{r.RunId}  {r.Status.ToString().ToLowerInvariant()}  updated {r.UpdatedAt:yyyy-MM-dd HH:mm}  " +
                $"{r.ArticleCount} articles, {r.RecipientCount} recipients, batches {r.BatchesSent}/{r.BatchCount} sent, {r.BatchesFailed} failed, " +
                $"{r.BatchesUncertain} uncertain");
            await cli.Out.WriteLineAsync($"    delivered {Rate(f.Delivered)}, bounced {Rate(f.Bounced)}, complained {Rate(f.Complained)}, " +
                $"opened {Rate(f.Opened)}, clicked {Rate(f.Clicked)}");
        }
        if (page.Page < page.Pages)
            await cli.Out.WriteLineAsync($"More: --page {page.Page + 1}.");
        return 0;
    }

    private static Command Cancel(CliContext cli)
    {
        var runId = new Argument<string>("run") { Description = "The run id, e.g. daily-2026-11-26T07 (`notify digest status --since all` lists them)." };
        var yes = new Option<bool>("--yes") { Description = "Cancel it: without this, the command only says what cancelling would do." };
        var cancel = new Command("cancel",
            "Cancel a run that is not finished (open, planned or paused): its unsent batches are never sent, and their recipients' digest windows are " +
            "put back, so their next digest carries these articles. Batches sent already stay sent.")
            { runId, yes, CliContext.JsonOption };
        cancel.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var id = parse.GetValue(runId)!;
            if (!parse.GetValue(yes))
            {
                var summary = await services.GetRequiredService<RunArchive>().GetAsync(id, ct)
                    ?? throw new ArgumentException($"There is no run {id}; `notify digest status --since all` lists the runs.");
                await cli.Error.WriteLineAsync($"Run {id} is {summary.Status.ToString().ToLowerInvariant()}: {summary.BatchCount - summary.BatchesSent} of " +
                    $"{summary.BatchCount} batches ({summary.RecipientCount} recipients in all) are not sent. Cancelling never sends them and puts " +
                    $"their recipients' windows back. Add --yes to cancel it.");
                return ExitCodes.Failed;
            }
            var result = await services.GetRequiredService<RunCancellation>().CancelAsync(id, ct);
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(result);
            else
                await cli.Out.WriteLineAsync($"Run {result.RunId} cancelled: {result.Cancelled} batches will never be sent; {result.AlreadySent} were " +
                    $"sent before; {result.InFlight} were being sent (they may have arrived); {result.WindowsRestored} recipients' windows put back.");
            return ExitCodes.Ok;
        }));
        return cancel;
    }
}
