using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Delivery;
using Notifications.Digests;

namespace Notifications.Cli.Commands;

public static class DeliverCommand
{
    public static Command Create(CliContext cli)
    {
        var deliver = new Command("deliver", "Send every batch waiting on the send-batches queue, with the SendBatch function's code (its CLI twin).");
        deliver.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var runner = services.GetRequiredService<DigestRunner>();
            var outcomes = new List<BatchOutcome>();
            var cancelled = new List<string>();
            var handled = await services.GetRequiredService<SendBatchQueue>().DrainAsync(async (message, token) =>
            {
                if (await runner.SendQueuedAsync(message, token) is not { } r) return;
                outcomes.Add(r.Outcome);
                if (r.Outcome == BatchOutcome.Cancelled)
                    cancelled.Add($"Batch {r.BatchId} of run {message.RunId} cancelled, {r.Error}.");
            }, TimeSpan.FromMinutes(5), ct);
            await cli.Out.WriteLineAsync(handled == 0
                ? "The send-batches queue is empty."
                : $"{handled} queued batches handled: " + string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")) + ".");
            foreach (var line in cancelled)
                await cli.Out.WriteLineAsync(line);
            return outcomes.Any(o => o is BatchOutcome.Failed or BatchOutcome.Uncertain) ? 1 : 0;
        }));
        return deliver;
    }
}
