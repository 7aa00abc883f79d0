using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Pipeline;

namespace Notifications.Cli.Commands;

public static class DeliverCommand
{
    public static Command Create(CliContext cli)
    {
        var deliver = new Command("deliver",
            "Send every batch waiting on the send-batches queue, with the SendBatch function's code (its CLI twin). Exit 75 when nothing was " +
            "ready but messages are in flight (taken by another sender, or by one that stopped): run it again when they are visible again.")
            { CliContext.JsonOption };
        deliver.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var batchDue = services.GetRequiredService<BatchDue>();
            var queue = services.GetRequiredService<SendBatchQueue>();
            var outcomes = new List<BatchOutcome>();
            var cancelled = new List<string>();
            var handled = await queue.DrainAsync(async (message, token) =>
            {
                if (await batchDue.SendAsync(message, token) is not { } r) return;
                outcomes.Add(r.Outcome);
                if (r.Outcome == BatchOutcome.Cancelled)
                    cancelled.Add($"Batch {r.BatchId} of run {message.RunId} cancelled, {r.Error}.");
            }, SendBatchQueue.VisibilityTimeout, ct);
            var left = await queue.BacklogAsync(ct);
            var exit = outcomes.Any(o => o is BatchOutcome.Failed or BatchOutcome.Uncertain) ? ExitCodes.Failed
                : left.InFlight > 0 ? ExitCodes.TryLater
                : ExitCodes.Ok;
            if (parse.GetValue(CliContext.JsonOption))
            {
                int Count(BatchOutcome o) => outcomes.Count(x => x == o);
                await cli.WriteJsonAsync(new
                {
                    handled,
                    sent = Count(BatchOutcome.Sent), alreadySent = Count(BatchOutcome.AlreadySent), failed = Count(BatchOutcome.Failed),
                    uncertain = Count(BatchOutcome.Uncertain), cancelled = Count(BatchOutcome.Cancelled), beingSent = Count(BatchOutcome.InProgress),
                    inFlight = left.InFlight, visibleAgainWithinSeconds = (int)left.VisibleAgainWithin.TotalSeconds,
                });
                return exit;
            }
            if (handled > 0)
                await cli.Out.WriteLineAsync($"{handled} queued batches handled: " +
                    (outcomes.Count == 0
                        ? "nothing to send (their runs are finished, paused or planned again)"
                        : string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Count()} {Words(g.Key)}"))) + ".");
            foreach (var line in cancelled)
                await cli.Out.WriteLineAsync(line);
            if (left.InFlight > 0)
                await cli.Out.WriteLineAsync(InFlight("send-batches", left, handled) +
                    " (10 min if the SendBatch function took them); run `notify deliver` again then.");
            else if (handled == 0)
                await cli.Out.WriteLineAsync("The send-batches queue is empty.");
            return exit;
        }));
        return deliver;
    }

    /// <summary>"No message ready on the X queue: 4 messages in flight, visible again in ≤ 5 min if the reader that took them stopped".</summary>
    public static string InFlight(string queue, QueueBacklog left, int handled)
        => (handled == 0 ? $"No message ready on the {queue} queue: " : "Still ") +
           $"{left.InFlight} message{(left.InFlight == 1 ? "" : "s")} in flight (taken by another reader and not yet done), " +
           $"visible again in ≤ {Duration(left.VisibleAgainWithin)} if the reader that took them stopped";

    private static string Duration(TimeSpan span)
        => span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalSeconds} s";

    /// <summary>A batch outcome as a person says it: "being sent" for one another worker holds right now.</summary>
    private static string Words(BatchOutcome outcome) => outcome switch
    {
        BatchOutcome.Sent => "sent",
        BatchOutcome.AlreadySent => "already sent",
        BatchOutcome.Failed => "failed",
        BatchOutcome.Uncertain => "uncertain",
        BatchOutcome.InProgress => "being sent by another worker",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
