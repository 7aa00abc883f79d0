using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notifications.Delivery;
using Notifications.Pipeline;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The editors' desk as a press officer uses it, in Debian's Chromium driven by Playwright, signed in through the platform's
/// principal header (App Service authentication on): paste the text of a WCO-style session page, see what the pipeline makes
/// of it and its warnings, preview it for English, Russian and French readers (mail HTML in sandboxed frames that run no
/// script, under the console's CSP), send a test to themselves, publish with an alert, correct it without mailing it again,
/// withdraw it. Every desk page is checked by axe-core (WCAG 2.1 A/AA) at 1280 and 390 px, with no horizontal scrolling;
/// screenshots go to TestResults/screenshots/desk-&lt;page&gt;-&lt;width&gt;.png.
/// </summary>
public sealed class DeskBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        // The preview's frames are sandboxed without scripts, so axe cannot run inside them (it would wait for them forever);
        // what they show is subscribers' mail, checked by the digests' own tests. The frames themselves (titles) are checked here.
        Iframes = false,
    };

    [Fact]
    public async Task AnEditorPastesChecksPreviewsTestsPublishesCorrectsAndWithdrawsAnArticle()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "desk-" + Guid.NewGuid().ToString("N")[..8], "outbox");
        var settings = TestSettings.For(azurite, outbox);
        settings["Schedule:AlertGracePeriod"] = "00:00:10"; // the alerts-due queue's delay is real time: short here
        // The pasted page reports on 2023 sessions, which the news window (60 days) would keep out of alerts: this test is about the desk.
        settings["Articles:NewsWindow"] = "3650.00:00:00";
        await using var app = await DeskServer.StartAsync(settings, ct);
        var baseAddress = BaseAddress(app);
        var reader = await app.Services.GetRequiredService<SubscriberAdmin>().CreateAsync(
            new NewSubscriber("k.reader@douane.example", "Kamila Reader", "Customs", "ru", DigestFrequency.Instant), "test", ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 },
            Locale = "en-GB",
            ExtraHTTPHeaders = new Dictionary<string, string> { [ConsolePrincipal.Header] = ConsolePrincipal.Encode(DeskServer.Editor) },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.RequestFailed += (_, request) => problems.Add("failed: " + request.Url);
        page.Console += (_, message) =>
        {
            // Chromium asks every site for /favicon.ico; the console has none (404), which is no fault of a desk page. The blocked
            // script in a preview frame is the one this test puts there to see the sandbox refuse it.
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal)
                && !message.Text.StartsWith("Blocked script execution in 'about:srcdoc'", StringComparison.Ordinal))
                problems.Add("console: " + message.Text + " at " + message.Location);
        };

        // The list, empty, and the way to the write form.
        Assert.Equal(200, (await page.GotoAsync($"{baseAddress}/api/console/articles"))!.Status);
        await page.GetByRole(AriaRole.Link, new() { Name = "Write or upload an article" }).ClickAsync();
        await CheckPageAsync(page, "write", "Write an article");

        // Paste the session page as text, and check it.
        var pasted = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "tests", "Notifications.Core.Tests", "Corpus", "ptc-239-240-pasted.txt"), ct);
        await page.GetByLabel("The body is").SelectOptionAsync("text");
        await page.GetByLabel("Body", new() { Exact = true }).FillAsync(pasted);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check", Exact = true }).ClickAsync();
        var panel = page.Locator("#desk-check");
        var parsed = await panel.InnerTextAsync();
        Assert.Contains("PTC held its 239th/240th sessions in Brussels", parsed, StringComparison.Ordinal);
        Assert.Contains("25–27 April 2023", parsed, StringComparison.Ordinal);
        Assert.True(await panel.Locator("li.warning").CountAsync() >= 2, "The check shows fewer than two warnings:\n" + parsed);
        Assert.Contains("published", parsed, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(pasted.Replace("\r\n", "\n").Trim(), (await page.GetByLabel("Body", new() { Exact = true }).InputValueAsync()).Trim());
        await CheckPageAsync(page, "check", "Write an article");

        // The preview: English, Russian and French readers, digest and alert, desktop and phone, under the console's CSP.
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
        Assert.Equal("Preview", (await page.Locator("h1").InnerTextAsync()).Trim());
        foreach (var (lang, readers) in new[] { ("en", "English"), ("ru", "Russian"), ("fr", "French") })
        {
            if (lang != "en") await page.GetByRole(AriaRole.Button, new() { Name = $"Subscribers who read {readers}" }).ClickAsync();
            var section = page.Locator($"section[lang={lang}]");
            Assert.Equal(4, await section.Locator("iframe[sandbox='allow-same-origin']").CountAsync());
            var frame = section.Locator("iframe.phone").First.ContentFrame;
            Assert.Contains("239", await frame.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(lang != "en", await section.Locator(".desk-mark").CountAsync() > 0);
            if (lang == "ru")
            {
                Assert.Contains("(in English)", await section.Locator(".desk-mark").InnerTextAsync(), StringComparison.Ordinal);
                await CheckPageAsync(page, "preview-ru", "Preview");
            }
        }
        Assert.Contains("239", await page.Locator("#preview-page ~ iframe").ContentFrame.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        // The frames run no script (sandbox without allow-scripts: a script the mail carried would not run) and may not post
        // forms, open windows or navigate the console; same origin only so that Chromium paints them (an opaque-origin srcdoc
        // frame under the console's CSP stayed blank).
        Assert.Equal(["allow-same-origin"], (await page.Locator("iframe").EvaluateAllAsync<string[]>("fs => fs.map(f => f.getAttribute('sandbox'))"))
            .Distinct());
        Assert.False(await page.Locator("section[lang=fr] iframe").First.ContentFrame.Locator("body").EvaluateAsync<bool>(
            "b => { const s = document.createElement('script'); s.textContent = 'document.body.dataset.ran = 1'; b.append(s); return b.dataset.ran === '1'; }"),
            "A script ran inside a preview frame.");
        await CheckPageAsync(page, "preview", "Preview");

        // Back to editing keeps everything; a test of the Russian digest goes to the editor only.
        await page.GetByRole(AriaRole.Button, new() { Name = "Back to editing" }).ClickAsync();
        Assert.Equal(pasted.Replace("\r\n", "\n").Trim(), (await page.GetByLabel("Body", new() { Exact = true }).InputValueAsync()).Trim());
        await page.GetByLabel("Send an instant alert").CheckAsync();
        await page.GetByLabel("the digest").CheckAsync();
        await page.GetByLabel("In", new() { Exact = true }).SelectOptionAsync("ru");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a test" }).ClickAsync();
        Assert.Contains("A test went to press@secretariat.example", await page.Locator(".box.notice").InnerTextAsync(), StringComparison.Ordinal);
        var test = Assert.Single(OutboxMail.ReadAll(outbox));
        Assert.Equal("press@secretariat.example", test.To());
        Assert.Contains("239", test.TextBody, StringComparison.Ordinal);
        Assert.True(await page.GetByLabel("Send an instant alert").IsCheckedAsync(), "The alert choice was lost after sending a test.");

        // Publish: the result says what happened; the alert reaches the instant subscriber; the article's page is public.
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish", Exact = true }).ClickAsync();
        Assert.Equal("What happened", (await page.Locator("h1").InnerTextAsync()).Trim());
        var result = await page.Locator("main").InnerTextAsync();
        Assert.Contains("Accepted", result, StringComparison.Ordinal);
        Assert.Contains("Instant alert: it waits for translations until", result, StringComparison.Ordinal);
        await CheckPageAsync(page, "result", "What happened");
        // The AlertDue function's part once the wait ends (the queue trigger does not run under Kestrel); then SendBatch's.
        var alertDue = app.Services.GetRequiredService<Notifications.Pipeline.AlertDue>();
        for (var tries = 0; tries < 60 && (await alertDue.PlanWaitingAsync(ct)).Handled == 0; tries++)
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await DrainSendBatchesAsync(app, ct);
        var alert = Assert.Single(OutboxMail.ReadAll(outbox), m => m.To() == reader.Email);
        Assert.Contains("239", alert.TextBody, StringComparison.Ordinal);
        var articlePage = await page.GetByRole(AriaRole.Link, new() { Name = "Open the article's page" }).GetAttributeAsync("href");
        var publicPage = await context.APIRequest.GetAsync(baseAddress + articlePage);
        Assert.Equal(200, publicPage.Status);

        // The list shows it, with where it went; a reload of the result posts nothing again.
        await page.ReloadAsync();
        Assert.Single(OutboxMail.ReadAll(outbox), m => m.To() == reader.Email);
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the articles" }).ClickAsync();
        var row = page.Locator("table.desk-table tbody tr");
        Assert.Equal(1, await row.CountAsync());
        Assert.Contains("Accepted", await row.InnerTextAsync(), StringComparison.Ordinal);
        await CheckPageAsync(page, "list", "Articles");

        // Correct it: "mail it again" is off by default, and the result says it was not mailed again.
        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        Assert.False(await page.GetByLabel("Mail it again").IsCheckedAsync());
        await page.GetByLabel("Summary", new() { Exact = true }).FillAsync("Corrected: the sessions met in Brussels and online.");
        await CheckPageAsync(page, "edit", "Edit an article");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish", Exact = true }).ClickAsync();
        Assert.Contains("not mailed again", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // Withdraw, after the confirmation step.
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the articles" }).ClickAsync();
        await page.Locator("table.desk-table tbody tr").GetByRole(AriaRole.Link, new() { Name = "Withdraw" }).ClickAsync();
        await CheckPageAsync(page, "withdraw", "Withdraw an article");
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw it" }).ClickAsync();
        Assert.Contains("Withdrawn", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(410, (await context.APIRequest.GetAsync(baseAddress + articlePage)).Status);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>What the SendBatch function does with each queued batch (the queue trigger does not run under Kestrel).</summary>
    private static async Task DrainSendBatchesAsync(Microsoft.AspNetCore.Builder.WebApplication app, CancellationToken ct)
    {
        var queue = app.Services.GetRequiredService<StorageResources>().SendBatches;
        var batchDue = app.Services.GetRequiredService<Notifications.Pipeline.BatchDue>();
        if (!await queue.ExistsAsync(ct)) return;
        while ((await queue.ReceiveMessagesAsync(32, cancellationToken: ct)).Value is { Length: > 0 } messages)
            foreach (var message in messages)
            {
                await batchDue.SendAsync(SendBatchQueue.Deserialize(message.Body.ToString()), ct);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            }
    }

    /// <summary>
    /// The page's heading, axe finds no WCAG 2.1 A/AA violation, and at each width it fits (no horizontal scrolling) and has its
    /// screenshot, TestResults/screenshots/desk-&lt;name&gt;-&lt;width&gt;.png.
    /// </summary>
    private static async Task CheckPageAsync(IPage page, string name, string heading)
    {
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(heading, (await page.Locator("h1").InnerTextAsync()).Trim());
        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            var axe = await page.RunAxe(WcagAA);
            Assert.True(axe.Violations.Length == 0,
                $"desk-{name} ({width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"desk-{name} at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"desk-{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
