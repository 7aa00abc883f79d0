using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Digests;
using Notifications.Testing;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The template editor's routes over HTTP, as a browser without JavaScript uses them: Admin role only, forms with the anti-forgery token,
/// a stale save refused with the text kept, the preview framed by the console only, names that are not digest templates refused.
/// </summary>
public sealed class TemplatesRoutesTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Footer = """
        <tr><td class="footer"><p>Routes footer</p>
        <p><a href="{{ recipient.preferences_url }}">{{ t.preferences }}</a> · <a href="{{ recipient.unsubscribe_url }}">{{ t.unsubscribe }}</a></p>
        </td></tr>
        """;

    [Fact]
    public async Task OnlyAdminsOpenTheTemplatePages()
    {
        await using var app = await TemplatesServer.StartAsync(TestSettings.For(azurite), Ct);
        using var editor = DeskServer.Client(app, DeskServer.Editor);
        using var anonymous = DeskServer.Client(app, null);

        foreach (var path in new[] { "/api/console/templates", "/api/console/templates/digest.html.sbn", "/api/console/templates/digest.html.sbn/preview" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync(path, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path, Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task ThePreviewMayBeFramedByTheConsoleOnlyAndRunsNoScript()
    {
        await using var app = await TemplatesServer.StartAsync(TestSettings.For(azurite), Ct);
        using var admin = DeskServer.Client(app, DeskServer.Admin);

        var preview = await admin.GetAsync("/api/console/templates/digest-footer.html.sbn/preview?language=fr", Ct);
        var page = await admin.GetAsync("/api/console/templates/digest-footer.html.sbn", Ct);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("Se désabonner", await preview.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", preview.Headers.GetValues("X-Frame-Options").Single());
        var policy = preview.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'", policy, StringComparison.Ordinal);
        // The console page itself is never framed, and frames only its own origin.
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("src=\"/api/console/templates/digest-footer.html.sbn/preview?language=en\"", await page.Content.ReadAsStringAsync(Ct),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASaveWithoutTheFormTokenIsRefusedAndASaveOverAChangedOverrideKeepsTheText()
    {
        await using var app = await TemplatesServer.StartAsync(TestSettings.For(azurite), Ct);
        using var admin = DeskServer.Client(app, DeskServer.Admin);
        const string path = "/api/console/templates/digest-footer.html.sbn";
        var token = DeskServer.TokenOf(await admin.GetStringAsync(path, Ct));

        var forged = await admin.PostAsync(path, Form(null, ("action", "save"), ("source", Footer), ("etag", "")), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.DoesNotContain(await app.Services.GetRequiredService<TemplateWorkbench>().ListAsync(Ct), e => e.Overridden);

        var saved = await admin.PostAsync(path, Form(token, ("action", "save"), ("source", Footer), ("etag", "")), Ct);
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.Equal(path + "?done=saved", saved.Headers.Location!.OriginalString);

        // Someone saved meanwhile: this form still names "no override".
        var stale = await admin.PostAsync(path, Form(token, ("action", "save"), ("source", Footer.Replace("Routes footer", "My <b>footer</b>")),
            ("etag", "")), Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var body = await stale.Content.ReadAsStringAsync(Ct);
        Assert.Contains("someone changed this template since you opened it", body, StringComparison.Ordinal);
        Assert.Contains("My &lt;b&gt;footer&lt;/b&gt;", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamesThatAreNotDigestTemplatesAreRefused()
    {
        await using var app = await TemplatesServer.StartAsync(TestSettings.For(azurite), Ct);
        using var admin = DeskServer.Client(app, DeskServer.Admin);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/console/templates/console-layout.html.sbn", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/console/templates/console-layout.html.sbn/preview", Ct)).StatusCode);
        var bad = await admin.GetAsync("/api/console/templates/new?partial=Note.html", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("value=\"Note.html\"", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var good = await admin.GetAsync("/api/console/templates/new?partial=digest-note.html.sbn", Ct);
        Assert.Equal(HttpStatusCode.SeeOther, good.StatusCode);
        Assert.Equal("/api/console/templates/digest-note.html.sbn", good.Headers.Location!.OriginalString);
        var unknownVersion = await admin.GetAsync("/api/console/templates/digest.html.sbn/preview?version=20261126T070000Z-00000000", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
    }

    private static FormUrlEncodedContent Form(string? token, params (string Name, string Value)[] fields)
        => new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Concat(token is null ? [] : [new KeyValuePair<string, string>(ConsoleAntiForgery.Field, token)]));
}
