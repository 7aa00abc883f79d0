using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The admins' dashboard in Debian's Chromium through Playwright: an admin opens the console, lands on the dashboard and sees the paused
/// run, its failed batches with SendGrid's refusal, the bounce, the charts with their data tables; axe-core (WCAG 2.1 A and AA) at 1280 and
/// 390 px, no horizontal scrolling on a phone. Screenshots: TestResults/screenshots/dashboard-&lt;width&gt;.png (and -fr).
/// </summary>
public sealed class DashboardBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [Fact]
    public async Task AnAdminLandsOnTheDashboardAndSeesThePausedRunAndTheBounce()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = DashboardScenario.Settings(azurite, sendGrid);
        await using var app = await StartAsync(settings, DashboardScenario.Map, ct);
        var runId = await DashboardScenario.SeedAsync(app.Services, sendGrid, settings, ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 },
            Locale = "en-GB",
            ExtraHTTPHeaders = new Dictionary<string, string> { [ConsolePrincipal.Header] = ConsolePrincipal.Encode(DeskServer.Admin) },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal))
                errors.Add(message.Text + " at " + message.Location);
        };

        var response = await page.GotoAsync($"{BaseAddress(app)}/api/console");
        Assert.Equal(200, response!.Status);
        Assert.Equal($"{BaseAddress(app)}/api/console/dashboard", page.Url);
        Assert.Equal("Dashboard", (await page.Locator("h1").InnerTextAsync()).Trim());
        Assert.Equal("page", await page.Locator("nav a[href='/api/console/dashboard']").GetAttributeAsync("aria-current"));

        var paused = page.GetByRole(AriaRole.Table, new PageGetByRoleOptions { Name = "Paused runs" });
        Assert.Contains(runId, await paused.InnerTextAsync(), StringComparison.Ordinal);
        var batches = page.GetByRole(AriaRole.Table, new PageGetByRoleOptions { Name = "Failed and uncertain batches" });
        Assert.Equal(2, await batches.Locator("tbody tr").CountAsync());
        Assert.Contains(DashboardScenario.Refusal, await batches.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Bounces: 1", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        var runs = page.GetByRole(AriaRole.Table, new PageGetByRoleOptions { Name = "The latest runs first. Rates are shares of the recipients." });
        Assert.Contains("not tracked", await runs.InnerTextAsync(), StringComparison.Ordinal);
        // Each chart is an image named by its title, with a description; its figures are a table a click away.
        Assert.Equal(1, await page.GetByRole(AriaRole.Img, new PageGetByRoleOptions { Name = "Joined and left per week" }).CountAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Img, new PageGetByRoleOptions { Name = "Subscribers due per hour (UTC), next 24 hours" })
            .CountAsync());
        await page.Locator("summary").First.ClickAsync();
        Assert.True(await page.GetByRole(AriaRole.Table, new PageGetByRoleOptions { Name = "Subscribers due per hour (UTC), next 24 hours" })
            .IsVisibleAsync());

        await CheckAsync(page, "dashboard");
        await page.GotoAsync($"{BaseAddress(app)}/api/console/dashboard?lang=fr");
        Assert.Equal("Tableau de bord", (await page.Locator("h1").InnerTextAsync()).Trim());
        await CheckAsync(page, "dashboard-fr");
        Assert.Empty(errors);
    }

    private static async Task CheckAsync(IPage page, string name)
    {
        // The stylesheet loaded under the console's CSP.
        Assert.Equal("rgb(30, 58, 138)", await page.Locator("header").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            var axe = await page.RunAxe(WcagAA);
            Assert.True(axe.Violations.Length == 0,
                $"{name} ({width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"{name} at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
