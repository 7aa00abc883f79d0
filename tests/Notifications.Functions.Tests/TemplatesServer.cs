using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Functions.Web;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The template editor on Kestrel, routed as <see cref="AdminTemplates"/> routes it (with the console's static files and language switch),
/// platform authentication on, so the principal header a test sends signs its user in (<see cref="DeskServer.Admin"/>).
/// </summary>
internal static class TemplatesServer
{
    public static Task<WebApplication> StartAsync(Dictionary<string, string?> settings, CancellationToken ct)
    {
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = "true";
        return BrowserPageServer.StartAsync(settings, app =>
        {
            string[] getPost = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post];
            string[] get = [HttpMethods.Get, HttpMethods.Head];
            static AdminTemplates Functions(HttpRequest r) => new(r.HttpContext.RequestServices.GetRequiredService<TemplatesPage>());
            app.MapMethods("/api/console/templates", get, (HttpRequest r, CancellationToken t) => Functions(r).Templates(r, t));
            app.MapMethods("/api/console/templates/{name}", getPost, (HttpRequest r, string name, CancellationToken t) => Functions(r).Template(r, name, t));
            app.MapMethods("/api/console/templates/{name}/preview", get,
                (HttpRequest r, string name, CancellationToken t) => Functions(r).TemplatePreview(r, name, t));
            app.MapGet("/api/console/static/{file}", (string file) => ConsolePages.Static(file));
            app.MapPost("/api/console/language",
                (HttpRequest r, CancellationToken t) => r.HttpContext.RequestServices.GetRequiredService<ConsolePages>().LanguageAsync(r, t));
        }, ct);
    }
}
