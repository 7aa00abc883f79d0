using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Subscribers;

namespace Notifications.Cli.Commands;

/// <summary>
/// The console profile's twins: <c>subscribers send-link</c> (the helpdesk case: mail a subscriber their manage links),
/// <c>subscribers change-address</c> (the new address confirms by a mailed link; nothing changes until then), and the typed
/// confirmation of <c>subscribers remove</c>. Addresses are printed in full: this is the admin's own terminal.
/// </summary>
public static partial class SubscribersCommands
{
    /// <summary>Skips the typed confirmation of an erasure (scripts).</summary>
    private static readonly Option<bool> YesOption = new("--yes", "-y")
    {
        Description = "Erase without asking to type the subscriber's address (for scripts)."
    };

    private static void AddProfileCommands(Command subscribers, CliContext cli)
    {
        subscribers.Subcommands.Add(SendLink(cli));
        subscribers.Subcommands.Add(ChangeAddress(cli));
    }

    private static Command SendLink(CliContext cli)
    {
        var who = SubscriberArgument();
        var command = new Command("send-link",
            "Mail a subscriber their manage links (preferences, unsubscribe), in their language, to their own address only (the helpdesk case).")
        {
            who
        };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var s = await FindAsync(services, parse.GetValue(who)!, ct);
            await services.GetRequiredService<ManageLinkMailer>().SendAsync(s.Id, Actor, ct);
            await cli.Out.WriteLineAsync($"Mailed the manage link to {s.Email} (id {s.Id}).");
            return 0;
        }));
        return command;
    }

    private static Command ChangeAddress(CliContext cli)
    {
        var who = SubscriberArgument();
        var to = new Option<string>("--to")
        {
            Description = "The new address. It gets a link to confirm; nothing changes until it is confirmed.", Required = true
        };
        var command = new Command("change-address",
            "Change a subscriber's address: a signed link goes to the new address, and the subscriber (preferences, history, digest windows) moves " +
                "to it when the link is confirmed.")
        {
            who, to
        };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var s = await FindAsync(services, parse.GetValue(who)!, ct);
            var change = await services.GetRequiredService<AddressChanges>().StartAsync(s, parse.GetValue(to)!, Actor, ct);
            await cli.Out.WriteLineAsync($"Sent a confirmation link to {change!.NewEmail} for {s.Email} (id {s.Id}); it works until " +
                $"{change.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. The address changes when it is confirmed.");
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Asks for the subscriber's address, typed, before an erasure (the id or address given when there is no record any more); false,
    /// with a message, when what was typed differs or nothing could be read.
    /// </summary>
    private static async Task<bool> ConfirmErasureAsync(CliContext cli, IServiceProvider services, string idOrEmail, CancellationToken ct)
    {
        var subscriber = await services.GetRequiredService<SubscriberAdmin>().FindAsync(idOrEmail, ct);
        var expected = subscriber?.Email ?? idOrEmail;
        await cli.Out.WriteLineAsync(subscriber is null
            ? $"No subscriber record for {idOrEmail}: erasing removes what is left of them. Type {idOrEmail} to confirm:"
            : $"Erase {subscriber.Email} ({subscriber.Name}, {subscriber.Organization}) for good? The address and the name go everywhere; a suppression " +
                $"entry (keyed hash, reason, date) and the counters stay. Type the address to confirm:");
        var typed = await cli.In.ReadLineAsync(ct);
        if (typed is null)
        {
            await cli.Error.WriteLineAsync("error: nothing was typed, nothing was erased. Type the address when asked, or give --yes (scripts).");
            return false;
        }
        if (!string.Equals(typed.Trim(), expected, StringComparison.OrdinalIgnoreCase))
        {
            await cli.Error.WriteLineAsync($"error: '{typed.Trim()}' is not {expected}; nothing was erased.");
            return false;
        }
        return true;
    }
}
