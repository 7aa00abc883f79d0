using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Notifications.Articles;
using Notifications.Functions.Web;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The console's door over HTTP, routed as <see cref="SecretariatConsole"/> routes it, over the Core composition and a real
/// Azurite: who is signed in (the platform's principal, trusted only when its authentication is on), roles, anti-forgery tokens,
/// the language switch and the static files.
/// </summary>
public sealed partial class ConsoleFoundationTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ConsoleUser Editor = new("press@secretariat.example", "press@secretariat.example", new HashSet<ConsoleRole> { ConsoleRole.Editor });
    private static readonly ConsoleUser Admin = new("ops@secretariat.example", "ops@secretariat.example", new HashSet<ConsoleRole> { ConsoleRole.Admin });

    private const string Article = """
        ---
        title: Permanent Technical Committee opens its 243rd session
        published: 2026-11-25
        language: en
        topics: [e-commerce]
        summary: Delegates meet in Brussels to review the data model.
        url: https://secretariat.example/news/ptc-243
        ---
        The 243rd session of the Permanent Technical Committee opened on 25 November 2026.
        """;

    // --- The principal header ---

    [Fact]
    public void PrincipalGivesNameAddressAndRolesFromEveryRoleClaimType()
    {
        var json = """
            {"auth_typ":"aad","name_typ":"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name","role_typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
             "claims":[{"typ":"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name","val":"Press Office"},
                       {"typ":"preferred_username","val":"Press@Secretariat.example"},
                       {"typ":"roles","val":"editor"},{"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"Admin"},
                       {"typ":"roles","val":"Auditor"}]}
            """;
        var user = ConsolePrincipal.Read(RequestWith(Base64(json)), platformAuthentication: true);

        Assert.NotNull(user);
        Assert.Equal("Press Office", user.Name);
        Assert.Equal("press@secretariat.example", user.Email);
        Assert.Equal([ConsoleRole.Editor, ConsoleRole.Admin], user.Roles.Order());
    }

    [Fact]
    public void PrincipalEncodedForADevelopmentUserReadsBackAsThatUser()
    {
        var user = ConsolePrincipal.Read(RequestWith(ConsolePrincipal.Encode(Admin)), platformAuthentication: true);

        Assert.Equal(Admin.Name, user?.Name);
        Assert.True(user!.Has(ConsoleRole.Editor));
        Assert.True(user.Has(ConsoleRole.Admin));
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("bm90IGpzb24=")] // "not json"
    [InlineData("eyJjbGFpbXMiOltdfQ==")] // {"claims":[]}: nobody named
    [InlineData("")]
    public void UnusablePrincipalHeaderIsNobody(string header)
        => Assert.Null(ConsolePrincipal.Read(RequestWith(header), platformAuthentication: true));

    [Fact]
    public void OversizedPrincipalHeaderIsNobody()
    {
        var padded = ConsoleUser("press@secretariat.example", new string('x', ConsolePrincipal.MaxHeaderLength));

        Assert.Null(ConsolePrincipal.Read(RequestWith(ConsolePrincipal.Encode(padded)), platformAuthentication: true));
        Assert.NotNull(ConsolePrincipal.Read(RequestWith(ConsolePrincipal.Encode(Editor)), platformAuthentication: true));
    }

    [Fact]
    public async Task PrincipalHeaderIsIgnoredWhenThePlatformsAuthenticationIsOff()
    {
        await using var app = await StartConsoleAsync(platformAuthentication: false);
        using var http = Client(app);

        using var response = await http.SendAsync(Get("/api/console/maintenance", Admin), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("notify serve --as", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Admin.Name, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousRequestIsSentToSignInWhenThePlatformsAuthenticationIsOn()
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);

        using var home = await http.SendAsync(Get("/api/console", user: null), Ct);
        using var maintenance = await http.SendAsync(Get("/api/console/maintenance?x=1", user: null), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, home.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, maintenance.StatusCode);
        Assert.Contains("/.auth/login/aad?post_login_redirect_uri=%2Fapi%2Fconsole%2Fmaintenance%3Fx%3D1",
            await maintenance.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("no-store", maintenance.Headers.CacheControl?.ToString());
        Assert.Contains("frame-ancestors 'none'", maintenance.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    // --- Roles ---

    [Fact]
    public async Task HomeSendsAnEditorToTheArticles()
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);

        using var response = await http.SendAsync(Get("/api/console", Editor), Ct);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/api/console/articles", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task EditorIsRefusedTheAdminOnlyPageAndAnAdminIsLetIn()
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);

        using var editor = await http.SendAsync(Get("/api/console/maintenance", Editor), Ct);
        using var admin = await http.SendAsync(Get("/api/console/maintenance", Admin), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, editor.StatusCode);
        Assert.Contains("Admin role", await editor.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        var html = await admin.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Articles the trigger missed", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/api/console/maintenance\" aria-current=\"page\"", html, StringComparison.Ordinal);
        Assert.Contains("Signed in as ops@secretariat.example", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMissingRoleIsNamedInTheUsersLanguageWithItsNameInTheDirectory()
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);

        using var russian = await http.SendAsync(Get("/api/console/maintenance?lang=ru", Editor), Ct);
        using var frenchAnswer = await http.SendAsync(Get("/api/console/maintenance?lang=fr", Editor), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, russian.StatusCode);
        var refusal = WebUtility.HtmlDecode(await russian.Content.ReadAsStringAsync(Ct));
        Assert.Contains("нет роли «Администратор» (Admin)", refusal, StringComparison.Ordinal);
        var french = WebUtility.HtmlDecode(await frenchAnswer.Content.ReadAsStringAsync(Ct));
        Assert.Contains("rôle «\u00a0Administrateur\u00a0» (Admin)", french, StringComparison.Ordinal);
    }

    // --- The maintenance page and anti-forgery tokens ---

    [Fact]
    public async Task MaintenanceCountsWhatTheTriggerMissedAndReingestsItOnAnAdminsPost()
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);
        await UploadAsync(app, "2026/ptc-243.en.md", Article);

        var before = await http.SendAsync(Get("/api/console/maintenance", Admin), Ct);
        var page = await before.Content.ReadAsStringAsync(Ct);
        Assert.Equal([1, 0], Counts(page));

        using var post = await http.SendAsync(Post("/api/console/maintenance", Admin, TokenOf(page)), Ct);

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var result = await post.Content.ReadAsStringAsync(Ct);
        Assert.Contains("1 file processed.", result, StringComparison.Ordinal);
        Assert.Contains("2026/ptc-243.en.md", result, StringComparison.Ordinal);
        Assert.Equal([0, 0], Counts(result));
        var indexed = Assert.Single(await app.Services.GetRequiredService<ArticleIndex>().ListAsync(ct: Ct));
        Assert.Equal(ArticleStatus.Accepted, indexed.Status);
    }

    [Fact]
    public async Task PostWithoutAValidTokenOfItsOwnUserIsRefusedAndDoesNothing()
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);
        await UploadAsync(app, "2026/ptc-243.en.md", Article);
        var antiForgery = app.Services.GetRequiredService<ConsoleAntiForgery>();
        var tokenOptions = app.Services.GetRequiredService<IOptions<TokenOptions>>();
        var thirteenHoursAgo = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromHours(13));
        var otherAdmin = Admin with { Name = "someone.else@secretariat.example" };

        string?[] forged =
        [
            null,
            "",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"[..32],
            new ConsoleAntiForgery(tokenOptions, thirteenHoursAgo).Issue(Admin),
            antiForgery.Issue(otherAdmin),
        ];
        foreach (var token in forged)
        {
            using var response = await http.SendAsync(Post("/api/console/maintenance", Admin, token), Ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("did not come from a console page", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Empty(await app.Services.GetRequiredService<ArticleIndex>().ListAsync(ct: Ct));
        using var valid = await http.SendAsync(Post("/api/console/maintenance", Admin, antiForgery.Issue(Admin)), Ct);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Single(await app.Services.GetRequiredService<ArticleIndex>().ListAsync(ct: Ct));
    }

    // --- Language ---

    [Fact]
    public async Task LanguageChoiceIsRememberedInACookieAndTheSwitchGoesBackOnlyToTheConsole()
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);
        var token = app.Services.GetRequiredService<ConsoleAntiForgery>().Issue(Admin);

        using var switched = await http.SendAsync(Post("/api/console/language", Admin, token,
            ("lang", "fr"), ("return", "/api/console/maintenance?tab=1")), Ct);

        Assert.Equal(HttpStatusCode.SeeOther, switched.StatusCode);
        Assert.Equal("/api/console/maintenance?tab=1", switched.Headers.Location?.OriginalString);
        var cookie = switched.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("console-lang=fr;", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/api/console", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=31536000", cookie, StringComparison.OrdinalIgnoreCase);

        var page = Get("/api/console/maintenance", Admin);
        page.Headers.Add("Cookie", "console-lang=fr");
        using var french = await http.SendAsync(page, Ct);
        var html = WebUtility.HtmlDecode(await french.Content.ReadAsStringAsync(Ct));
        Assert.Contains("<html lang=\"fr\"", html, StringComparison.Ordinal);
        Assert.Contains("Articles manqués par le déclencheur", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"fr\" lang=\"fr\" selected>", html, StringComparison.Ordinal);

        foreach (var elsewhere in new[] { "https://evil.example/", "//evil.example/api/console", "/\\evil.example", "/api/manage/subscribers",
                     "/api/console/../manage/coverage", "/api/consoleevil", "" })
        {
            using var away = await http.SendAsync(Post("/api/console/language", Admin, token, ("lang", "ru"), ("return", elsewhere)), Ct);
            Assert.Equal(HttpStatusCode.SeeOther, away.StatusCode);
            Assert.Equal("/api/console", away.Headers.Location?.OriginalString);
        }
    }

    // --- Static files ---

    [Theory]
    [InlineData("console.css", "text/css; charset=utf-8", "forced-colors")]
    [InlineData("console.js", "text/javascript; charset=utf-8", "data-confirm")]
    [InlineData("htmx.min.js", "text/javascript; charset=utf-8", "htmx.org 4.0.1")]
    public async Task StaticFileIsServedToAnyoneWithItsTypeAndCaching(string file, string type, string content)
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);

        using var response = await http.SendAsync(Get("/api/console/static/" + file, user: null), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.ToString());
        Assert.Equal("public, max-age=86400", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains(content, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("htmx.LICENSE.txt")]
    [InlineData("htmx.js")]
    [InlineData("..%2Fconsole.css")]
    [InlineData("CONSOLE.CSS")]
    public async Task StaticFileNotOnTheListIsNotFound(string file)
    {
        await using var app = await StartConsoleAsync(platformAuthentication: true);
        using var http = Client(app);

        using var response = await http.SendAsync(Get("/api/console/static/" + file, user: null), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    // --- Helpers ---

    private static ConsoleUser ConsoleUser(string name, string padding)
        => new(name + padding, null, new HashSet<ConsoleRole> { ConsoleRole.Editor });

    private static HttpRequest RequestWith(string header)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[ConsolePrincipal.Header] = header;
        return context.Request;
    }

    private static string Base64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    private static HttpRequestMessage Get(string path, ConsoleUser? user)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null) request.Headers.Add(ConsolePrincipal.Header, ConsolePrincipal.Encode(user));
        return request;
    }

    private static HttpRequestMessage Post(string path, ConsoleUser user, string? token, params (string Name, string Value)[] fields)
    {
        var form = fields.ToList();
        if (token is not null) form.Add((ConsoleAntiForgery.Field, token));
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Add(ConsolePrincipal.Header, ConsolePrincipal.Encode(user));
        return request;
    }

    private static string TokenOf(string html) => TokenField().Match(html).Groups[1].Value;

    private static int[] Counts(string html) => CountValue().Matches(html).Select(m => int.Parse(m.Groups[1].Value)).ToArray();

    [GeneratedRegex("""<input type="hidden" name="__console_token" value="([^"]+)">\s*<div class="actions">""")]
    private static partial Regex TokenField();

    [GeneratedRegex("<dd>(\\d+)</dd>")]
    private static partial Regex CountValue();

    private static HttpClient Client(WebApplication app)
        => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(BaseAddress(app)) };

    private static async Task UploadAsync(WebApplication app, string name, string content)
    {
        var storage = app.Services.GetRequiredService<StorageResources>();
        await storage.EnsureCreatedAsync();
        await storage.Articles.GetBlobClient(name).UploadAsync(BinaryData.FromString(content), overwrite: true, Ct);
    }

    private Task<WebApplication> StartConsoleAsync(bool platformAuthentication)
    {
        var settings = TestSettings.For(azurite);
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = platformAuthentication ? "true" : "false";
        return StartAsync(settings, MapConsole, Ct);
    }

    /// <summary>The console's routes as <see cref="SecretariatConsole"/> declares them.</summary>
    internal static void MapConsole(WebApplication app)
    {
        app.MapMethods("/api/console", [HttpMethods.Get], (HttpRequest request, CancellationToken token)
            => ActivatorUtilities.CreateInstance<SecretariatConsole>(request.HttpContext.RequestServices).Home(request, token));
        app.MapMethods("/api/console/language", [HttpMethods.Post], (HttpRequest request, CancellationToken token)
            => ActivatorUtilities.CreateInstance<SecretariatConsole>(request.HttpContext.RequestServices).Language(request, token));
        app.MapMethods("/api/console/static/{file}", [HttpMethods.Get], (HttpRequest request, string file)
            => ActivatorUtilities.CreateInstance<SecretariatConsole>(request.HttpContext.RequestServices).Static(request, file));
        app.MapMethods("/api/console/maintenance", [HttpMethods.Get, HttpMethods.Post], (HttpRequest request, CancellationToken token)
            => ActivatorUtilities.CreateInstance<SecretariatConsole>(request.HttpContext.RequestServices).Maintenance(request, token));
    }
}
