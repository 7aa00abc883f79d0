using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Digests;
using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// Renders the pages from the <c>page-*.html.sbn</c> templates: a body template, then <c>page-layout.html.sbn</c> around it
/// (the templates have no includes), with the words of the page's language (<see cref="PageWords"/>).
/// </summary>
internal sealed class PageRenderer(TemplateSet templates, IOptions<SenderOptions> sender)
{
    /// <summary>A page from a body template and its model.</summary>
    /// <param name="headers">The security headers; null: <see cref="PageResults.ApplySecurityHeaders"/> (no script at all).</param>
    public IResult Page(int status, string lang, string title, string template, ScriptObject model, Action<IHeaderDictionary>? headers = null)
    {
        var t = PageWords.ObjectFor(lang);
        model["lang"] = lang;
        model["t"] = t;
        var body = templates.RenderHtml(template, model);
        var html = templates.RenderHtml("page-layout.html.sbn", new ScriptObject
        {
            ["lang"] = lang,
            ["title"] = title,
            ["sender"] = sender.Value.SenderIn(lang),
            ["body"] = new RawHtml(body),
            // A page may say something else in the footer (the subscribe form: its one script); else "no cookies, no scripts".
            ["footer"] = model.TryGetValue("page_footer", out var footer) && footer is string text ? text : t["footer"],
            ["t"] = t,
        });
        return new HtmlResult(status, html, lang, headers ?? PageResults.ApplySecurityHeaders);
    }

    /// <summary>
    /// A page with a heading and paragraphs (<paramref name="kind"/>: notice, warning or error), and a link when given; with
    /// <paramref name="offerManageLink"/>, a last link to the manage-link request page (<see cref="ManageLinkPage"/>), so that a
    /// broken or expired link is never a dead end.
    /// </summary>
    public IResult Message(int status, string lang, string heading, string kind, IReadOnlyList<string> paragraphs, (string Href, string Text)? link = null,
        bool offerManageLink = false)
        => Page(status, lang, heading, "page-message.html.sbn", new ScriptObject
        {
            ["heading"] = heading,
            ["kind"] = kind,
            ["paragraphs"] = paragraphs,
            ["link_href"] = link?.Href ?? "",
            ["link_text"] = link?.Text ?? "",
            ["manage_href"] = offerManageLink ? ManageLinkPage.Href(lang) : "",
            ["manage_text"] = offerManageLink ? PageWords.For(lang)["manage_link_offer"] : "",
        });
}
