using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Notifications.Mail;
using Notifications.Web;

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
        var signIn = new Option<string?>("--as")
        {
            Description = "Sign this development user in to the console (/api/console) on every request, as App Service authentication would: " +
                "an address (tests from the desk are mailed to it), e.g. press@secretariat.example."
        };
        var roles = new Option<string[]>("--role")
        {
            Description = "The console role(s) of the --as user: editor or admin (admin includes editor); repeat it or separate with commas.",
            AllowMultipleArgumentsPerToken = false,
        };
        var serve = new Command("serve", "Serve the HTTP functions (admin API, subscriber pages, the secretariat console) on 127.0.0.1 until " +
            "Ctrl+C, sending subscribe confirmations as they are queued.") { port, adminKey, noAuth, signIn, roles };
        serve.SetAction((parse, ct) => cli.RunWithConfigurationAsync(parse, async configuration =>
        {
            if (parse.GetValue(noAuth) && parse.GetValue(adminKey) is not null)
                throw new ArgumentException("--no-auth and --admin-key contradict each other: give one.");
            if (parse.GetValue(adminKey) is { Length: < 16 } shortKey)
                throw new ArgumentException($"--admin-key is {shortKey.Length} characters long; give at least 16 (or leave it out for a random one).");
            var key = parse.GetValue(noAuth)
                ? null
                : parse.GetValue(adminKey) ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            var user = DevelopmentUser(parse.GetValue(signIn), parse.GetValue(roles) ?? []);
            await using var server = await LocalServer.StartAsync(configuration, parse.GetValue(port),
                parse.GetValue(CliContext.VerboseOption) ? LogLevel.Information : LogLevel.Warning, key, ct, user);
            await cli.Out.WriteLineAsync($"Serving on {server.BaseAddress} (loopback only; requests must name localhost, 127.0.0.1 or [::1]). Ctrl+C stops.");
            await cli.Out.WriteLineAsync(key is null
                ? "Admin API: no key (--no-auth): anything on this machine may change subscribers."
                : $"Admin API key: {key}\n  send it as the x-functions-key header or ?code=, e.g. curl -H 'x-functions-key: {key}' " +
                    $"{server.BaseAddress}/api/manage/coverage");
            await cli.Out.WriteLineAsync($"Subscribe confirmations: sent from the subscribe-confirmations queue every " +
                $"{LocalConfirmationSender.Interval.TotalSeconds:0} s while serving (no need for send-confirmations).");
            await cli.Out.WriteLineAsync(user is null
                ? $"Console: {server.ConsoleAddress} (nobody signed in: restart with --as you@secretariat.example --role editor to use it)"
                : $"Console: {server.ConsoleAddress} signed in as {user.Name} ({string.Join(", ", user.Roles.Order())})");
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

    /// <summary>The <c>--as</c> user with the <c>--role</c> roles; null without <c>--as</c>. Bad values throw with what to give instead.</summary>
    public static ConsoleUser? DevelopmentUser(string? name, IReadOnlyList<string> roleValues)
    {
        var given = roleValues.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (name is null)
            return given.Count == 0 ? null : throw new ArgumentException("--role needs --as: give the development user's address, e.g. " +
                "--as press@secretariat.example --role editor.");
        string address;
        try
        {
            address = EmailAddress.Normalize(name);
        }
        catch (InvalidEmailAddressException)
        {
            throw new ArgumentException($"--as '{name}' is not an email address; give the development user's address (tests are mailed to it), " +
                "e.g. --as press@secretariat.example.");
        }
        if (given.Count == 0)
            throw new ArgumentException("--as needs --role: editor or admin (admin includes editor), e.g. --as " + address + " --role editor.");
        var roles = new HashSet<ConsoleRole>();
        foreach (var value in given)
            roles.Add(Enum.TryParse<ConsoleRole>(value, ignoreCase: true, out var role) && Enum.IsDefined(role)
                ? role
                : throw new ArgumentException($"--role '{value}' is not a console role; give editor or admin."));
        return new ConsoleUser(address, address, roles);
    }
}
