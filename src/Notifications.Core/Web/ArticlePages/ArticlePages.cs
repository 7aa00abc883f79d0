using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Localization;
using Notifications.Mail;
using Notifications.Storage;
using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The public page of every accepted article (<c>/api/articles/{blob name}</c>, anonymous): its sanitised body, session line,
/// topics, original link and links to its translations, in the article's language and the subscriber pages' look. Digest items
/// without a <c>url</c> link here (<see cref="ArticleLinks"/>), so every item links somewhere.
/// <para>
/// Answers: 200 for an accepted article whose time has come (<see cref="IndexedArticle.AvailableAt"/> ≤ now); 410 for a withdrawn
/// one (or one whose file is gone); 301 from a duplicate to its original's page; 404 for anything else (held, draft, rejected,
/// unknown, a name that cannot be a blob name). The page is cached publicly for <see cref="CacheSeconds"/> seconds at most, so a
/// withdrawal reaches every reader within that; every other answer is never cached.
/// </para>
/// </summary>
public sealed partial class ArticlePages(
    ArticleIndex index,
    ArticlePublisher files,
    IOptions<ArticleOptions> articleOptions,
    ArticleParser parser,
    HtmlArticleReader sanitizer,
    ArticleLinks links,
    TemplateSet templates,
    IOptions<SenderOptions> sender,
    TimeProvider time,
    ILogger<ArticlePages> logger)
{
    /// <summary>How long a browser or proxy may keep a page: a withdrawal takes effect everywhere within this.</summary>
    public const int CacheSeconds = 60;

    /// <summary>The subscriber pages' policy, with images that the article carries inline (data: URLs; remote ones are never kept).</summary>
    public const string ContentSecurityPolicy = PageResults.ContentSecurityPolicy + "; img-src data:";

    /// <summary>GET/HEAD of <c>/api/articles/{*name}</c>.</summary>
    public async Task<IResult> ShowAsync(HttpRequest request, string name, CancellationToken ct = default)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            var lang = PageLanguage.Of(request);
            return PageResults.WithHeader(Message(405, lang, "error", "pages.method_title", "article_page.method_text"), "Allow", "GET, HEAD");
        }
        if (!ArticleNames.IsValid(name) || await index.GetAsync(name, ct) is not { Article: var article })
            return NotFound(PageLanguage.Of(request));

        var pageLang = PageLanguage.Preferring(article.Language, request);
        switch (article.Status)
        {
            case ArticleStatus.Withdrawn:
                return Withdrawn(pageLang);
            case ArticleStatus.Duplicate when article.DuplicateOf is { } original && ArticleNames.IsValid(original):
                return PageResults.WithSecurityHeaders(Results.Redirect(links.Page(original), permanent: true));
            case ArticleStatus.Accepted when article.AvailableAt is { } at && at <= time.GetUtcNow():
                break;
            default:
                return NotFound(pageLang);
        }

        // At most MaxBytes + 1 bytes: a file that grew past the limit is refused by the parser rather than cut.
        var content = await files.ReadAsync(name, articleOptions.Value.MaxBytes, ct);
        if (content is null)
            return Withdrawn(pageLang);
        Article parsed;
        try
        {
            parsed = parser.Parse(name, content);
        }
        catch (ArticleRejectedException e)
        {
            // The file changed since it was accepted and no longer passes: the ingest will say so; until then there is no page.
            logger.LogWarning("The article page of {BlobName} is not shown: its file no longer parses ({Code})", name, e.Rejection.Code);
            return NotFound(pageLang);
        }
        if (parsed.Draft)
            return NotFound(pageLang);

        // The other accepted, available articles of its group (one whose file is gone is marked withdrawn and left out).
        var now = time.GetUtcNow();
        var translations = article.TranslationKey is { } key
            ? (await index.ListAvailableAsync(DateTimeOffset.UnixEpoch, now.AddSeconds(1), ct, key, includeNotNews: true))
                .Where(t => t.BlobName != article.BlobName && t.AvailableAt <= now).ToList()
            : [];
        return Page(200, Render(article, parsed.BodyHtml, translations), LanguageOf(article), $"public, max-age={CacheSeconds}");
    }

    /// <summary>The page's HTML for an article and its body (the desk previews a draft with it); <paramref name="translations"/>
    /// are the other articles of its group. The body is sanitised again here, whoever made it.</summary>
    public string Render(IndexedArticle article, string bodyHtml, IReadOnlyList<IndexedArticle> translations)
    {
        var lang = LanguageOf(article);
        var locale = DigestLocale.For(lang);
        var body = sanitizer.Sanitize(bodyHtml ?? "");
        var date = article.Published ?? article.AvailableAt;
        // Other languages only: two files of one language that share a group are not each other's translations.
        var others = translations
            .Where(t => t.BlobName != article.BlobName && !string.Equals(t.Language, article.Language, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => LanguageOrder(t.Language))
            .ThenBy(t => t.Language, StringComparer.Ordinal)
            .Select(t => new ScriptObject
            {
                ["href"] = links.Page(t.BlobName),
                ["lang"] = t.Language,
                ["language_name"] = Translations.Find(t.Language) is { } words ? words["language.name"] : t.Language,
                ["title"] = t.Title,
            })
            .ToList();
        var model = new ScriptObject
        {
            ["lang"] = lang,
            ["article_lang"] = string.IsNullOrWhiteSpace(article.Language) ? lang : article.Language,
            ["title"] = article.Title,
            ["summary"] = article.Summary,
            ["session"] = locale.SessionLine(article.SessionOrNone),
            ["published"] = date is { } d
                ? Translations.For(lang)["article_page.published"].Replace("{date}", locale.Date(DateOnly.FromDateTime(d.UtcDateTime)),
                    StringComparison.Ordinal)
                : "",
            ["has_body"] = HasContent(body),
            ["body"] = new RawHtml(body),
            ["url"] = article.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? url : "",
            ["topics"] = article.Topics.Select(locale.Topic).ToList(),
            ["translations"] = others,
        };
        return Layout(lang, article.Title,
            templates.RenderHtml("article-page.html.sbn", model), templates.RenderHtml("article-page.head.html.sbn", model));
    }

    /// <summary>
    /// A page in the subscriber pages' layout, named as the article pages' service ("Session reports"), with <paramref name="head"/>
    /// (the page's own styles and alternate-language links) put into the layout's head, whose title is escaped, so the only
    /// <c>&lt;/head&gt;</c> in it is the layout's own.
    /// </summary>
    private string Layout(string lang, string title, string body, string head)
    {
        var t = PageWords.ObjectFor(lang);
        t["service"] = Translations.For(lang)["article_page.service"];
        var html = templates.RenderHtml("page-layout.html.sbn", new ScriptObject
        {
            ["lang"] = lang,
            ["title"] = title,
            ["sender"] = sender.Value.SenderIn(lang),
            ["body"] = new RawHtml(body),
            ["footer"] = t["footer"],
            ["t"] = t,
        });
        var end = html.IndexOf("</head>", StringComparison.Ordinal);
        return end < 0 || head.Length == 0 ? html : html.Insert(end, head);
    }

    /// <summary>Whether a sanitised body shows anything: text or an image (an empty paragraph is nothing; the summary shows instead).</summary>
    private static bool HasContent(string body)
        => body.Contains("<img", StringComparison.OrdinalIgnoreCase) || Tags().Replace(body, "").Trim().Length > 0;

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    /// <summary>The page's own words are in the article's language when it is one of ours, else in English.</summary>
    private static string LanguageOf(IndexedArticle article)
        => Translations.Find(article.Language) is null ? Translations.Fallback : article.Language;

    /// <summary>Translations in the pages' order of languages (en, ru, fr), then any other.</summary>
    private static int LanguageOrder(string language)
    {
        for (var i = 0; i < Translations.Languages.Count; i++)
            if (Translations.Languages[i] == language) return i;
        return int.MaxValue;
    }

    /// <summary>
    /// An article page with the subscriber pages' security headers (<see cref="PageResults"/>), a policy that also lets the
    /// article's inline images show (<see cref="ContentSecurityPolicy"/>), and its cache lifetime.
    /// </summary>
    private static HtmlResult Page(int status, string html, string lang, string cacheControl)
        => new(status, html, lang, headers =>
        {
            PageResults.ApplySecurityHeaders(headers);
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.CacheControl = cacheControl;
        });

    private IResult NotFound(string lang) => Message(404, lang, "error", "article_page.not_found_title", "article_page.not_found_text");

    private IResult Withdrawn(string lang) => Message(410, lang, "warning", "article_page.withdrawn_title", "article_page.withdrawn_text");

    /// <summary>A page with a heading and one paragraph (the subscriber pages' message), never cached.</summary>
    private HtmlResult Message(int status, string lang, string kind, string titleKey, string textKey)
    {
        var words = Translations.For(lang);
        var body = templates.RenderHtml("page-message.html.sbn", new ScriptObject
        {
            ["lang"] = lang,
            ["heading"] = words[titleKey],
            ["kind"] = kind,
            ["paragraphs"] = new[] { words[textKey] },
            ["link_href"] = "",
            ["link_text"] = "",
            ["manage_href"] = "",
            ["manage_text"] = "",
        });
        return Page(status, Layout(lang, words[titleKey], body, ""), lang, "no-store");
    }
}
