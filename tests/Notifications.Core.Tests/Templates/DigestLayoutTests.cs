using Notifications.Digests;

namespace Notifications.Core.Tests.Templates;

/// <summary>
/// The digest layout (<c>digest.html.sbn</c>): a dark mode that survives inlining, a preheader without a colour for spam filters to
/// compare with the background, and the web view's page version (<c>web_view</c>) without the mail's own markup.
/// </summary>
public sealed class DigestLayoutTests
{
    private static readonly DigestRenderer Renderer = DigestRendererTests.Renderer;

    public static TheoryData<string> Languages => new("en", "ru", "fr");

    [Fact]
    public void TheDarkModeRulesStayInAStyleBlockAndOverrideTheInlinedLightColours()
    {
        var html = Renderer.Render(DigestRendererTests.Day, DigestSamples.For("en"), "en").Html;
        Assert.Contains("<meta name=\"color-scheme\" content=\"light dark\">", html);
        Assert.Contains("<meta name=\"supported-color-schemes\" content=\"light dark\">", html);
        var dark = html[html.IndexOf("@media (prefers-color-scheme: dark)", StringComparison.Ordinal)..];
        dark = dark[..dark.IndexOf("</style>", StringComparison.Ordinal)];
        // Inline styles win over a <style> block unless the block's rule is !important: every dark declaration is.
        var declarations = dark.Split(['{', '}', ';'], StringSplitOptions.TrimEntries).Where(d => d.Contains(':') && !d.StartsWith('@')).ToList();
        Assert.NotEmpty(declarations);
        Assert.All(declarations, d => Assert.EndsWith("!important", d));
        Assert.Contains(".card { background-color: #1e293b !important", dark);
    }

    [Fact]
    public void ThePreheaderIsHiddenWithoutAColourOrOpacity()
    {
        var html = Renderer.Render(DigestRendererTests.Day, DigestSamples.For("en"), "en").Html;
        var start = html.IndexOf("<div class=\"preheader\"", StringComparison.Ordinal);
        var tag = html[start..html.IndexOf('>', start)];
        // SpamAssassin's HTML_FONT_LOW_CONTRAST scores a colour close to the background's; display: none hides it without one.
        Assert.Contains("display: none", tag);
        Assert.DoesNotContain("color", tag);
        Assert.DoesNotContain("opacity", tag);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void TheWebViewIsAPageWithAMainLandmarkAndNoMailOnlyMarkup(string language)
    {
        var html = Renderer.Render(DigestRendererTests.Day, DigestSamples.For(language), language,
            "https://notify.secretariat.example/api/digests/daily-2026-11-26/" + language, webView: true).Html;
        var mail = Renderer.Render(DigestRendererTests.Day, DigestSamples.For(language), language,
            "https://notify.secretariat.example/api/digests/daily-2026-11-26/" + language).Html;

        Assert.Contains("<main class=\"container\"", html);
        Assert.DoesNotContain("<main", mail);
        foreach (var mailOnly in new[] { "mso", "[if ", "preheader", "x-apple-disable-message-reformatting", "format-detection",
                     "cellpadding", "cellspacing", "/api/digests/", "class=\"greeting\"" })
        {
            Assert.DoesNotContain(mailOnly, html);
            Assert.Contains(mailOnly, mail);
        }
        Assert.Contains($"https://notify.secretariat.example/api/manage-link?lang={language}", html);
        Assert.Contains($"https://notify.secretariat.example/api/subscribe?lang={language}", html);
        Assert.Contains("@media (prefers-color-scheme: dark)", html);
    }
}
