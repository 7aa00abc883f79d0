using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The template editor as an admin uses it, in Debian's Chromium driven by Playwright, signed in through the platform's principal
/// header: open the footer, save a text with a misspelt variable and see the refusal with its line (the text kept), save a good one,
/// see it in the previews (desktop and phone frames of the preview route, Russian too), send a test to themselves, save again, and
/// roll back to the first version after the confirmation step. Every page is checked by axe-core (WCAG 2.1 A/AA) at 1280 and 390 px
/// with no horizontal scrolling; screenshots go to TestResults/screenshots/templates-&lt;page&gt;-&lt;width&gt;.png.
/// </summary>
public sealed class TemplatesBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        // The preview frames are sandboxed without scripts, so axe cannot run inside them; what they show is subscribers' mail,
        // checked by the digests' own tests. The frames themselves (titles) are checked here.
        Iframes = false,
    };

    private static string Footer(string words, string variable = "organization") => $$$"""
        <tr>
        <td class="footer">
        <p>{{{words}}} {{ {{{variable}}} }}</p>
        <p><a href="{{ recipient.preferences_url }}">{{ t.preferences }}</a> · <a href="{{ recipient.unsubscribe_url }}">{{ t.unsubscribe }}</a></p>
        </td>
        </tr>
        """;

    [Fact]
    public async Task AnAdminEditsAnOverrideSeesAValidationErrorSavesPreviewsTestsAndRollsBack()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "templates-" + Guid.NewGuid().ToString("N")[..8], "outbox");
        await using var app = await TemplatesServer.StartAsync(TestSettings.For(azurite, outbox), ct);
        var baseAddress = BaseAddress(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 },
            Locale = "en-GB",
            ExtraHTTPHeaders = new Dictionary<string, string> { [ConsolePrincipal.Header] = ConsolePrincipal.Encode(DeskServer.Admin) },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.RequestFailed += (_, request) => problems.Add("failed: " + request.Url);
        page.Console += (_, message) =>
        {
            // The refused save answers 422 (Chromium logs any 4xx page): that one is expected.
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal)
                && !message.Text.Contains("status of 422", StringComparison.Ordinal)
                && !message.Text.StartsWith("Blocked script execution in '" + baseAddress + "/api/console/templates/", StringComparison.Ordinal))
                problems.Add("console: " + message.Text + " at " + message.Location);
        };

        // The list: every built-in digest template, none overridden yet.
        Assert.Equal(200, (await page.GotoAsync($"{baseAddress}/api/console/templates"))!.Status);
        var rows = page.Locator("table.templates-table tbody tr");
        Assert.Equal(7, await rows.CountAsync());
        Assert.Equal(7, await rows.Locator(".tag", new() { HasText = "built-in" }).CountAsync());
        await CheckPageAsync(page, "list", "Digest templates");

        // A footer with a misspelt variable: refused with where it failed, the text kept.
        await page.GetByRole(AriaRole.Link, new() { Name = "digest-footer.html.sbn", Exact = true }).ClickAsync();
        var source = page.GetByLabel("Template text (Scriban)");
        Assert.Contains("recipient.unsubscribe_url", await source.InputValueAsync(), StringComparison.Ordinal);
        var misspelt = Footer("Sent for", "organisation");
        await source.FillAsync(misspelt);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and save" }).ClickAsync();
        var refusal = await page.Locator("#source-problems").InnerTextAsync();
        Assert.Contains("digest-footer.html.sbn, line 3, column", refusal, StringComparison.Ordinal);
        Assert.Contains("organisation", refusal, StringComparison.Ordinal);
        Assert.Equal(misspelt.ReplaceLineEndings("\n"), (await source.InputValueAsync()).ReplaceLineEndings("\n"));
        Assert.Equal("true", await source.GetAttributeAsync("aria-invalid"));
        await CheckPageAsync(page, "refused", "Edit a template");

        // Fixed and saved: in use at once, in the previews (desktop and phone), in Russian too.
        await source.FillAsync(Footer("First version for"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and save" }).ClickAsync();
        Assert.Contains("Saved.", await page.Locator("p.box.notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("override in use", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        // Sandboxed without scripts (same origin only, so that Chromium paints them, as the desk's previews); the route's CSP allows none.
        Assert.Equal(2, await page.Locator("iframe.preview-frame[sandbox='allow-same-origin']").CountAsync());
        Assert.Contains("First version for", await page.Locator("iframe.phone").ContentFrame.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        // A script the mail carried would not run in the frame (the one this test puts there is blocked: logged, and filtered above).
        Assert.False(await page.Locator("iframe.phone").ContentFrame.Locator("body").EvaluateAsync<bool>(
            "b => { const s = document.createElement('script'); s.textContent = 'document.body.dataset.ran = 1'; b.append(s); return b.dataset.ran === '1'; }"),
            "A script ran inside a preview frame.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Russian", Exact = true }).ClickAsync();
        // The page and both preview frames load before the URL counts as reached: allow for a loaded machine.
        await page.WaitForURLAsync("**?preview=ru#preview", new() { Timeout = 60_000 });
        Assert.Contains("Постоянный технический комитет", await page.Locator("iframe.templates-desktop").ContentFrame.Locator("body").InnerTextAsync(),
            StringComparison.Ordinal);
        await CheckPageAsync(page, "edit", "Edit a template");

        // A test to the signed-in admin only.
        await page.GetByLabel("In", new() { Exact = true }).SelectOptionAsync("fr");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a test" }).ClickAsync();
        Assert.Contains("went to admin@secretariat.example", await page.Locator("p.box.notice").InnerTextAsync(), StringComparison.Ordinal);
        var test = Assert.Single(OutboxMail.ReadAll(outbox));
        Assert.Equal("admin@secretariat.example", test.To());
        Assert.Contains("First version for", test.HtmlBody, StringComparison.Ordinal);

        // A second version; then back to the first, after the confirmation step.
        await page.GotoAsync($"{baseAddress}/api/console/templates/digest-footer.html.sbn");
        await page.GetByLabel("Template text (Scriban)").FillAsync(Footer("Second version for"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and save" }).ClickAsync();
        await page.WaitForURLAsync("**?done=saved", new() { Timeout = 60_000 });
        Assert.Contains("Second version for", await page.Locator("iframe.phone").ContentFrame.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        var history = page.Locator("#history ~ .table-wrap tbody tr");
        Assert.Equal(1, await history.CountAsync());
        Assert.Contains("admin@secretariat.example", await history.InnerTextAsync(), StringComparison.Ordinal);
        await history.GetByRole(AriaRole.Link, new() { Name = "Go back to it" }).ClickAsync();
        Assert.Contains("Go back to this version?", await page.Locator("#confirm").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Second version for", await page.GetByLabel("Template text (Scriban)").InputValueAsync(), StringComparison.Ordinal);
        await CheckPageAsync(page, "rollback", "Edit a template");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, go back to this version" }).ClickAsync();
        Assert.Contains("the chosen version is the override again", await page.Locator("p.box.notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("First version for", await page.GetByLabel("Template text (Scriban)").InputValueAsync(), StringComparison.Ordinal);
        Assert.Contains("First version for", await page.Locator("iframe.phone").ContentFrame.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await page.Locator("#history ~ .table-wrap tbody tr").CountAsync());
        await CheckPageAsync(page, "history", "Edit a template");

        // The list says it is overridden, by whom.
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the templates" }).ClickAsync();
        var footerRow = rows.Filter(new() { HasText = "digest-footer.html.sbn" });
        Assert.Contains("override in use", await footerRow.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("admin@secretariat.example", await footerRow.InnerTextAsync(), StringComparison.Ordinal);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The page's heading, axe finds no WCAG 2.1 A/AA violation, and at each width it fits (no horizontal scrolling) and has its
    /// screenshot, TestResults/screenshots/templates-&lt;name&gt;-&lt;width&gt;.png.
    /// </summary>
    private static async Task CheckPageAsync(IPage page, string name, string heading)
    {
        await page.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(heading, (await page.Locator("h1").InnerTextAsync()).Trim());
        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            var axe = await page.RunAxe(WcagAA);
            Assert.True(axe.Violations.Length == 0,
                $"templates-{name} ({width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"templates-{name} at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"templates-{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
