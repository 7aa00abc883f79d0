using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Pipeline;
using Notifications.Subscribers;

namespace Notifications.Cli.Commands;

/// <summary>
/// <c>notify subscribers send-confirmations</c> and <c>purge-pending</c>: the CLI twins of the SubscribeConfirmation queue
/// function and the PurgePendingSubscriptions timer. <c>notify serve</c> runs the first's drain itself every few seconds
/// (<see cref="LocalConfirmationSender"/>); this command is for storage nothing else drains.
/// </summary>
public static class PendingSubscriptionCommands
{
    public static Command SendConfirmations(CliContext cli)
    {
        var command = new Command("send-confirmations",
            "Send the confirmation emails of the subscribe requests waiting on the subscribe-confirmations queue (the SubscribeConfirmation function's twin). "
            + "Exit 75 when messages are in flight (taken by another reader, or by one that stopped): run it again when they are visible again.");
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var queue = services.GetRequiredService<SubscribeConfirmationQueue>();
            var drained = await services.GetRequiredService<ConfirmationRequested>().SendWaitingAsync(ct);
            var left = await queue.BacklogAsync(ct);
            if (drained.Handled > 0)
                await cli.Out.WriteLineAsync($"{drained.Handled} subscribe requests handled: {drained.Sent} confirmation emails sent.");
            if (left.InFlight > 0)
                await cli.Out.WriteLineAsync(DeliverCommand.InFlight("subscribe-confirmations", left, drained.Handled) +
                    " (10 min if the SubscribeConfirmation function took them); run `notify subscribers send-confirmations` again then.");
            else if (drained.Handled == 0)
                await cli.Out.WriteLineAsync("The subscribe-confirmations queue is empty.");
            return left.InFlight > 0 ? ExitCodes.TryLater : ExitCodes.Ok;
        }));
        return command;
    }

    public static Command PurgePending(CliContext cli)
    {
        var command = new Command("purge-pending",
            "Remove subscribe requests and pending subscribers whose confirmation link has expired (the PurgePendingSubscriptions function's twin).");
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var result = await services.GetRequiredService<DayPassed>().PurgeAsync(ct);
            await cli.Out.WriteLineAsync(
                $"Purged {result.Requests} expired subscribe requests and {result.PendingRecords} never-confirmed pending subscribers.");
            return 0;
        }));
        return command;
    }
}
