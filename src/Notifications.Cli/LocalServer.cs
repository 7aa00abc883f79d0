using System.Reflection;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Web;

namespace Notifications.Cli;

/// <summary>One HTTP function as `notify serve` maps it.</summary>
public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, AuthorizationLevel Level, Type Type, MethodInfo Method);

/// <summary>
/// The HTTP functions on Kestrel at 127.0.0.1 (<c>notify serve</c>): the same function classes and methods the Functions host
/// runs, found by their <c>[Function]</c> and <c>[HttpTrigger]</c> attributes, over the same Core composition. Loopback only,
/// and a request must name a loopback host (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>; any port), so a web page whose
/// name is made to resolve to 127.0.0.1 (DNS rebinding) gets 400. The admin API (<c>/api/manage/*</c>) takes an admin key,
/// as the Functions host takes a function key: the <c>x-functions-key</c> header or <c>?code=</c>; 401 without it. The
/// subscribe-confirmations queue is drained in the background while it runs (<see cref="LocalConfirmationSender"/>).
/// The console's sign-in is emulated as App Service authentication does it: a client's own <c>X-MS-CLIENT-PRINCIPAL*</c> headers
/// are always removed; with a development user (<c>--as</c>), <c>WEBSITE_AUTH_ENABLED</c> is true and every request carries that
/// user's principal (<see cref="ConsolePrincipal.Encode"/>); without one, nobody is signed in and console pages answer 401.
/// </summary>
public sealed class LocalServer(WebApplication app) : IAsyncDisposable
{
    public string BaseAddress => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Every HTTP-triggered function in the Functions assembly.</summary>
    public static IReadOnlyList<HttpFunction> Functions { get; } = typeof(ManageSubscribers).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(m => (Type: t, Method: m)))
        .Select(x => (x.Type, x.Method, Function: x.Method.GetCustomAttribute<FunctionAttribute>(),
            Trigger: x.Method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
        .Where(x => x.Function is not null && x.Trigger is not null)
        .Select(x => new HttpFunction(x.Function!.Name, "api/" + (x.Trigger!.Route ?? x.Function.Name),
            (x.Trigger.Methods ?? ["GET", "POST"]).Select(m => m.ToUpperInvariant()).ToList(), x.Trigger.AuthLevel, x.Type, x.Method))
        .OrderBy(f => f.Route, StringComparer.Ordinal)
        .ToList();

    /// <summary>The key name the admin API's audit records for requests with the admin key (the actor <c>key:notify-serve</c>).</summary>
    public const string AdminKeyName = "notify-serve";

    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>The console's address on this server.</summary>
    public string ConsoleAddress => BaseAddress + ConsolePages.Home;

    /// <param name="adminKey">The key <c>/api/manage/*</c> requires; null: no key (<c>notify serve --no-auth</c>).</param>
    /// <param name="consoleUser">The development user signed in to the console on every request (<c>--as</c>); null: nobody.</param>
    public static async Task<LocalServer> StartAsync(IConfiguration configuration, int port, LogLevel logLevel, string? adminKey,
        CancellationToken ct = default, ConsoleUser? consoleUser = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(configuration);
        // The platform's switch, as App Service sets it: on only when a development user is signed in (and then trusted, because
        // the forged headers are removed below), off otherwise, whatever the configuration says.
        builder.Configuration.AddInMemoryCollection(
            [new(ConsolePrincipal.PlatformAuthenticationSetting, consoleUser is null ? "false" : "true")]);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Services.AddNotifications(builder.Configuration);
        builder.Services.AddHostedService<LocalConfirmationSender>();
        var app = builder.Build();
        var principal = consoleUser is null ? null : ConsolePrincipal.Encode(consoleUser);
        app.Use((context, next) =>
        {
            SignIn(context.Request.Headers, consoleUser, principal);
            return Refusal(context, adminKey) is { } refusal ? refusal.ExecuteAsync(context) : next(context);
        });
        foreach (var function in Functions)
            app.MapMethods(function.Route, function.Methods, (HttpContext context) => InvokeAsync(function, context)).WithName(function.Name);
        await app.StartAsync(ct);
        return new LocalServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>
    /// What App Service authentication does to a request: removes every <c>X-MS-CLIENT-PRINCIPAL*</c> header the client sent, then
    /// (when someone is signed in) adds the platform's own for <paramref name="user"/>.
    /// </summary>
    private static void SignIn(IHeaderDictionary headers, ConsoleUser? user, string? principal)
    {
        foreach (var name in headers.Keys.Where(k => k.StartsWith(ConsolePrincipal.Header, StringComparison.OrdinalIgnoreCase)).ToList())
            headers.Remove(name);
        if (user is null) return;
        headers[ConsolePrincipal.Header] = principal;
        headers[ConsolePrincipal.Header + "-NAME"] = user.Name;
        headers[ConsolePrincipal.Header + "-IDP"] = "aad";
    }

    /// <summary>
    /// Why a request is refused before any function runs: a Host that is not a loopback name (400), or an admin route
    /// without the admin key (401). Null when it may go on; with the key, the request carries the key's name, as the host's do.
    /// </summary>
    private static IResult? Refusal(HttpContext context, string? adminKey)
    {
        var host = context.Request.Host;
        if (!host.HasValue || !LoopbackHosts.Contains(host.Host, StringComparer.OrdinalIgnoreCase))
            return Problems.Problem(StatusCodes.Status400BadRequest, "The request is not valid.",
                "notify serve answers only requests to localhost, 127.0.0.1 or [::1] (the Host header); open it at one of those.", "Host");
        if (adminKey is null || !context.Request.Path.StartsWithSegments("/api/manage", StringComparison.OrdinalIgnoreCase))
            return null;
        var given = context.Request.Headers["x-functions-key"].ToString() is { Length: > 0 } header ? header : context.Request.Query["code"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(adminKey)))
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized.",
                "The admin API takes the key notify serve printed at start: send it as the x-functions-key header or ?code=, or start notify serve --no-auth.",
                "x-functions-key");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(SubscriberApi.KeyIdClaim, AdminKeyName)], "key"));
        return null;
    }

    /// <summary>Calls the function method as the Functions host would: a fresh instance, the request, route values, the abort token.</summary>
    private static async Task InvokeAsync(HttpFunction function, HttpContext context)
    {
        var instance = ActivatorUtilities.CreateInstance(context.RequestServices, function.Type);
        var args = function.Method.GetParameters().Select(p =>
            p.ParameterType == typeof(HttpRequest) ? context.Request
            : p.ParameterType == typeof(CancellationToken) ? context.RequestAborted
            : p.ParameterType == typeof(string) ? (object?)context.Request.RouteValues[p.Name!]?.ToString()
            : throw new InvalidOperationException($"notify serve cannot bind parameter '{p.Name}' of {function.Name}.")).ToArray();
        var result = await (Task<IResult>)function.Method.Invoke(instance, args)!;
        await result.ExecuteAsync(context);
    }
}
