using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Functions.Web;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The editors' desk on Kestrel at a free loopback port, routed as the function classes route it (the desk, the console's static
/// files and language switch, the public article pages), with the platform's authentication on (<c>WEBSITE_AUTH_ENABLED=true</c>)
/// so the <c>X-MS-CLIENT-PRINCIPAL</c> header a test sends (<see cref="ConsolePrincipal.Encode"/>) signs its user in.
/// </summary>
internal static partial class DeskServer
{
    public static readonly ConsoleUser Editor = new("press@secretariat.example", "press@secretariat.example", new HashSet<ConsoleRole> { ConsoleRole.Editor });

    public static readonly ConsoleUser Admin = new("admin@secretariat.example", "admin@secretariat.example", new HashSet<ConsoleRole> { ConsoleRole.Admin });

    /// <summary>Signed in, no role.</summary>
    public static readonly ConsoleUser Nobody = new("visitor@secretariat.example", "visitor@secretariat.example", new HashSet<ConsoleRole>());

    /// <summary>An editor whose account carries no address (tests cannot be sent to them).</summary>
    public static readonly ConsoleUser NoAddress = new("press-officer", null, new HashSet<ConsoleRole> { ConsoleRole.Editor });

    public static Task<WebApplication> StartAsync(Dictionary<string, string?> settings, CancellationToken ct, bool platformAuthentication = true)
    {
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = platformAuthentication ? "true" : "false";
        return BrowserPageServer.StartAsync(settings, app =>
        {
            string[] getPost = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post];
            string[] get = [HttpMethods.Get, HttpMethods.Head];
            IResult Static(string file) => ConsolePages.Static(file);
            app.MapMethods("/api/console/articles", get,
                (HttpRequest r, CancellationToken t) => new EditorsDesk(r.HttpContext.RequestServices.GetRequiredService<DeskPages>()).Articles(r, t));
            app.MapMethods("/api/console/articles/write", getPost,
                (HttpRequest r, CancellationToken t) => new EditorsDesk(r.HttpContext.RequestServices.GetRequiredService<DeskPages>()).Write(r, t));
            app.MapMethods("/api/console/articles/withdraw", getPost,
                (HttpRequest r, CancellationToken t) => new EditorsDesk(r.HttpContext.RequestServices.GetRequiredService<DeskPages>()).Withdraw(r, t));
            app.MapMethods("/api/console/articles/result", get,
                (HttpRequest r, CancellationToken t) => new EditorsDesk(r.HttpContext.RequestServices.GetRequiredService<DeskPages>()).Result(r, t));
            app.MapGet("/api/console/static/{file}", (string file) => Static(file));
            app.MapPost("/api/console/language",
                (HttpRequest r, CancellationToken t) => r.HttpContext.RequestServices.GetRequiredService<ConsolePages>().LanguageAsync(r, t));
            app.MapMethods("/api/articles/{**name}", get, (HttpRequest r, string name, CancellationToken t)
                => r.HttpContext.RequestServices.GetRequiredService<ArticlePages>().ShowAsync(r, name, t));
        }, ct);
    }

    /// <summary>A client of the server that signs <paramref name="user"/> in (none: anonymous) and never follows redirects.</summary>
    public static HttpClient Client(WebApplication app, ConsoleUser? user)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(BrowserPageServer.BaseAddress(app)),
        };
        if (user is not null) client.DefaultRequestHeaders.Add(ConsolePrincipal.Header, ConsolePrincipal.Encode(user));
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        return client;
    }

    /// <summary>The anti-forgery token a console page's forms carry.</summary>
    public static string TokenOf(string html)
        => TokenField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("The page has no form token.");

    /// <summary>The write form as a multipart body, as a browser sends it.</summary>
    public static MultipartFormDataContent WriteForm(string? token, IEnumerable<(string Name, string Value)> fields, (string Name, byte[] Content)? file = null)
    {
        var form = new MultipartFormDataContent();
        if (token is not null) form.Add(new StringContent(token), ConsoleAntiForgery.Field);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        if (file is { } f) form.Add(new ByteArrayContent(f.Content), "file", f.Name);
        return form;
    }

    [GeneratedRegex("name=\"__console_token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
