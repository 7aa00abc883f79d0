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
    StorageResources storage,
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

    private readonly PageRenderer _renderer = new(templates, sender);
    private readonly ArticleBlobReader _files = new(storage, articleOptions);

    /// <summary>GET/HEAD of <c>/api/articles/{*name}</c>.</summary>
    public async Task<IResult> ShowAsync(HttpRequest request, string name, CancellationToken ct = default)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            var lang = PageLanguage.Of(request);
            return PageResults.WithHeader(Message(405, lang, "pages.method_title", "article_page.method_text"), "Allow", "GET, HEAD");
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

        var content = await _files.ReadAsync(name, ct);
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
            ? (await index.ListAvailableAsync(DateTimeOffset.UnixEpoch, now.AddSeconds(1), ct, key))
                .Where(t => t.BlobName != article.BlobName && t.AvailableAt <= now).ToList()
            : [];
        return new ArticlePageResult(200, Render(article, parsed.BodyHtml, translations), pageLang, $"public, max-age={CacheSeconds}");
    }

    /// <summary>The page's HTML for an article and its body (the desk previews a draft with it); <paramref name="translations"/>
    /// are the other articles of its group. The body is sanitised again here, whoever made it.</summary>
    public string Render(IndexedArticle article, string bodyHtml, IReadOnlyList<IndexedArticle> translations)
    {
        var lang = Translations.Find(article.Language) is null ? Translations.Fallback : article.Language;
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
        var t = PageWords.ObjectFor(lang);
        t["service"] = Translations.For(lang)["article_page.service"];
        var html = templates.RenderHtml("page-layout.html.sbn", new ScriptObject
        {
            ["lang"] = lang,
            ["title"] = article.Title,
            ["sender"] = sender.Value.Sender,
            ["body"] = new RawHtml(templates.RenderHtml("article-page.html.sbn", model)),
            ["t"] = t,
        });
        // The page's own styles and alternate-language links go into the layout's head (whose title is escaped, so this is its own).
        var head = html.IndexOf("</head>", StringComparison.Ordinal);
        return head < 0 ? html : html.Insert(head, templates.RenderHtml("article-page.head.html.sbn", model));
    }

    /// <summary>Whether a sanitised body shows anything: text or an image (an empty paragraph is nothing; the summary shows instead).</summary>
    private static bool HasContent(string body)
        => body.Contains("<img", StringComparison.OrdinalIgnoreCase) || Tags().Replace(body, "").Trim().Length > 0;

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    /// <summary>Translations in the pages' order of languages (en, ru, fr), then any other.</summary>
    private static int LanguageOrder(string language)
    {
        for (var i = 0; i < Translations.Languages.Count; i++)
            if (Translations.Languages[i] == language) return i;
        return int.MaxValue;
    }

    private IResult NotFound(string lang) => Message(404, lang, "article_page.not_found_title", "article_page.not_found_text");

    private IResult Withdrawn(string lang) => Message(410, lang, "article_page.withdrawn_title", "article_page.withdrawn_text");

    private IResult Message(int status, string lang, string titleKey, string textKey)
    {
        var words = Translations.For(lang);
        return _renderer.Message(status, lang, words[titleKey], "error", [words[textKey]]);
    }
}
