using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// GET /api/digests/{run}/{variant}: a run's archived HTML (<see cref="DigestArchive"/>) as a page ("view in browser"). The
/// placeholders for one recipient's name and links become neutral ones: the page is the same for everyone and must not act
/// on anyone's subscription. It has the subscriber pages' security headers; a run or variant that does not exist is their 404
/// page, in the variant's language (else the request's).
/// </summary>
public sealed partial class DigestWebView(DigestArchive archive, SubscriptionLinks links, SubscriptionPages pages)
{
    public async Task<IResult> ViewAsync(HttpRequest request, string runId, string variant, CancellationToken ct)
    {
        var valid = RunId().IsMatch(runId) && Variant().IsMatch(variant);
        if (!valid || await archive.LoadAsync(runId, variant, ct) is not { } digest)
            return pages.DigestNotFound(request, variant.Length >= 2 ? variant[..2] : null);
        var html = (digest.Placeholders ?? MailPlaceholders.Legacy)
            .Apply(digest.Html, new Recipient("", "", "subscriber", links.Subscribe(), links.Subscribe()));
        return PageResults.WithSecurityHeaders(Results.Content(html, "text/html; charset=utf-8"));
    }

    [GeneratedRegex("^((daily|weekly)-[0-9TW-]{8,13}|instant-[0-9a-f]{16})$")]
    private static partial Regex RunId();

    [GeneratedRegex("^[a-z]{2}(-t[0-9a-f]{8})?(-[0-9]{1,5})?(-w[0-9a-f]{8})?$")]
    private static partial Regex Variant();
}
