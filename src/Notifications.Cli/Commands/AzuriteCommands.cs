using System.CommandLine;
using Notifications.Local;

namespace Notifications.Cli.Commands;

public static class AzuriteCommands
{
    public static Command Create(CliContext cli)
    {
        var azurite = new Command("azurite", "The local storage emulator that `notify demo` starts.");
        var stop = new Command("stop", "Stop the Azurite that `notify demo` left running (its in-memory state goes with it).");
        stop.SetAction(async (_, _) =>
        {
            await cli.Out.WriteLineAsync(AzuriteLauncher.StopDetached() ? "Azurite stopped." : "No Azurite started by notify is running.");
            return 0;
        });
        azurite.Subcommands.Add(stop);
        return azurite;
    }
}
