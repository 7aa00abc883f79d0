using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// An admin finds one person among 5,000 subscribers and helps them, in Debian's Chromium driven by Playwright, signed in through the
/// platform's principal header: search as you type by part of an organisation name (htmx swaps the results and pushes the URL), open
/// the profile of someone whose address bounced (the reason came from a signed SendGrid webhook event), mail them their manage link
/// (it is in the outbox, to them only). Every page is checked by axe-core (WCAG 2.1 A/AA) at 1280 and 390 px with no horizontal
/// scrolling; screenshots go to TestResults/screenshots/subscribers-&lt;page&gt;-&lt;width&gt;.png.
/// </summary>
public sealed class SubscribersBrowserTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly int[] Widths = [1280, 390];
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task AnAdminFindsASubscriberAmongFiveThousandSeesWhyTheyBouncedAndMailsThemTheirManageLink()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var outbox = Path.Combine(Path.GetTempPath(), "notifications-tests", "subscribers-" + Guid.NewGuid().ToString("N")[..8], "outbox");
        var settings = TestSettings.For(azurite, outbox);
        settings["SendGrid:WebhookPublicKey"] = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
        await using var app = await ProfileServer.StartAsync(settings, ct);
        var baseAddress = BaseAddress(app);

        // 5,000 subscribers; three of them at the State Customs Service of Kyrgyzstan.
        var store = app.Services.GetRequiredService<SubscriberStore>();
        string[] organisations = ["HM Revenue and Customs", "Federal Customs Service", "Administration des douanes", "Customs Committee of Uzbekistan"];
        var people = Enumerable.Range(0, 4997).Select(i => store.Create(new NewSubscriber($"official{i:0000}@customs{i % 40}.example",
            $"Official {i:0000}", organisations[i % organisations.Length], Country: "BE"), "import")).ToList();
        string[] kyrgyz = ["o.karimova@customs.kg.example", "b.asanov@customs.kg.example", "a.toktogulova@customs.kg.example"];
        string[] names = ["Olga Karimova", "Bakyt Asanov", "Aida Toktogulova"];
        people.AddRange(kyrgyz.Select((email, i) => store.Create(new NewSubscriber(email, names[i],
            "State Customs Service of Kyrgyzstan", "ru", Country: "KG"), "import")));
        await store.WriteManyAsync(people, ct);
        var olga = people.Single(p => p.Email == kyrgyz[0]);

        // SendGrid reports Olga's address bounced, through the signed Event Webhook.
        const string Reason = "550 5.1.1 <o.karimova@customs.kg.example>: Recipient address rejected: User unknown";
        using (var http = new HttpClient { BaseAddress = new Uri(baseAddress) })
        {
            var body = JsonSerializer.Serialize(new[]
            {
                new Dictionary<string, object>
                {
                    ["email"] = olga.Email, ["timestamp"] = DateTimeOffset.UtcNow.AddMinutes(-3).ToUnixTimeSeconds(), ["event"] = "bounce",
                    ["type"] = "bounce", ["reason"] = Reason, ["sg_event_id"] = "ev-bounce-1", ["run_id"] = "weekly-2026-11-26T06",
                    ["batch_id"] = "b00000", ["subscriber_id"] = olga.Id,
                },
            });
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sendgrid/events")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(SendGridEventWebhook.TimestampHeader, timestamp);
            request.Headers.Add(SendGridEventWebhook.SignatureHeader, Convert.ToBase64String(
                _key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
            var answer = await http.SendAsync(request, ct);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync(ct));
        }

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
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal))
                problems.Add("console: " + message.Text + " at " + message.Location);
        };

        // Everyone, counted; then typing part of an organisation name narrows it as you type.
        Assert.Equal(200, (await page.GotoAsync($"{baseAddress}/api/console/subscribers"))!.Status);
        Assert.Contains("5000 subscribers", await page.Locator(".subs-count").InnerTextAsync(), StringComparison.Ordinal);
        await CheckPageAsync(page, "list", "Subscribers");
        await page.GetByLabel("Search", new() { Exact = true }).PressSequentiallyAsync("kyrgyz", new() { Delay = 40 });
        await page.Locator(".subs-count").Filter(new() { HasText = "3 subscribers" }).WaitForAsync();
        Assert.Equal(3, await page.Locator(".subs-list tbody tr").CountAsync());
        await page.WaitForURLAsync(url => url.Contains("q=kyrgyz", StringComparison.Ordinal));
        await CheckPageAsync(page, "search", "Subscribers");

        // Olga's profile: her address in full, why she no longer receives digests, and the digest it happened in.
        await page.GetByRole(AriaRole.Link, new() { Name = olga.Email }).ClickAsync();
        var profile = await page.Locator("main").InnerTextAsync();
        Assert.Contains(Reason, profile, StringComparison.Ordinal);
        Assert.Contains("Bounced", profile, StringComparison.Ordinal);
        Assert.Contains("weekly-2026-11-26T06", profile, StringComparison.Ordinal);
        await CheckPageAsync(page, "profile", "Subscriber");

        // Her address bounced, so the manage link would not arrive: the profile offers an address change instead. Once an admin
        // lifts the bounce (she says her mailbox works again), the link goes to her, and only to her.
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Mail them their manage link" }).CountAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        Assert.Contains("Activated", await page.Locator(".box.notice").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Mail them their manage link" }).ClickAsync();
        Assert.Contains($"The manage link was mailed to {olga.Email}.", await page.Locator(".box.notice").InnerTextAsync(), StringComparison.Ordinal);
        var mail = Assert.Single(OutboxMail.ReadAll(outbox));
        Assert.Equal(olga.Email, mail.To());
        Assert.Contains("/api/preferences?token=", mail.TextBody, StringComparison.Ordinal);
        await CheckPageAsync(page, "profile-sent", "Subscriber");

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The page's heading, axe finds no WCAG 2.1 A/AA violation, and at each width it fits (no horizontal scrolling) and has its
    /// screenshot, TestResults/screenshots/subscribers-&lt;name&gt;-&lt;width&gt;.png.
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
                $"subscribers-{name} ({width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"subscribers-{name} at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(screenshots, $"subscribers-{name}-{width}.png"), FullPage = true,
            });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
