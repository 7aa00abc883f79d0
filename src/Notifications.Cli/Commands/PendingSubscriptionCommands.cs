using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Subscribers;

namespace Notifications.Cli.Commands;

/// <summary>
/// <c>notify subscribers send-confirmations</c> and <c>purge-pending</c>: the CLI twins of the SubscribeConfirmation queue
/// function and the PurgePendingSubscriptions timer. With <c>notify serve</c>, which serves only the HTTP functions, the first
/// is what sends the confirmation emails of subscribe requests.
/// </summary>
public static class PendingSubscriptionCommands
{
    public static Command SendConfirmations(CliContext cli)
    {
        var command = new Command("send-confirmations",
            "Send the confirmation emails of the subscribe requests waiting on the subscribe-confirmations queue (the SubscribeConfirmation function's twin).");
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var sender = services.GetRequiredService<SubscribeConfirmationSender>();
            var outcomes = new List<ConfirmationSendOutcome>();
            var handled = await services.GetRequiredService<SubscribeConfirmationQueue>().DrainAsync(
                async (message, token) => outcomes.Add(await sender.SendAsync(message, token)), TimeSpan.FromMinutes(1), ct);
            await cli.Out.WriteLineAsync(handled == 0
                ? "The subscribe-confirmations queue is empty."
                : $"{handled} subscribe requests handled: {outcomes.Count(o => o == ConfirmationSendOutcome.Sent)} confirmation emails sent.");
            return 0;
        }));
        return command;
    }

    public static Command PurgePending(CliContext cli)
    {
        var command = new Command("purge-pending",
            "Remove subscribe requests and pending subscribers whose confirmation link has expired (the PurgePendingSubscriptions function's twin).");
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var result = await services.GetRequiredService<PendingSubscriptionPurge>().PurgeAsync(ct);
            await cli.Out.WriteLineAsync($"Purged {result.Requests} expired subscribe requests and {result.PendingRecords} never-confirmed pending subscribers.");
            return 0;
        }));
        return command;
    }
}
