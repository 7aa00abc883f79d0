using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Notifications.Cli.Commands;

public static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        var port = new Option<int>("--port") { Description = "The loopback port (the Functions host's default is 7071).", DefaultValueFactory = _ => 7071 };
        var adminKey = new Option<string?>("--admin-key")
        {
            Description = "The key the admin API (/api/manage/*) requires; default: a new random key each start, printed."
        };
        var noAuth = new Option<bool>("--no-auth")
        {
            Description = "Serve the admin API without a key (anything on this machine may then change subscribers)."
        };
        var serve = new Command("serve", "Serve the HTTP functions (admin API, subscribe, confirm, unsubscribe, preferences) on 127.0.0.1 until " +
            "Ctrl+C, sending subscribe confirmations as they are queued.") { port, adminKey, noAuth };
        serve.SetAction((parse, ct) => cli.RunWithConfigurationAsync(parse, async configuration =>
        {
            if (parse.GetValue(noAuth) && parse.GetValue(adminKey) is not null)
                throw new ArgumentException("--no-auth and --admin-key contradict each other: give one.");
            if (parse.GetValue(adminKey) is { Length: < 16 } shortKey)
                throw new ArgumentException($"--admin-key is {shortKey.Length} characters long; give at least 16 (or leave it out for a random one).");
            var key = parse.GetValue(noAuth)
                ? null
                : parse.GetValue(adminKey) ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            await using var server = await LocalServer.StartAsync(configuration, parse.GetValue(port),
                parse.GetValue(CliContext.VerboseOption) ? LogLevel.Information : LogLevel.Warning, key, ct);
            await cli.Out.WriteLineAsync($"Serving on {server.BaseAddress} (loopback only; requests must name localhost, 127.0.0.1 or [::1]). Ctrl+C stops.");
            await cli.Out.WriteLineAsync(key is null
                ? "Admin API: no key (--no-auth): anything on this machine may change subscribers."
                : $"Admin API key: {key}\n  send it as the x-functions-key header or ?code=, e.g. curl -H 'x-functions-key: {key}' " +
                    $"{server.BaseAddress}/api/manage/coverage");
            await cli.Out.WriteLineAsync($"Subscribe confirmations: sent from the subscribe-confirmations queue every " +
                $"{LocalConfirmationSender.Interval.TotalSeconds:0} s while serving (no need for send-confirmations).");
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
