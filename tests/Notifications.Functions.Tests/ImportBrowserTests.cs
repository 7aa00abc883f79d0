using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notifications.Functions.Web;
using Notifications.Subscribers;
using Notifications.Testing;
using Notifications.Web;
using static Notifications.Functions.Tests.BrowserPageServer;

namespace Notifications.Functions.Tests;

/// <summary>
/// The admins' import and member administrations pages in a real browser (Debian's Chromium through Playwright): a CSV whose preview
/// shows one changed field, one refused row and a self-chosen frequency kept; a tampered apply refused; the applied result and its CSV;
/// the coverage report and a link by hand. Each page is checked by axe-core (WCAG 2.0/2.1 A and AA) at 1280 and 390 px, without
/// horizontal scrolling on a phone. Screenshots: TestResults/screenshots/console-import-&lt;page&gt;-&lt;width&gt;.png.
/// </summary>
public sealed class ImportBrowserTests(AzuriteFixture azurite)
{
    private static readonly int[] Widths = [1280, 390];

    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    private readonly List<string> errors = [];

    [Fact]
    public async Task AnAdminPreviewsAnImportKeepsASelfChosenFrequencyAppliesItAndLinksAMember()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        var settings = TestSettings.For(azurite);
        settings[ConsolePrincipal.PlatformAuthenticationSetting] = "true";
        settings["Members:Administrations:0:Key"] = "gb-hmrc";
        settings["Members:Administrations:0:Organization"] = "HM Revenue and Customs";
        settings["Members:Administrations:0:Country"] = "GB";
        settings["Members:Administrations:0:Names:fr"] = "Administration fiscale et douanière de Sa Majesté";
        settings["Members:Administrations:0:Aliases:0"] = "HMRC";
        settings["Members:Administrations:1:Organization"] = "Customs Committee of Uzbekistan";
        settings["Members:Administrations:1:Names:ru"] = "Таможенный комитет Республики Узбекистан";
        settings["Members:Administrations:1:Country"] = "UZ";
        await using var app = await StartAsync(settings, Map, ct);
        var baseAddress = BaseAddress(app);
        var store = app.Services.GetRequiredService<SubscriberStore>();
        var jane = await store.AddAsync(new NewSubscriber("jane.smith@hmrc.example", "Jane Smith", "HM Revenue and Customs", Country: "GB"), ct);
        var token = app.Services.GetRequiredService<SubscriptionTokens>().Issue(jane.Id, TokenPurpose.Preferences);
        await app.Services.GetRequiredService<SubscriptionSelfService>().UpdatePreferencesAsync(token,
            new PreferencesChange("weekly", [], "en", "UTC", UnsubscribeAll: false), ct);
        await app.Services.GetRequiredService<MemberLinks>().LinkAsync(jane.Email, "gb-hmrc", "test:admin", ct);
        await store.AddAsync(new NewSubscriber("d.karimova@customs.uz.example", "Dilnoza Karimova", "Customs Committee of Uzbekistan", Country: "UZ",
            Status: SubscriberStatus.Bounced), ct);
        await store.AddAsync(new NewSubscriber("x.officer@tax.example", "Xavier Officer", "Tax office", Country: "GB"), ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
        var admin = await NewPageAsync(browser, new ConsoleUser("ops@secretariat.example", "ops@secretariat.example",
            new HashSet<ConsoleRole> { ConsoleRole.Admin }));

        // The upload form: nothing is written before the preview.
        Assert.Equal(200, (await admin.GotoAsync($"{baseAddress}/api/console/import"))!.Status);
        await CheckPageAsync(admin, "upload", "Import subscribers");
        Assert.False(await admin.GetByLabel("Overwrite preferences subscribers chose themselves").IsCheckedAsync());
        await admin.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload
        {
            Name = "officials.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes("email,name,organization,country,frequency\r\n" +
                "jane.smith@hmrc.example,,,IE,daily\r\n" +
                "bad.country@customs.example,Bad Country,Customs,XX,\r\n" +
                "new.official@hmrc.example,New Official,H.M. Revenue & Customs,GB,\r\n"),
        });
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Preview" }).ClickAsync();
        await admin.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Preview of officials.csv" }).WaitForAsync();

        var changed = admin.Locator("tr[data-outcome=changed]");
        Assert.Equal("jane.smith@hmrc.example", (await changed.Locator("td").Nth(1).InnerTextAsync()).Trim());
        Assert.Equal(["country: GB → IE", "frequency: the subscriber's own choice weekly is kept (the file says daily)"],
            (await changed.Locator("li").AllInnerTextsAsync()).Select(t => t.Trim()));
        var refused = admin.Locator("tr[data-outcome=refused]");
        Assert.Equal("3", (await refused.Locator("td").First.InnerTextAsync()).Trim());
        Assert.Contains("country: ", await refused.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("member: gb-hmrc", await admin.Locator("tr[data-outcome=new]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(DigestFrequency.Weekly, (await store.FindByEmailAsync("jane.smith@hmrc.example", ct))!.Frequency);
        Assert.Null(await store.FindByEmailAsync("new.official@hmrc.example", ct));
        await CheckPageAsync(admin, "preview", "Import subscribers");

        // A tampered apply (another hash than the previewed file's) writes nothing.
        var form = admin.Locator("form[action='/api/console/import']");
        var tampered = await admin.APIRequest.PostAsync($"{baseAddress}/api/console/import", new APIRequestContextOptions
        {
            Form = admin.APIRequest.CreateFormData()
                .Set(ConsoleAntiForgery.Field, await form.Locator($"input[name={ConsoleAntiForgery.Field}]").InputValueAsync())
                .Set("action", "apply")
                .Set("upload", await form.Locator("input[name=upload]").InputValueAsync())
                .Set("sha256", new string('0', 64)),
            MaxRedirects = 0,
        });
        Assert.Equal(409, tampered.Status);
        Assert.Null(await store.FindByEmailAsync("new.official@hmrc.example", ct));

        // Apply: the same file; the result page, and its CSV.
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Apply this file" }).ClickAsync();
        await admin.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Import applied" }).WaitForAsync();
        var stored = await store.FindByEmailAsync("jane.smith@hmrc.example", ct);
        Assert.Equal((DigestFrequency.Weekly, "IE"), (stored!.Frequency, stored.Country));
        Assert.Equal("gb-hmrc", (await store.FindByEmailAsync("new.official@hmrc.example", ct))!.Member);
        await CheckPageAsync(admin, "result", "Import applied");
        var download = await admin.APIRequest.GetAsync(baseAddress + await admin.Locator("a[download]").GetAttributeAsync("href"));
        Assert.Equal(200, download.Status);
        var result = Encoding.UTF8.GetString(await download.BodyAsync());
        Assert.Contains("2,jane.smith@hmrc.example,changed,country: GB → IE,frequency: weekly kept (file: daily),", result, StringComparison.Ordinal);
        Assert.Contains("3,bad.country@customs.example,refused,", result, StringComparison.Ordinal);

        // The member administrations: HMRC covered (two spellings), Uzbekistan only bounced; a link by hand.
        Assert.Equal(200, (await admin.GotoAsync($"{baseAddress}/api/console/members"))!.Status);
        await CheckPageAsync(admin, "members", "Member administrations");
        Assert.Contains("covered", await admin.Locator("tr[data-key=gb-hmrc]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("only bounced or complained contacts", await admin.Locator("tr[data-key=uz]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Tax office", await admin.Locator("table.members-unmatched").InnerTextAsync(), StringComparison.Ordinal);
        await admin.GetByLabel("Subscriber's address").FillAsync("x.officer@tax.example");
        await admin.GetByLabel("Administration", new PageGetByLabelOptions { Exact = true }).SelectOptionAsync("gb-hmrc");
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Link", Exact = true }).ClickAsync();
        await admin.GetByText("x.officer@tax.example is now linked to HM Revenue and Customs.").WaitForAsync();
        Assert.Equal("gb-hmrc", (await store.FindByEmailAsync("x.officer@tax.example", ct))!.Member);
        Assert.Equal("3", (await admin.Locator("tr[data-key=gb-hmrc] td").Nth(2).InnerTextAsync()).Trim());
        await CheckPageAsync(admin, "members-linked", "Member administrations");

        // An unknown address: said so, and the address typed is kept.
        await admin.GetByLabel("Subscriber's address").FillAsync("nobody@tax.example");
        await admin.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Link", Exact = true }).ClickAsync();
        await admin.GetByText("No subscriber has the address nobody@tax.example. Check it and try again.").First.WaitForAsync();
        Assert.Equal("nobody@tax.example", await admin.GetByLabel("Subscriber's address").InputValueAsync());
    }

    private static void Map(WebApplication app)
    {
        ConsoleFoundationTests.MapConsole(app);
        app.MapMethods("/api/console/import", [HttpMethods.Get, HttpMethods.Post], (HttpRequest request, CancellationToken token)
            => ActivatorUtilities.CreateInstance<AdminImport>(request.HttpContext.RequestServices).Import(request, token));
        app.MapMethods("/api/console/import/result", [HttpMethods.Get], (HttpRequest request, CancellationToken token)
            => ActivatorUtilities.CreateInstance<AdminImport>(request.HttpContext.RequestServices).ImportResult(request, token));
        app.MapMethods("/api/console/members", [HttpMethods.Get, HttpMethods.Post], (HttpRequest request, CancellationToken token)
            => ActivatorUtilities.CreateInstance<AdminImport>(request.HttpContext.RequestServices).Members(request, token));
    }

    private async Task<IPage> NewPageAsync(IBrowser browser, ConsoleUser user)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Widths[0], Height = 900 },
            Locale = "en-GB",
            ExtraHTTPHeaders = new Dictionary<string, string> { [ConsolePrincipal.Header] = ConsolePrincipal.Encode(user) },
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error"
                && !message.Text.StartsWith("Failed to load resource: the server responded with a status of 40", StringComparison.Ordinal))
                errors.Add(message.Text);
        };
        return page;
    }

    private async Task CheckPageAsync(IPage page, string name, string heading)
    {
        Assert.Empty(errors);
        Assert.Equal(heading, (await page.Locator("h1").InnerTextAsync()).Trim());
        Assert.Equal("rgb(30, 58, 138)", await page.Locator("header").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            var axe = await page.RunAxe(WcagAA);
            Assert.True(axe.Violations.Length == 0,
                $"console import {name} ({width} px): axe found " + string.Join("; ", axe.Violations.Select(v =>
                    $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"console import {name} at {width} px is {scrollWidth} px wide: something overflows horizontally.");
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(screenshots, $"console-import-{name}-{width}.png"),
                FullPage = true,
            });
        }
        await page.SetViewportSizeAsync(Widths[0], 900);
    }
}
