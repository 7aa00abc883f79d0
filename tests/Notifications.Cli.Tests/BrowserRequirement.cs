namespace Notifications.Cli.Tests;

/// <summary>Browser tests need Debian's Chromium: skipped without it, failed instead when REQUIRE_BROWSER=1 (as in CI).</summary>
public static class BrowserRequirement
{
    public static void RequireChromium()
    {
        if (File.Exists(DigestScreenshots.Chromium)) return;
        if (Environment.GetEnvironmentVariable("REQUIRE_BROWSER") == "1")
            Assert.Fail($"REQUIRE_BROWSER=1 but {DigestScreenshots.Chromium} does not exist: install Debian chromium: apt-get install -y chromium");
        Assert.Skip($"{DigestScreenshots.Chromium} does not exist: install Debian chromium: apt-get install -y chromium (set REQUIRE_BROWSER=1 to " +
            $"fail instead of skipping).");
    }
}
