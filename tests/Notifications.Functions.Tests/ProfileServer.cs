using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Functions.Web;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The subscribers screens on Kestrel at a free loopback port, routed as <see cref="AdminSubscribers"/> routes them (search, segment
/// export, profile, the address-change page, the admin API's twins), with SendGrid's event webhook and the console's static files and
/// language switch, the platform's authentication on (<see cref="DeskServer.Client"/> signs a user in by the principal header).
/// </summary>
internal static class ProfileServer
{
    public static Task<WebApplication> StartAsync(Dictionary<string, string?> settings, CancellationToken ct)
    {
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = "true";
        return BrowserPageServer.StartAsync(settings, app =>
        {
            string[] getPost = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post];
            string[] get = [HttpMethods.Get, HttpMethods.Head];
            static AdminSubscribers Functions(HttpRequest r)
            {
                var s = r.HttpContext.RequestServices;
                return new AdminSubscribers(s.GetRequiredService<SubscriberSearchPage>(), s.GetRequiredService<SubscriberProfilePage>(),
                    s.GetRequiredService<AddressChangePage>(), s.GetRequiredService<SubscriberActionsApi>());
            }
            app.MapMethods("/api/console/subscribers", get, (HttpRequest r, CancellationToken t) => Functions(r).Subscribers(r, t));
            app.MapMethods("/api/console/subscribers/export", get, (HttpRequest r, CancellationToken t) => Functions(r).SegmentExport(r, t));
            app.MapMethods("/api/console/subscribers/{id}", getPost, (HttpRequest r, string id, CancellationToken t) => Functions(r).Subscriber(r, id, t));
            app.MapPost("/api/manage/subscribers/{id}/manage-link", (HttpRequest r, string id, CancellationToken t) => Functions(r).SendManageLink(r, id, t));
            app.MapPost("/api/manage/subscribers/{id}/address",
                (HttpRequest r, string id, CancellationToken t) => Functions(r).ChangeSubscriberAddress(r, id, t));
            app.MapMethods("/api/address", getPost, (HttpRequest r, CancellationToken t) => Functions(r).ConfirmAddress(r, t));
            app.MapPost("/api/sendgrid/events",
                (HttpRequest r, CancellationToken t) => r.HttpContext.RequestServices.GetRequiredService<SendGridEventWebhook>().HandleAsync(r, t));
            app.MapGet("/api/console/static/{file}", (string file) => ConsolePages.Static(file));
            app.MapPost("/api/console/language",
                (HttpRequest r, CancellationToken t) => r.HttpContext.RequestServices.GetRequiredService<ConsolePages>().LanguageAsync(r, t));
        }, ct);
    }
}
