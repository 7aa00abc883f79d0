using System.CommandLine;
using Notifications.Cli.Commands;

namespace Notifications.Cli;

/// <summary>The <c>notify</c> command: the operator's tool and the local runner, over the same Core composition as the functions.</summary>
public static class NotifyCli
{
    /// <param name="settings">Settings that override every other source (tests use them).</param>
    /// <param name="ct">Cancels a long-running command (`serve`); Ctrl+C does the same from a terminal.</param>
    /// <param name="input">Where a confirmation is read (the typed address of <c>subscribers remove</c>); the console's input when null.</param>
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter error,
        IReadOnlyDictionary<string, string?>? settings = null,
        CancellationToken ct = default,
        TextReader? input = null)
    {
        var context = new CliContext(output, error, settings ?? new Dictionary<string, string?>()) { In = input ?? Console.In };
        var root = new RootCommand("notify: publish articles, manage subscribers and run digests of the Notifications pipeline.")
        {
            CliContext.VerboseOption,
            DemoCommand.Create(context),
            ArticlesCommands.Create(context),
            SubscribersCommands.Create(context),
            DigestCommands.Create(context),
            TemplatesCommands.Create(context),
            DashboardCommand.Create(context),
            DeliverCommand.Create(context),
            AzuriteCommands.Create(context),
            BenchCommands.Create(context),
            ServeCommand.Create(context),
        };
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
    }
}
