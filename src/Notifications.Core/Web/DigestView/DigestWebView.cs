using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// GET /api/digests/{run}/{variant}: a run's digest as a page ("view in browser"). The page is the variant's rendering made again
/// from what it carries (<see cref="DigestRendering"/>) with <c>web_view</c> set: no greeting, no "view in browser", no mail-only
/// markup, a <c>main</c> landmark, and a footer that leads to the manage-link request and the subscribe page in the variant's
/// language (<see cref="ForPage"/>). A run archived before renderings were recorded shows its archived mail HTML. The page is the
/// same for everyone and never acts on anyone's subscription. It has the subscriber pages' security headers; a run or variant that
/// does not exist is their 404 page, in the variant's language (else the request's).
/// </summary>
public sealed partial class DigestWebView(DigestArchive archive, DigestRenderer renderer, SubscriptionLinks links, SubscriptionPages pages)
{
    public async Task<IResult> ViewAsync(HttpRequest request, string runId, string variant, CancellationToken ct)
    {
        var valid = RunId().IsMatch(runId) && Variant().IsMatch(variant);
        if (!valid) return pages.DigestNotFound(request, variant.Length >= 2 ? variant[..2] : null);
        var html = await archive.LoadRenderingAsync(runId, variant, ct) is { } rendering
            ? Page(rendering)
            : await archive.LoadAsync(runId, variant, ct) is { } digest
                ? (digest.Placeholders ?? MailPlaceholders.Legacy).Apply(digest.Html, ForPage(variant[..2]))
                : null;
        return html is null
            ? pages.DigestNotFound(request, variant[..2])
            : PageResults.WithSecurityHeaders(Results.Content(html, "text/html; charset=utf-8"));
    }

    /// <summary>The page version of a rendering (<c>web_view</c>), its links those of <see cref="ForPage"/>.</summary>
    public string Page(DigestRendering rendering)
    {
        var page = renderer.Render(rendering.Shown, rendering.Articles, rendering.Language, correction: rendering.Correction, topics: rendering.Topics,
            webView: true);
        return page.Placeholders!.Apply(page.Html, ForPage(DigestLocale.For(rendering.Language).Language));
    }

    /// <summary>
    /// Nobody in particular: no name, and in place of one recipient's links the manage-link request (preferences) and the subscribe
    /// page (unsubscribe), both in the page's language (what a rendering archived as mail HTML links to when shown as a page).
    /// </summary>
    private Recipient ForPage(string language)
        => new("", "", "", links.Subscribe(language), $"{links.BaseUrl}/api/manage-link?lang={Uri.EscapeDataString(language)}");

    [GeneratedRegex("^((daily|weekly)-[0-9TW-]{8,13}|instant-[0-9a-f]{16})$")]
    private static partial Regex RunId();

    [GeneratedRegex("^[a-z]{2}(-t[0-9a-f]{8})?(-[0-9]{1,5})?(-w[0-9a-f]{8})?$")]
    private static partial Regex Variant();
}
