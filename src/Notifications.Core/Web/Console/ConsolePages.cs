using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// The console's own routes besides the desk: its home (<c>/api/console</c>: admins go on to the dashboard, editors to the articles), the language switch
/// (<c>POST /api/console/language</c>: remembered in <see cref="ConsoleGate.LanguageCookie"/>, then back to the page it came from)
/// and the static files (<see cref="ConsoleStaticFiles"/>).
/// </summary>
public sealed class ConsolePages(ConsoleGate gate)
{
    /// <summary>Where the console starts: the dashboard for an admin, the articles list for an editor.</summary>
    public const string Home = "/api/console";

    /// <summary>The first page an editor sees.</summary>
    public const string ArticlesPath = "/api/console/articles";

    /// <summary>How long the language choice is remembered.</summary>
    public static readonly TimeSpan LanguageCookieLifetime = TimeSpan.FromDays(365);

    /// <summary>The first page an admin sees: what needs attention (<see cref="DashboardPage"/>).</summary>
    public const string DashboardPath = "/api/console/dashboard";

    /// <summary>
    /// <c>GET /api/console</c>: 303 to the dashboard for an admin, to the articles for an editor; 401 with how to sign in for nobody;
    /// 403 with whom to ask for a signed-in person without a console role.
    /// </summary>
    public async Task<IResult> HomeAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Editor, ct);
        if (entered is null) return refusal!;
        return ConsoleRenderer.SeeOther(entered.User.Has(ConsoleRole.Admin) ? DashboardPath : ArticlesPath);
    }

    /// <summary>
    /// <c>POST /api/console/language</c> (the layout's form, with the anti-forgery token): <c>lang</c> (en, ru, fr) is remembered
    /// for a year, then 303 back to <c>return</c> when it is a console page of this app, else to the console's home.
    /// </summary>
    public async Task<IResult> LanguageAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Editor, ct);
        if (entered is null) return refusal!;
        var back = LocalReturnPath(entered.Field("return"));
        var language = entered.Field("lang").ToLowerInvariant();
        if (!Subscribers.SubscriberRules.Languages.Contains(language))
            return ConsoleRenderer.SeeOther(back);
        request.HttpContext.Response.Cookies.Append(ConsoleGate.LanguageCookie, language, new CookieOptions
        {
            Path = Home,
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            // Behind App Service's front end the worker may see plain HTTP; the front end says what the browser used.
            Secure = request.IsHttps || string.Equals(request.Headers["X-Forwarded-Proto"].ToString(), "https", StringComparison.OrdinalIgnoreCase),
            MaxAge = LanguageCookieLifetime,
            IsEssential = true,
        });
        return ConsoleRenderer.SeeOther(back);
    }

    /// <summary><c>GET /api/console/static/{file}</c>.</summary>
    public static IResult Static(string? file) => ConsoleStaticFiles.Serve(file);

    /// <summary>
    /// <paramref name="value"/> when it is a path of the console on this host (<c>/api/console</c> or below, with an optional
    /// query), else the console's home: never another site (<c>//evil.example</c>, <c>https://…</c>, <c>/\evil</c>) or another
    /// part of the app.
    /// </summary>
    public static string LocalReturnPath(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 2048) return Home;
        if (value.Any(c => char.IsControl(c) || c == '\\' || char.IsWhiteSpace(c))) return Home;
        var path = value.Split('?', '#')[0];
        if (path.Contains("//", StringComparison.Ordinal) || path.Split('/').Any(s => s is "." or ".." || s.Contains('%'))) return Home;
        return path == Home || path.StartsWith(Home + "/", StringComparison.Ordinal) ? value.Split('#')[0] : Home;
    }
}
