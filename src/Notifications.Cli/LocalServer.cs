using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Functions.Subscribers;

namespace Notifications.Cli;

/// <summary>One HTTP function as `notify serve` maps it.</summary>
public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, AuthorizationLevel Level, Type Type, MethodInfo Method);

/// <summary>
/// The HTTP functions on Kestrel at 127.0.0.1 (<c>notify serve</c>): the same function classes and methods the Functions host
/// runs, found by their <c>[Function]</c> and <c>[HttpTrigger]</c> attributes, over the same Core composition. Loopback only:
/// function keys are not checked here, so it is never exposed beyond this machine.
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

    public static async Task<LocalServer> StartAsync(IConfiguration configuration, int port, LogLevel logLevel, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Services.AddNotifications(builder.Configuration);
        var app = builder.Build();
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
