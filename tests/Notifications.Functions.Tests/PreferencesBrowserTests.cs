using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Testing;
using static Notifications.Functions.Tests.BrowserPageServer;
using Notifications.Web;

namespace Notifications.Functions.Tests;

/// <summary>
/// The preferences page in a real browser (Debian's Chromium driven by Playwright, never a downloaded browser), served by a
/// small Kestrel app over the Core composition and a real Azurite. Screenshots go to TestResults/screenshots.
/// </summary>
public sealed class PreferencesBrowserTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SubscriberChangesFrequencyAndLanguageWithTheFormAndThePageFitsA320PixelScreen()
    {
        RequireChromium();
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartServerAsync(ct);
        var store = app.Services.GetRequiredService<SubscriberStore>();
        var subscriber = await store.AddAsync(new NewSubscriber("l.peeters@douane.example", "Lotte Peeters", "Belgian Customs"), ct);
        var links = app.Services.GetRequiredService<SubscriptionLinks>();
        var preferencesLink = links.Preferences(subscriber.Id);
        Assert.StartsWith(BaseAddress(app) + "/api/preferences?token=", preferencesLink);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1024, Height = 768 },
            Locale = "en-GB",
        });
        var page = await context.NewPageAsync();
        var failedRequests = new List<string>();
        page.RequestFailed += (_, request) => failedRequests.Add(request.Url);

        var opened = await page.GotoAsync(preferencesLink);
        Assert.Equal(200, opened!.Status);
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        await AssertEveryControlHasALabelAsync(page);

        await page.GetByLabel("Once a week").CheckAsync();
        await page.GetByLabel("Language of emails and pages").SelectOptionAsync(new SelectOptionValue { Label = "Русский" });
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save preferences" }).ClickAsync();
        // Wait for the page the submit leads to (its confirmation), not for the load state of the page being left.
        await page.Locator("#saved").WaitForAsync();

        // The saved form, now in Russian, shows the new state.
        Assert.Equal("ru", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("Настройки сохранены.", (await page.Locator("#saved").InnerTextAsync()).Trim());
        Assert.True(await page.GetByLabel("Раз в неделю").IsCheckedAsync());
        Assert.False(await page.GetByLabel("Раз в день").IsCheckedAsync());
        Assert.Equal("ru", await page.GetByLabel("Язык писем и страниц").InputValueAsync());
        Assert.StartsWith(BaseAddress(app) + "/api/preferences?token=", page.Url);
        await AssertEveryControlHasALabelAsync(page);

        var after = await store.GetAsync(subscriber.Id, ct);
        Assert.Equal(DigestFrequency.Weekly, after!.Frequency);
        Assert.Equal("ru", after.Language);
        Assert.Equal(SubscriberStatus.Active, after.Status);
        Assert.Empty(await context.CookiesAsync());
        Assert.Empty(failedRequests);

        var screenshots = Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "preferences.png"), FullPage = true });

        await page.SetViewportSizeAsync(320, 640);
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 320, $"At 320 px the page is {scrollWidth} px wide: something overflows horizontally.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "preferences-320.png"), FullPage = true });

        // The unsubscribe page's one button works in the browser too (a same-origin POST, allowed by form-action 'self'); the
        // subscription is weekly now, so there is no "send me weekly instead" beside it.
        await page.GotoAsync(links.Unsubscribe(subscriber.Id));
        Assert.Equal(1, await page.GetByRole(AriaRole.Button).CountAsync());
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Отписаться" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Вы отписаны" }).WaitForAsync();
        Assert.Equal("Вы отписаны", (await page.Locator("h1").InnerTextAsync()).Trim());
        Assert.Equal(SubscriberStatus.Unsubscribed, (await store.GetAsync(subscriber.Id, ct))!.Status);
    }

    /// <summary>Every visible input and select has exactly one label pointing at it.</summary>
    private static async Task AssertEveryControlHasALabelAsync(IPage page)
    {
        var ids = await page.Locator("input:not([type=hidden]), select").EvaluateAllAsync<string[]>("els => els.map(e => e.id)");
        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            Assert.False(string.IsNullOrEmpty(id), "A form control has no id, so no label can point at it.");
            Assert.Equal(1, await page.Locator($"label[for=\"{id}\"]").CountAsync());
        }
    }

    /// <summary>The preferences and unsubscribe pages on <see cref="BrowserPageServer"/>.</summary>
    private Task<WebApplication> StartServerAsync(CancellationToken ct)
        => StartAsync(TestSettings.For(azurite), app =>
        {
            var pages = app.Services.GetRequiredService<SubscriptionPages>();
            app.MapMethods("/api/preferences", [HttpMethods.Get, HttpMethods.Post],
                (HttpRequest request, CancellationToken token) => pages.PreferencesAsync(request, token));
            app.MapMethods("/api/unsubscribe", [HttpMethods.Get, HttpMethods.Post],
                (HttpRequest request, CancellationToken token) => pages.UnsubscribeAsync(request, token));
        }, ct);
}
