using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Notifications.Cli.Commands;

public static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        var port = new Option<int>("--port") { Description = "The loopback port (the Functions host's default is 7071).", DefaultValueFactory = _ => 7071 };
        var serve = new Command("serve", "Serve the HTTP functions (admin API, subscribe, confirm, unsubscribe, preferences) on 127.0.0.1 until Ctrl+C.") { port };
        serve.SetAction((parse, ct) => cli.RunWithConfigurationAsync(parse, async configuration =>
        {
            await using var server = await LocalServer.StartAsync(configuration, parse.GetValue(port),
                parse.GetValue(CliContext.VerboseOption) ? LogLevel.Information : LogLevel.Warning, ct);
            await cli.Out.WriteLineAsync($"Serving on {server.BaseAddress} (loopback only; function keys are not checked here). Ctrl+C stops.");
            foreach (var f in LocalServer.Functions)
                await cli.Out.WriteLineAsync($"  {string.Join(",", f.Methods),-10} {server.BaseAddress}/{f.Route}");
            await cli.Out.FlushAsync(ct);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
            return 0;
        }));
        return serve;
    }
}
