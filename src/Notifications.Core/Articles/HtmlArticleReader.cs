using System.Text;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Notifications.Articles;

/// <summary>
/// Reads an article saved as an HTML page: takes the title (the article's <c>&lt;h1&gt;</c>, else the page <c>&lt;title&gt;</c>
/// without its " | Site name" suffix) and the article body without the site around it (navigation, header, footer, sidebars,
/// breadcrumbs, cookie banners, share buttons), sanitised to a small allow-list of formatting and structure.
/// The body never keeps scripts, styles, event handlers, frames, forms, or anything that loads a remote resource
/// (remote images, stylesheets, CSS url(), srcset): digest emails must not track their readers.
/// </summary>
/// <remarks>Pure: no I/O. Thread-safe: the sanitizer is configured once and never changed; each call parses its own document.</remarks>
public sealed class HtmlArticleReader
{
    private static readonly string[] AllowedTagNames =
    [
        "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "figure", "figcaption", "img",
    ];

    /// <summary>Elements removed with everything inside them before sanitising: site chrome and anything that is not article text.</summary>
    private static readonly HashSet<string> DropWithContent = new(StringComparer.OrdinalIgnoreCase)
    {
        "nav", "header", "footer", "aside", "form", "menu", "dialog",
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "param",
        "svg", "math", "canvas", "video", "audio", "source", "track", "picture", "map", "area",
        "link", "meta", "base", "title", "head",
        "input", "button", "select", "textarea", "option", "optgroup", "datalist", "output", "progress", "meter",
        "xmp", "plaintext", "listing", "noembed", "noframes", "slot", "portal",
    };

    /// <summary>Containers that are not allowed but hold paragraphs: unwrapped, or turned into a paragraph when they only hold text.</summary>
    private static readonly HashSet<string> BlockContainers = new(StringComparer.OrdinalIgnoreCase)
    {
        "div", "section", "article", "main", "body", "pre", "address", "center", "details", "summary", "dl", "dt", "dd",
        "hgroup", "fieldset", "legend", "h1",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table", "caption", "thead", "tbody", "tfoot",
        "tr", "th", "td", "figure", "figcaption",
    };

    private static readonly string[] ChromeRoles = ["navigation", "banner", "contentinfo"];
    private static readonly string[] ChromeNameParts = ["breadcrumb", "nav", "menu", "cookie", "share", "footer", "header"];
    private static readonly string[] TitleSeparators = [" | ", " - ", " – ", " — ", " · ", " :: ", " » "];
    private static readonly string[] SafeImagePrefixes =
        ["data:image/png;base64,", "data:image/jpeg;base64,", "data:image/jpg;base64,", "data:image/gif;base64,", "data:image/webp;base64,"];

    private readonly HtmlSanitizer _sanitizer;

    public HtmlArticleReader()
    {
        _sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = Set(AllowedTagNames),
            AllowedAttributes = Set("href", "src", "alt", "title", "colspan", "rowspan", "scope"),
            // data: only survives on <img src> (FilterUrl); links are limited to http, https and mailto.
            AllowedSchemes = Set("http", "https", "mailto", "data"),
            UriAttributes = Set("href", "src"),
            UriListAttributes = Set(),
            AllowedCssProperties = Set(),
            AllowedClasses = Set(),
            AllowedAtRules = new HashSet<CssRuleType>(),
            AllowCssCustomProperties = false,
            AllowDataAttributes = false,
        })
        {
            // Anything not allowed goes with its content: the text worth keeping was unwrapped before sanitising.
            KeepChildNodes = false,
        };
        _sanitizer.FilterUrl += (_, e) => e.SanitizedUrl = FilterUrl(e.Tag, e.SanitizedUrl);
        _sanitizer.PostProcessDom += (_, e) => { if (e.Document.Body is { } body) PostProcess(body); };
    }

    public ExtractedContent Read(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var document = new HtmlParser().ParseDocument(html);

        var titleHeading = FindTitleHeading(document);
        var title = titleHeading is not null ? SingleLine(TextOf(titleHeading)) : PageTitle(document);
        var baseUrl = BaseUrl(document);

        var container = FindContainer(document);
        if (container is null)
            return new ExtractedContent(title, "", "");
        titleHeading?.Remove();
        RemoveChrome(container);
        Normalise(container);
        WrapInlineRuns(container);

        var bodyHtml = _sanitizer.Sanitize(container.InnerHtml, baseUrl).Trim();
        return new ExtractedContent(title, bodyHtml, ToText(bodyHtml));
    }

    /// <summary>
    /// Makes HTML that the pipeline rendered from an editor's Markdown as safe as a page's body: the same normalisation and
    /// allow-list, nothing extracted (no title, no chrome removal).
    /// </summary>
    public string Sanitize(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var document = new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + html + "</body></html>");
        if (document.Body is not { } body) return "";
        Normalise(body);
        WrapInlineRuns(body);
        return _sanitizer.Sanitize(body.InnerHtml).Trim();
    }

    // ---- Title ----

    private static IElement? FindTitleHeading(IDocument document)
        => document.QuerySelectorAll("article h1, main h1").FirstOrDefault(HasText)
           ?? document.QuerySelectorAll("h1").FirstOrDefault(h => HasText(h) && !IsInsideChrome(h))
           ?? document.QuerySelectorAll("h1").FirstOrDefault(HasText);

    private static bool HasText(IElement e) => !string.IsNullOrWhiteSpace(TextOf(e));

    private static bool IsInsideChrome(IElement e)
    {
        for (var a = e.ParentElement; a is not null; a = a.ParentElement)
            if (a.LocalName is "nav" or "header" or "footer" or "aside" || HasChromeRole(a))
                return true;
        return false;
    }

    private static string? PageTitle(IDocument document)
    {
        var raw = document.Head?.QuerySelector("title")?.TextContent ?? document.QuerySelector("title")?.TextContent;
        var title = SingleLine(raw ?? "");
        if (title is null) return null;
        // "Article title | Site name", "Article title - Site name": the last segment is the site.
        foreach (var separator in TitleSeparators)
        {
            var at = title.LastIndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && title.Length - at - separator.Length <= 80)
                return SingleLine(title[..at]) ?? title;
        }
        return title;
    }

    /// <summary>Collapses every run of whitespace (including CR, LF, U+2028/9, NEL) into one space; drops control characters.</summary>
    private static string? SingleLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (char.IsControl(c) || c is '\u200B' or '\uFEFF') continue;
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>Text of an element with line breaks and block boundaries as spaces, without script or style content.</summary>
    private static string TextOf(INode node)
    {
        var sb = new StringBuilder();
        Append(node);
        return sb.ToString();

        void Append(INode n)
        {
            foreach (var child in n.ChildNodes)
            {
                if (child is IText text) sb.Append(text.Data);
                else if (child is IElement e)
                {
                    if (e.LocalName is "script" or "style" or "template" or "noscript") continue;
                    if (e.LocalName == "br" || IsBlockish(e)) sb.Append(' ');
                    Append(e);
                    if (IsBlockish(e)) sb.Append(' ');
                }
            }
        }
    }

    private static bool IsBlockish(IElement e) => Blocks.Contains(e.LocalName) || BlockContainers.Contains(e.LocalName);

    private static string BaseUrl(IDocument document)
    {
        var candidates = new[]
        {
            document.QuerySelector("base[href]")?.GetAttribute("href"),
            document.QuerySelector("link[rel~=canonical][href]")?.GetAttribute("href"),
            document.QuerySelector("meta[property='og:url'][content]")?.GetAttribute("content"),
        };
        foreach (var c in candidates)
            if (c is not null && Uri.TryCreate(c.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp))
                return u.AbsoluteUri;
        return "";
    }

    // ---- Body ----

    private static IElement? FindContainer(IDocument document)
    {
        var articles = document.QuerySelectorAll("article").Where(a => !IsInsideChrome(a)).ToList();
        if (articles.Count > 0)
            return articles.MaxBy(a => TextLength(a));
        return document.QuerySelectorAll("main").FirstOrDefault(m => !IsInsideChrome(m))
               ?? document.QuerySelector("main")
               ?? document.Body;
    }

    private static void RemoveChrome(IElement container)
    {
        foreach (var e in container.QuerySelectorAll("*").ToList())
        {
            if (!container.Contains(e)) continue; // inside something already removed
            if (DropWithContent.Contains(e.LocalName) || HasChromeRole(e) || IsHidden(e))
                e.Remove();
        }

        // Class and id names are a weaker hint ("page-header-offset" may wrap the whole page): an element that holds most of
        // the text in several paragraphs is the article, whatever it is called.
        var total = TextLength(container);
        foreach (var e in container.QuerySelectorAll("*").ToList())
        {
            if (!container.Contains(e) || !HasChromeName(e)) continue;
            var holdsTheArticle = TextLength(e) * 2 >= total && e.QuerySelectorAll("p, h2, h3, h4, h5, h6").Length >= 2;
            if (!holdsTheArticle)
                e.Remove();
        }
    }

    private static bool HasChromeRole(IElement e)
        => e.GetAttribute("role") is { } role
           && role.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(r => ChromeRoles.Contains(r, StringComparer.OrdinalIgnoreCase));

    private static bool HasChromeName(IElement e)
    {
        var names = (e.GetAttribute("class") ?? "") + " " + (e.GetAttribute("id") ?? "");
        return ChromeNameParts.Any(p => names.Contains(p, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsHidden(IElement e)
    {
        if (e.HasAttribute("hidden") || string.Equals(e.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase))
            return true;
        var style = e.GetAttribute("style");
        if (style is null) return false;
        var compact = string.Concat(style.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        return compact.Contains("display:none") || compact.Contains("visibility:hidden");
    }

    private static int TextLength(IElement e) => e.TextContent.Count(c => !char.IsWhiteSpace(c));

    /// <summary>
    /// Bottom-up: a second &lt;h1&gt; becomes &lt;h2&gt;; containers the allow-list does not know (div, section, ...) are unwrapped,
    /// or become a paragraph when they only hold text; unknown inline elements (span, font, u, ...) are unwrapped.
    /// </summary>
    private static void Normalise(IElement parent)
    {
        foreach (var child in parent.Children.ToList())
        {
            Normalise(child);
            var name = child.LocalName;
            if (AllowedTagNames.Contains(name)) continue;
            if (name == "h1")
                Rename(child, "h2");
            else if (BlockContainers.Contains(name))
            {
                if (child.Children.Any(c => Blocks.Contains(c.LocalName)))
                {
                    WrapInlineRuns(child);
                    Unwrap(child);
                }
                else if (string.IsNullOrWhiteSpace(child.TextContent) && child.QuerySelector("img") is null)
                    child.Remove();
                else if (parent.LocalName == "p" || !IsBlockish(parent))
                    Unwrap(child);
                else
                    Rename(child, "p");
            }
            else
                Unwrap(child);
        }
    }

    /// <summary>Puts loose text and inline elements that sit next to paragraphs into paragraphs of their own.</summary>
    private static void WrapInlineRuns(IElement parent)
    {
        if (!parent.ChildNodes.Any(n => n is IElement e && Blocks.Contains(e.LocalName)) && parent.LocalName is not ("body" or "article" or "main"))
            return;
        var run = new List<INode>();
        foreach (var node in parent.ChildNodes.ToList())
        {
            if (node is IElement e && Blocks.Contains(e.LocalName))
            {
                Flush(node);
                continue;
            }
            if (node is IText or IElement) run.Add(node);
        }
        Flush(null);

        void Flush(INode? before)
        {
            if (run.Any(n => n is IElement { LocalName: "img" } || !string.IsNullOrWhiteSpace(n.TextContent)))
            {
                var p = parent.Owner!.CreateElement("p");
                if (before is null) parent.AppendChild(p); else parent.InsertBefore(p, before);
                foreach (var n in run) p.AppendChild(n);
                while (p.FirstChild is IText first && (first.Data = first.Data.TrimStart()).Length == 0) first.RemoveFromParent();
                while (p.LastChild is IText last && (last.Data = last.Data.TrimEnd()).Length == 0) last.RemoveFromParent();
            }
            else
            {
                // Only the indentation between blocks.
                foreach (var n in run) parent.RemoveChild(n);
            }
            run.Clear();
        }
    }

    private static void Rename(IElement e, string name)
    {
        var replacement = e.Owner!.CreateElement(name);
        while (e.FirstChild is { } c) replacement.AppendChild(c);
        e.Replace(replacement);
    }

    private static void Unwrap(IElement e)
    {
        var children = e.ChildNodes.ToArray();
        if (children.Length == 0) e.Remove();
        else e.Replace(children);
    }

    // ---- Sanitiser hooks ----

    private static string? FilterUrl(IElement tag, string? url)
    {
        if (url is null) return null;
        if (tag.LocalName == "img")
            return SafeImagePrefixes.Any(p => url.StartsWith(p, StringComparison.OrdinalIgnoreCase)) ? url : null;
        return tag.LocalName == "a"
               && Uri.TryCreate(url, UriKind.Absolute, out var u)
               && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeMailto)
            ? url
            : null;
    }

    private static void PostProcess(IElement body)
    {
        foreach (var e in body.QuerySelectorAll("*").ToList())
        {
            if (!body.Contains(e)) continue;
            foreach (var attribute in e.Attributes.ToList())
                if (!AttributeFits(e.LocalName, attribute.Name))
                    e.RemoveAttribute(attribute.Name);

            switch (e.LocalName)
            {
                case "a" when !e.HasAttribute("href"):
                    Unwrap(e);
                    break;
                case "a":
                    e.SetAttribute("rel", "noopener noreferrer");
                    break;
                case "img" when !e.HasAttribute("src"):
                    e.Remove();
                    break;
            }
        }
        // Paragraphs, headings and items left empty by what was removed.
        foreach (var e in body.QuerySelectorAll("p, h2, h3, h4, h5, h6, li, blockquote, figure, figcaption, ul, ol").Reverse().ToList())
            if (string.IsNullOrWhiteSpace(e.TextContent) && e.QuerySelector("img") is null)
                e.Remove();
    }

    private static bool AttributeFits(string element, string attribute) => (element, attribute) switch
    {
        ("a", "href" or "title") => true,
        ("img", "src" or "alt" or "title") => true,
        ("td" or "th", "colspan" or "rowspan") => true,
        ("th", "scope") => true,
        (_, "title") => true,
        _ => false,
    };

    // ---- Plain text ----

    private static string ToText(string safeHtml)
    {
        if (safeHtml.Length == 0) return "";
        var body = new HtmlParser().ParseDocument(safeHtml).Body;
        if (body is null) return "";
        var blocks = new List<string>();
        var inline = new StringBuilder();
        Walk(body);
        Flush();
        return string.Join("\n\n", blocks);

        void Walk(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                switch (child)
                {
                    case IText text:
                        // Source line breaks are spaces; only <br> breaks a line.
                        foreach (var c in text.Data) inline.Append(char.IsWhiteSpace(c) ? ' ' : c);
                        break;
                    case IElement { LocalName: "br" }:
                        inline.Append('\n');
                        break;
                    case IElement { LocalName: "ul" or "ol" } list:
                        Flush();
                        AddBlock(string.Join('\n', ListLines(list, 0)));
                        break;
                    case IElement { LocalName: "table" } table:
                        Flush();
                        Table(table);
                        break;
                    case IElement e when Blocks.Contains(e.LocalName):
                        Flush();
                        Walk(e);
                        Flush();
                        break;
                    case IElement e:
                        Walk(e);
                        break;
                }
            }
        }

        void Flush()
        {
            var lines = inline.ToString().Split('\n').Select(l => Collapse(l)).Where(l => l.Length > 0);
            AddBlock(string.Join('\n', lines));
            inline.Clear();
        }

        void AddBlock(string block)
        {
            if (block.Length > 0) blocks.Add(block);
        }

        void Table(IElement table)
        {
            if (table.QuerySelector("caption") is { } caption) AddBlock(Collapse(caption.TextContent));
            var rows = table.QuerySelectorAll("tr")
                .Select(r => string.Join(
                    " | ",
                    r.Children.Where(c => c.LocalName is "td" or "th").Select(c => Collapse(InlineText(c))).Where(t => t.Length > 0)))
                .Where(r => r.Length > 0);
            AddBlock(string.Join('\n', rows));
        }
    }

    private static IEnumerable<string> ListLines(IElement list, int depth)
    {
        foreach (var item in list.Children.Where(c => c.LocalName == "li"))
        {
            var text = Collapse(InlineText(item, skipLists: true));
            if (text.Length > 0) yield return new string(' ', depth * 2) + "- " + text;
            foreach (var nested in item.QuerySelectorAll("ul, ol").Where(l => l.ParentElement?.Closest("ul, ol") == list))
                foreach (var line in ListLines(nested, depth + 1))
                    yield return line;
        }
    }

    private static string InlineText(IElement e, bool skipLists = false)
    {
        var sb = new StringBuilder();
        Append(e);
        return sb.ToString();

        void Append(INode n)
        {
            foreach (var child in n.ChildNodes)
            {
                if (child is IText t) sb.Append(t.Data);
                else if (child is IElement c && !(skipLists && c.LocalName is "ul" or "ol"))
                {
                    if (c.LocalName == "br" || Blocks.Contains(c.LocalName)) sb.Append(' ');
                    Append(c);
                }
            }
        }
    }

    private static string Collapse(string text) => SingleLine(text) ?? "";

    private static HashSet<string> Set(params string[] values) => new(values, StringComparer.OrdinalIgnoreCase);
}
