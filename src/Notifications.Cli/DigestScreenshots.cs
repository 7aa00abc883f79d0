using Microsoft.Playwright;

namespace Notifications.Cli;

/// <summary>
/// Screenshots of a rendered digest in Debian's headless Chromium (driven by Playwright; never a downloaded browser).
/// The page gets no network: a template that points at a remote image or font shows what a client blocking images shows.
/// </summary>
public static class DigestScreenshots
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>A desktop mail client's reading pane and a phone.</summary>
    public static IReadOnlyList<int> Widths { get; } = [1000, 390];

    public static readonly string[] ChromiumArgs =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"
        ];

    /// <summary>Fails with what to do when Chromium is not installed.</summary>
    public static void RequireChromium()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException(
                $"--screenshot needs Chromium at {Chromium}, which does not exist: install it (apt-get install -y chromium), or leave out --screenshot.");
    }

    /// <summary>Writes <c>digest-&lt;width&gt;.png</c> (the full page) into <paramref name="folder"/> for each width; returns the paths.</summary>
    public static async Task<IReadOnlyList<string>> TakeAsync(string html, string folder, IEnumerable<int> widths, CancellationToken ct = default)
    {
        RequireChromium();
        var paths = new List<string>();
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await LaunchAsync(playwright);
            foreach (var width in widths)
            {
                ct.ThrowIfCancellationRequested();
                var page = await OpenAsync(browser, html, width);
                var path = Path.Combine(folder, $"digest-{width}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
                await page.CloseAsync();
                paths.Add(path);
            }
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"Chromium could not take the screenshots: {e.Message.Split('\n')[0]}", e);
        }
        return paths;
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
        => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });

    /// <summary>A page of the given width showing the HTML, with every network request refused.</summary>
    public static async Task<IPage> OpenAsync(IBrowser browser, string html, int width, int height = 800)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        await page.RouteAsync("**/*", route => route.AbortAsync());
        await page.SetContentAsync(html);
        return page;
    }
}
