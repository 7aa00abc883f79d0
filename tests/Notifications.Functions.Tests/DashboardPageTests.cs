using System.Net;
using System.Net.Http.Headers;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>The dashboard's route without a browser: who may see it, where the console's home sends an admin, what the page says.</summary>
public sealed class DashboardPageTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HomeSendsAnAdminToTheDashboardAndAnEditorIsRefusedIt()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var app = await StartAsync(DashboardScenario.Settings(azurite, sendGrid), DashboardScenario.Map, Ct);
        using var admin = DeskServer.Client(app, DeskServer.Admin);
        using var editor = DeskServer.Client(app, DeskServer.Editor);

        using var home = await admin.GetAsync("/api/console", Ct);
        using var refused = await editor.GetAsync("/api/console/dashboard", Ct);
        using var editorHome = await editor.GetAsync("/api/console", Ct);

        Assert.Equal(HttpStatusCode.SeeOther, home.StatusCode);
        Assert.Equal("/api/console/dashboard", home.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("/api/console/articles", editorHome.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task DashboardShowsThePausedRunTheRefusalTheBounceAndNotTrackedOpens()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = DashboardScenario.Settings(azurite, sendGrid);
        await using var app = await StartAsync(settings, DashboardScenario.Map, Ct);
        var runId = await DashboardScenario.SeedAsync(app.Services, sendGrid, settings, Ct);
        using var admin = DeskServer.Client(app, DeskServer.Admin);

        using var response = await admin.GetAsync("/api/console/dashboard", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Dashboard</h1>", html, StringComparison.Ordinal);
        Assert.Contains("notify digest resume " + runId, html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(DashboardScenario.Refusal), html, StringComparison.Ordinal);
        Assert.Contains("Bounces: <strong>1</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<td>not tracked</td>", html, StringComparison.Ordinal);
        Assert.Contains("role=\"img\" aria-labelledby=\"growth-chart-title growth-chart-desc\"", html, StringComparison.Ordinal);
        Assert.Contains("3 subscribers are due for a digest in the next 24 hours.", html, StringComparison.Ordinal);

        admin.DefaultRequestHeaders.AcceptLanguage.Clear();
        admin.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr"));
        var french = await admin.GetStringAsync("/api/console/dashboard", Ct);
        Assert.Contains("<h1>Tableau de bord</h1>", french, StringComparison.Ordinal);
        Assert.Contains("non suivi", french, StringComparison.Ordinal);
    }
}
