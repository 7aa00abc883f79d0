using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// The console's static files, embedded from <c>Web/Console/Static/</c> and served anonymously at <c>/api/console/static/{file}</c>
/// (the sign-in page needs its stylesheet too): a fixed allow-list of names, each with its content type, cached publicly for a
/// day, never sniffed; any other name is 404. htmx is vendored from npm (<see cref="HtmxVersion"/>; license in
/// <c>htmx.LICENSE.txt</c>).
/// </summary>
public static class ConsoleStaticFiles
{
    /// <summary>The version of npm package <c>htmx.org</c> whose <c>dist/htmx.min.js</c> is vendored.</summary>
    public const string HtmxVersion = "4.0.1";

    /// <summary>How long a browser or proxy may keep a file: a day, so a new deployment's files reach everyone by the next day.</summary>
    public const string CacheControl = "public, max-age=86400";

    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["console.css"] = "text/css; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
        ["htmx.min.js"] = "text/javascript; charset=utf-8",
        // The public subscribe form's one script (it preselects the browser's time zone); served here so it shares the allow-list.
        ["subscribe-zone.js"] = "text/javascript; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Contents = new(() => Types.Keys.ToFrozenDictionary(n => n, Load, StringComparer.Ordinal));

    /// <summary>The names served.</summary>
    public static IReadOnlyCollection<string> Names => Types.Keys;

    /// <summary>The file's bytes and content type; null for a name not on the list.</summary>
    public static (byte[] Content, string ContentType)? Find(string? name)
        => name is not null && Types.TryGetValue(name, out var type) ? (Contents.Value[name], type) : null;

    /// <summary>The answer to <c>GET /api/console/static/{file}</c>.</summary>
    public static IResult Serve(string? name) => new StaticFile(Find(name));

    private static byte[] Load(string name)
    {
        using var stream = typeof(ConsoleStaticFiles).Assembly.GetManifestResourceStream("Notifications.Console.Static." + name)
            ?? throw new InvalidOperationException($"The console's static file {name} is not embedded in Notifications.Core.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed class StaticFile((byte[] Content, string ContentType)? file) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (file is not { } found)
            {
                response.StatusCode = StatusCodes.Status404NotFound;
                response.Headers.CacheControl = "no-store";
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync("No such console file.", context.RequestAborted);
                return;
            }
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = found.ContentType;
            response.Headers.CacheControl = CacheControl;
            response.ContentLength = found.Content.Length;
            if (!HttpMethods.IsHead(context.Request.Method))
                await response.Body.WriteAsync(found.Content, context.RequestAborted);
        }
    }
}
