using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notifications.Storage;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The console's own pages in a real browser (Debian's Chromium through Playwright): the sign-in page, the refusal an editor
/// gets on the admins' page, the maintenance page before and after a reingest, and the language switch. Each page is checked
/// by axe-core (WCAG 2.0/2.1 A and AA) at 1280 and 390 px, without horizontal scrolling on a phone, and loads its stylesheet
/// and scripts under the console's CSP. Screenshots: TestResults/screenshots/console-&lt;page&gt;-&lt;width&gt;.png.
/// </summary>
public sealed class ConsoleBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [Fact]
    public async Task ConsolePagesAreAccessibleFitAPhoneAndSwitchLanguage()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var settings = TestSettings.For(azurite);
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = "true";
        await using var app = await StartAsync(settings, ConsoleFoundationTests.MapConsole, ct);
        var baseAddress = BaseAddress(app);
        var storage = app.Services.GetRequiredService<StorageResources>();
        await storage.EnsureCreatedAsync();
        await storage.Articles.GetBlobClient("2026/ptc-243.en.md").UploadAsync(BinaryData.FromString("""
            ---
            title: Permanent Technical Committee opens its 243rd session
            published: 2026-11-25
            language: en
            topics: [e-commerce]
            summary: Delegates meet in Brussels to review the data model.
            ---
            The 243rd session of the Permanent Technical Committee opened on 25 November 2026.
            """), overwrite: true, ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });

        // Nobody signed in: the sign-in page, with the platform's sign-in link.
        var anonymous = await NewPageAsync(browser, null);
        var signIn = await anonymous.GotoAsync($"{baseAddress}/api/console/maintenance");
        Assert.Equal(401, signIn!.Status);
        await CheckPageAsync(anonymous, "sign-in", "Sign in");
        Assert.Contains("/.auth/login/aad", await anonymous.Locator("main a").GetAttributeAsync("href") ?? "", StringComparison.Ordinal);

        // An editor on the admins' page: 403, saying which role is missing; the navigation offers only the articles.
        var editor = await NewPageAsync(browser, new ConsoleUser("press@secretariat.example", "press@secretariat.example",
            new HashSet<ConsoleRole> { ConsoleRole.Editor }));
        var refused = await editor.GotoAsync($"{baseAddress}/api/console/maintenance");
        Assert.Equal(403, refused!.Status);
        await CheckPageAsync(editor, "refused", "Not allowed");
        Assert.Equal(0, await editor.Locator("nav a[href='/api/console/maintenance']").CountAsync());

        // Someone signed in without a console role, at the console's home: who they are, and whom to ask.
        var nobody = await NewPageAsync(browser, new ConsoleUser("visitor@secretariat.example", "visitor@secretariat.example",
            new HashSet<ConsoleRole>()));
        var home = await nobody.GotoAsync($"{baseAddress}/api/console");
        Assert.Equal(403, home!.Status);
        await CheckPageAsync(nobody, "home-no-role", "Not allowed");
        Assert.Contains("Signed in as visitor@secretariat.example", await nobody.Locator("header").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await nobody.Locator("header nav a").CountAsync());

        // An admin: the counts, then the button (it asks first), then the results.
        var admin = await NewPageAsync(browser, new ConsoleUser("ops@secretariat.example", "ops@secretariat.example",
            new HashSet<ConsoleRole> { ConsoleRole.Admin }));
        var maintenance = await admin.GotoAsync($"{baseAddress}/api/console/maintenance");
        Assert.Equal(200, maintenance!.Status);
        await CheckPageAsync(admin, "maintenance", "Articles the trigger missed");
        Assert.Equal("1", (await admin.Locator("dl.counts dd").First.InnerTextAsync()).Trim());
        string? asked = null;
        admin.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            await dialog.AcceptAsync();
        };
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Reingest now" }).ClickAsync();
        await admin.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "What was processed" }).WaitForAsync();
        Assert.Equal("Process the missed files and withdraw the deleted ones now?", asked);
        Assert.Contains("1 file processed.", await admin.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await CheckPageAsync(admin, "maintenance-done", "Articles the trigger missed");

        // The language switch: French, remembered on the next page.
        await admin.GetByLabel("Language").SelectOptionAsync("fr");
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Change" }).ClickAsync();
        await admin.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Articles manqués par le déclencheur" }).WaitForAsync();
        Assert.Equal($"{baseAddress}/api/console/maintenance", admin.Url);
        Assert.Equal("fr", await admin.Locator("html").GetAttributeAsync("lang"));
        await admin.GotoAsync($"{baseAddress}/api/console/maintenance");
        await CheckPageAsync(admin, "maintenance-fr", "Articles manqués par le déclencheur");
        await admin.GetByLabel("Langue").SelectOptionAsync("ru");
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Changer" }).ClickAsync();
        await admin.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Статьи, пропущенные триггером" }).WaitForAsync();
        await CheckPageAsync(admin, "maintenance-ru", "Статьи, пропущенные триггером");
    }

    private static async Task<IPage> NewPageAsync(IBrowser browser, ConsoleUser? user)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 },
            Locale = "en-GB",
            // What App Service authentication adds to every request of a signed-in user.
            ExtraHTTPHeaders = user is null ? [] : new Dictionary<string, string> { [ConsolePrincipal.Header] = ConsolePrincipal.Encode(user) },
        });
        var page = await context.NewPageAsync();
        // A CSP refusal or a script error would show here (the 401 and 403 pages' own status is logged too, and is expected).
        page.Console += (_, message) =>
        {
            if (message.Type == "error"
                && !message.Text.StartsWith("Failed to load resource: the server responded with a status of 40", StringComparison.Ordinal))
                Errors.Add(message.Text);
        };
        return page;
    }

    private static readonly List<string> Errors = [];

    private static async Task CheckPageAsync(IPage page, string name, string heading)
    {
        Assert.Empty(Errors);
        Assert.Equal(heading, (await page.Locator("h1").InnerTextAsync()).Trim());
        // The stylesheet and both scripts loaded (the CSP let them in), and htmx read its configuration from the meta tag.
        Assert.Equal("rgb(30, 58, 138)", await page.Locator("header").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.False(await page.EvaluateAsync<bool>("() => window.htmx === undefined || htmx.config.includeIndicatorCSS"));

        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            var axe = await page.RunAxe(WcagAA);
            Assert.True(axe.Violations.Length == 0,
                $"console {name} ({width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"console {name} at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"console-{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
