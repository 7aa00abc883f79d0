using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The runs archive in a real browser (Chromium through Playwright): the archive lists a paused run with "not tracked" opens and
/// clicks; an admin opens it, resumes it (a confirmation step first, no script needed) and sees it completed, its batch sent; the
/// "run a digest" form asks before a run far from now. axe-core (WCAG 2.1 A/AA) at 1280 and 390 px; screenshots
/// TestResults/screenshots/console-runs-*.png.
/// </summary>
public sealed class RunsBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];
    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    private static void MapRuns(WebApplication app)
    {
        ConsoleFoundationTests.MapConsole(app);
        AdminRuns Page(HttpRequest request) => ActivatorUtilities.CreateInstance<AdminRuns>(request.HttpContext.RequestServices);
        app.MapMethods("/api/console/runs", [HttpMethods.Get, HttpMethods.Post], (HttpRequest request, CancellationToken token)
            => Page(request).Runs(request, token));
        app.MapMethods("/api/console/runs/{run}", [HttpMethods.Get, HttpMethods.Post], (HttpRequest request, string run, CancellationToken token)
            => Page(request).Run(request, run, token));
        app.MapMethods("/api/console/runs/{run}/digest/{variant}", [HttpMethods.Get], (HttpRequest request, string run, string variant,
            CancellationToken token) => Page(request).RunDigest(request, run, variant, token));
    }

    [Fact]
    public async Task AnAdminResumesAPausedRunFromTheArchive()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var settings = TestSettings.For(azurite);
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = "true";
        await using var app = await StartAsync(settings, MapRuns, ct);
        var baseAddress = BaseAddress(app);
        var runId = await PausedRunAsync(app.Services, ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 },
            Locale = "en-GB",
            ExtraHTTPHeaders = new Dictionary<string, string>
            {
                [ConsolePrincipal.Header] = ConsolePrincipal.Encode(new ConsoleUser("ops@secretariat.example", "ops@secretariat.example",
                    new HashSet<ConsoleRole> { ConsoleRole.Admin })),
            },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal))
                errors.Add(message.Text + " " + message.Location);
        };

        Assert.Equal(200, (await page.GotoAsync($"{baseAddress}/api/console/runs"))!.Status);
        await CheckPageAsync(page, errors, "runs", "Runs archive");
        var row = page.Locator("tbody tr", new PageLocatorOptions { HasText = runId });
        Assert.Contains("paused", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("not tracked", await row.InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = runId }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Actions" }).WaitForAsync();
        Assert.Contains("PTC closes its session", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await CheckPageAsync(page, errors, "runs-paused", "Run");

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Resume the run" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Resume this run?" }).WaitForAsync();
        await CheckPageAsync(page, errors, "runs-confirm", "Run");
        Assert.Equal(DigestRunStatus.Paused, await StatusAsync(app.Services, runId, ct));
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Resume the run" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).WaitForAsync();

        Assert.Contains("The run was resumed", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("completed", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(DigestRunStatus.Completed, await StatusAsync(app.Services, runId, ct));
        await CheckPageAsync(page, errors, "runs-resumed", "Run");

        // Starting a run far from now asks first, and says why.
        await page.GotoAsync($"{baseAddress}/api/console/runs");
        await page.GetByLabel("As of (UTC, optional)").FillAsync(DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'HH:mm",
            System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Run and send" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "This instant is far from now" }).WaitForAsync();
        Assert.Contains("reaches nobody in their next digest", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await CheckPageAsync(page, errors, "runs-far", "Runs archive");
    }

    [Fact]
    public async Task TheRenderedDigestIsServedSandboxedAndAnUnknownRunIsNotFound()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = TestSettings.For(azurite);
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = "true";
        await using var app = await StartAsync(settings, MapRuns, ct);
        var runId = await PausedRunAsync(app.Services, ct);
        using var http = new HttpClient { BaseAddress = new Uri(BaseAddress(app)) };
        http.DefaultRequestHeaders.Add(ConsolePrincipal.Header, ConsolePrincipal.Encode(new ConsoleUser("ops@secretariat.example",
            "ops@secretariat.example", new HashSet<ConsoleRole> { ConsoleRole.Admin })));

        using var digest = await http.GetAsync($"/api/console/runs/{runId}/digest/en", ct);
        using var unknown = await http.GetAsync("/api/console/runs/daily-2031-01-01", ct);
        using var badVariant = await http.GetAsync($"/api/console/runs/{runId}/digest/..%2Fen", ct);
        using var noToken = await http.PostAsync($"/api/console/runs/{runId}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "cancel", ["confirm"] = "yes" }), ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, digest.StatusCode);
        Assert.StartsWith("sandbox;", digest.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("PTC closes its session", await digest.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, badVariant.StatusCode);
        Assert.False(noToken.IsSuccessStatusCode, "A POST without the anti-forgery token was accepted.");
        Assert.Equal(DigestRunStatus.Paused, await StatusAsync(app.Services, runId, ct));
    }

    /// <summary>A daily run planned for three subscribers, then paused (as after failures in a row), its batch still unsent.</summary>
    private static async Task<string> PausedRunAsync(IServiceProvider services, CancellationToken ct)
    {
        var time = services.GetRequiredService<TimeProvider>();
        await services.GetRequiredService<SubscriberStore>().UpsertManyAsync(Enumerable.Range(0, 3).Select(i =>
            new NewSubscriber($"official{i}@customs.example", $"Official {i}", "Customs Administration")), ct);
        await services.GetRequiredService<ArticlePublisher>().PublishAsync("ptc.md",
            new MemoryStream(Encoding.UTF8.GetBytes("---\ntitle: PTC closes its session\ntopics: [e-commerce]\n---\nBody.\n")), ct);
        await services.GetRequiredService<ArticleIngestor>().IngestAsync("ptc.md", ct);
        var now = time.GetUtcNow().AddMinutes(1);
        var period = DigestPeriod.For(DigestFrequency.Daily, now);
        var runs = services.GetRequiredService<DigestRunStore>();
        var planned = await services.GetRequiredService<DigestPlanner>().PlanAsync(period, await runs.GetOrCreateAsync(period, now, ct), ct);
        Assert.NotNull(await runs.TryUpdateAsync(planned! with { Status = DigestRunStatus.Paused, ConsecutiveFailures = 3 }, ct));
        return planned!.RunId;
    }

    private static async Task<DigestRunStatus?> StatusAsync(IServiceProvider services, string runId, CancellationToken ct)
        => (await services.GetRequiredService<DigestRunStore>().GetAsync(DigestFrequency.Daily, runId["daily-".Length..], ct))?.Status;

    private static async Task CheckPageAsync(IPage page, List<string> errors, string name, string heading)
    {
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal(heading, (await page.Locator("h1").InnerTextAsync()).Trim());
        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            var axe = await page.RunAxe(WcagAA);
            Assert.True(axe.Violations.Length == 0, $"console {name} ({width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"console {name} at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"console-{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
