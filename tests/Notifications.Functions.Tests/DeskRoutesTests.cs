using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Storage;
using Notifications.Testing;
using static Notifications.Functions.Tests.DeskServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The editors' desk over HTTP, without a browser: who may enter each route (an Editor or an Admin; nobody anonymous, nobody
/// without the role, nobody through a header the platform did not vouch for), the forms' anti-forgery token, and the write
/// form's round trips (whatever the editor typed comes back on an error, escaped).
/// </summary>
public sealed class DeskRoutesTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Routes =
        [
            "/api/console/articles", "/api/console/articles/write", "/api/console/articles/withdraw?name=2026/x.en.md",
            "/api/console/articles/result?name=2026/x.en.md",
        ];

    [Fact]
    public async Task EveryDeskRouteRefusesAnonymousAndRoleLessUsers()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        using var anonymous = Client(app, null);
        using var nobody = Client(app, Nobody);

        foreach (var route in Routes)
        {
            var refused = await anonymous.GetAsync(route, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("/.auth/login/aad", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            var forbidden = await nobody.GetAsync(route, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("Editor", await forbidden.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ThePrincipalHeaderIsIgnoredWhenPlatformAuthenticationIsOff()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct, platformAuthentication: false);
        using var editor = Client(app, Editor);

        var response = await editor.GetAsync("/api/console/articles/write", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("name=\"title\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEditorAndAnAdminGetTheWriteFormWithItsTokenTopicsAndTimeZone()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        foreach (var user in new[] { Editor, Admin })
        {
            using var client = Client(app, user);
            var response = await client.GetAsync("/api/console/articles/write", Ct);
            var html = await response.Content.ReadAsStringAsync(Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.NotEmpty(TokenOf(html));
            Assert.Contains("enctype=\"multipart/form-data\"", html, StringComparison.Ordinal);
            Assert.Contains("name=\"topics\" value=\"data model\"", html, StringComparison.Ordinal);
            Assert.Contains("Published date and time (UTC)", html, StringComparison.Ordinal);
            Assert.Contains($"<input type=\"hidden\" name=\"editor\" value=\"{user.Email}\">", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AFormWithoutTheTokenIsRefusedAndWritesNothing()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        using var editor = Client(app, Editor);
        var fields = new[] { ("title", "Forged article"), ("body", "Written by another site."), ("action", "publish") };

        var forged = await editor.PostAsync("/api/console/articles/write", WriteForm(null, fields), Ct);
        var wrong = await editor.PostAsync("/api/console/articles/write", WriteForm("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", fields), Ct);
        var withdraw = await editor.PostAsync("/api/console/articles/withdraw",
            new FormUrlEncodedContent([new("name", "2026/x.en.md")]), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withdraw.StatusCode);
        var articles = app.Services.GetRequiredService<StorageResources>().Articles;
        if (await articles.ExistsAsync(Ct))
            await foreach (var blob in articles.GetBlobsAsync(cancellationToken: Ct))
                Assert.Fail($"A refused form wrote {blob.Name}.");
    }

    [Fact]
    public async Task ANewArticleNeverOverwritesAnotherWithTheSameTitleAndAPastedPageIsNamedByItsHeadlineAndLanguage()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        using var editor = Client(app, Editor);
        var articles = app.Services.GetRequiredService<StorageResources>().Articles;

        async Task<string> SaveDraftAsync(params (string Name, string Value)[] fields)
        {
            var token = TokenOf(await editor.GetStringAsync("/api/console/articles/write", Ct));
            using var response = await editor.PostAsync("/api/console/articles/write", WriteForm(token, [.. fields, ("action", "draft")]), Ct);
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            var location = response.Headers.Location!.OriginalString;
            return Uri.UnescapeDataString(System.Text.RegularExpressions.Regex.Match(location, "name=([^&]+)").Groups[1].Value);
        }

        var first = await SaveDraftAsync(("title", "PTC closes its 243rd session"), ("language", "en"), ("body", "First text."));
        var second = await SaveDraftAsync(("title", "PTC closes its 243rd session"), ("language", "en"), ("body", "Another text."));
        var pasted = await SaveDraftAsync(("format", "text"), ("body",
            "Le Comité technique permanent a tenu sa 243e session\n\nLe Comité technique permanent de l'Organisation mondiale des " +
            "douanes s'est réuni à Bruxelles du 25 au 27 avril pour sa 243e session et a examiné les travaux en cours."));

        Assert.NotEqual(first, second);
        Assert.EndsWith("/ptc-closes-its-243rd-session.en.md", first, StringComparison.Ordinal);
        Assert.EndsWith("/ptc-closes-its-243rd-session-2.en.md", second, StringComparison.Ordinal);
        var kept = (await articles.GetBlobClient(first).DownloadContentAsync(Ct)).Value.Content.ToString();
        Assert.Contains("First text.", kept, StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}/le-comite-technique-permanent[a-z0-9-]*\.fr\.(md|txt)$", pasted);
    }

    [Fact]
    public async Task AFieldTheFileCannotHoldIsNamedInTheEditorsLanguage()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        using var editor = Client(app, Editor);
        var token = TokenOf(await editor.GetStringAsync("/api/console/articles/write?lang=ru", Ct));

        var response = await editor.PostAsync("/api/console/articles/write?lang=ru", WriteForm(token,
            [("title", "ПТК"), ("body", "Текст."), ("session", "город Брюссель"), ("action", "check")]), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var box = WebUtility.HtmlDecode(html[html.IndexOf("box error", StringComparison.Ordinal)..]);
        Assert.Contains("Строка сессии «город Брюссель» не имеет вида «имя: значение»", box, StringComparison.Ordinal);
        Assert.DoesNotContain("is not 'name: value'", html, StringComparison.Ordinal);
        Assert.Contains("name=\"session\" rows=\"4\" class=\"desk-short\" aria-describedby=\"session-hint\" aria-invalid=\"true\"", html,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFormWithAnErrorComesBackWithEverythingTheEditorTyped()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        using var editor = Client(app, Editor);
        var token = TokenOf(await editor.GetStringAsync("/api/console/articles/write", Ct));
        var body = "The 243rd session <b>met</b> in Brussels & online.\n\nSecond paragraph \"quoted\".";

        var response = await editor.PostAsync("/api/console/articles/write", WriteForm(token,
        [
            ("title", "PTC 243 <session>"), ("summary", "Short & sweet"), ("url", "https://www.wcoomd.example/ptc-243"),
            ("topics", "data model"), ("topics", "e-commerce"), ("language", "fr"), ("slug", "ptc-243"),
            ("session", "committee_abbreviation: PTC\nnumbers: 243"),
            ("published", "next tuesday"), ("alert", "on"), ("format", "text"), ("body", body), ("action", "publish"),
        ]), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("The published date is not a date and time.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"PTC 243 &lt;session&gt;\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Short &amp; sweet\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"https://www.wcoomd.example/ptc-243\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"data model\" checked", html, StringComparison.Ordinal);
        Assert.Contains("value=\"e-commerce\" checked", html, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"customs valuation\" checked", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"fr\" selected>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"ptc-243\"", html, StringComparison.Ordinal);
        Assert.Contains(">committee_abbreviation: PTC\nnumbers: 243</textarea>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"next tuesday\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"alert\" name=\"alert\" checked", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"text\" selected>", html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(body), html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>met</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUploadOfAnotherKindIsRefusedWithTheTypedFieldsKept()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        using var editor = Client(app, Editor);
        var token = TokenOf(await editor.GetStringAsync("/api/console/articles/write", Ct));

        var response = await editor.PostAsync("/api/console/articles/write",
            WriteForm(token, [("title", "Annual report"), ("action", "check")], ("report.pdf", "%PDF-1.7"u8.ToArray())), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Only .md, .html and .txt files can be uploaded.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Annual report\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyFormSaysWhatToWrite()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        using var editor = Client(app, Editor);
        var token = TokenOf(await editor.GetStringAsync("/api/console/articles/write", Ct));

        var response = await editor.PostAsync("/api/console/articles/write", WriteForm(token, [("title", " "), ("action", "check")]), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains("There is nothing to check yet", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownArticleIsNotFoundForEditingOrWithdrawal()
    {
        await using var app = await StartAsync(TestSettings.For(azurite), Ct);
        using var editor = Client(app, Editor);

        var withdraw = await editor.GetAsync("/api/console/articles/withdraw?name=2026/none.en.md", Ct);
        var traversal = await editor.GetAsync("/api/console/articles/withdraw?name=../secrets.md", Ct);

        Assert.Equal(HttpStatusCode.NotFound, withdraw.StatusCode);
        Assert.Contains("There is no article with this name", await withdraw.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
    }
}
