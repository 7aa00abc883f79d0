using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Notifications.Articles;

/// <summary>
/// Markdown for text that was not written as Markdown: pasted text, escaped so it reads back as the same words, and the sanitised
/// body of an uploaded page (<see cref="HtmlArticleReader"/>'s small allow-list) as paragraphs, headings, lists, quotes, links and emphasis.
/// </summary>
public static class ArticleMarkdown
{
    /// <summary>One paragraph of plain text with every character Markdown would read as markup escaped.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '!' or '|' or '~' or '&') escaped.Append('\\');
            escaped.Append(c);
        }
        // A line that starts like a list item, a heading underline or a numbered item stays text.
        return string.Join('\n', escaped.ToString().Split('\n').Select(EscapeLineStart));
    }

    private static string EscapeLineStart(string line)
    {
        var trimmed = line.TrimStart();
        var indent = line[..(line.Length - trimmed.Length)];
        if (trimmed.Length > 0 && trimmed[0] is '-' or '+' or '=') return indent + "\\" + trimmed;
        var digits = trimmed.TakeWhile(char.IsAsciiDigit).Count();
        if (digits > 0 && digits < trimmed.Length && trimmed[digits] is '.' or ')')
            return indent + trimmed[..digits] + "\\" + trimmed[digits..];
        return indent.Length >= 4 ? trimmed : line;
    }

    /// <summary>The sanitised HTML of an article body as Markdown; tables and figures become their text.</summary>
    public static string FromHtml(string html)
    {
        var document = new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + html + "</body></html>");
        var blocks = new List<string>();
        Blocks(document.Body!, blocks, "");
        return string.Join("\n\n", blocks.Where(b => b.Trim().Length > 0));
    }

    private static void Blocks(INode parent, List<string> blocks, string prefix)
    {
        var inline = new StringBuilder();
        void Flush()
        {
            var text = inline.ToString().Trim();
            if (text.Length > 0) blocks.Add(prefix + text.Replace("\n", "\n" + prefix));
            inline.Clear();
        }
        foreach (var node in parent.ChildNodes)
        {
            if (node is IElement e && e.LocalName is "p" or "h2" or "h3" or "h4" or "h5" or "h6" or "ul" or "ol" or "blockquote" or "table" or "figure"
                or "div" or "tr" or "caption" or "figcaption" or "thead" or "tbody" or "tfoot")
            {
                Flush();
                switch (e.LocalName)
                {
                    case "h2" or "h3" or "h4" or "h5" or "h6":
                        blocks.Add(prefix + new string('#', e.LocalName[1] - '0') + " " + Inline(e).Trim());
                        break;
                    case "ul" or "ol":
                        var n = 0;
                        var items = e.Children.Where(c => c.LocalName == "li")
                            .Select(li => (e.LocalName == "ol" ? $"{++n}. " : "- ") + Inline(li).Trim().Replace("\n", "\n   "));
                        blocks.Add(prefix + string.Join("\n" + prefix, items));
                        break;
                    case "blockquote":
                        Blocks(e, blocks, prefix + "> ");
                        break;
                    case "p":
                        blocks.Add(prefix + Inline(e).Trim().Replace("\n", "\n" + prefix));
                        break;
                    case "tr":
                        blocks.Add(prefix + string.Join(" · ", e.Children.Select(cell => Inline(cell).Trim()).Where(t => t.Length > 0)));
                        break;
                    default:
                        Blocks(e, blocks, prefix);
                        break;
                }
            }
            else
                inline.Append(Inline(node));
        }
        Flush();
    }

    private static string Inline(INode node)
    {
        if (node is IText text) return Escape(Collapse(text.Data));
        if (node is not IElement e) return "";
        var inner = string.Concat(e.ChildNodes.Select(Inline));
        return e.LocalName switch
        {
            "strong" or "b" => inner.Trim().Length > 0 ? $"**{inner.Trim()}**" : inner,
            "em" or "i" => inner.Trim().Length > 0 ? $"*{inner.Trim()}*" : inner,
            "br" => "  \n",
            "a" when e.GetAttribute("href") is { Length: > 0 } href => $"[{inner.Trim()}](<{href.Replace("<", "%3C").Replace(">", "%3E")}>)",
            "img" when e.GetAttribute("src") is { Length: > 0 } src =>
                $"![{Escape(e.GetAttribute("alt") ?? "")}](<{src.Replace("<", "%3C").Replace(">", "%3E")}>)",
            "li" or "td" or "th" => " " + inner + " ",
            _ => inner,
        };
    }

    private static string Collapse(string text)
    {
        var collapsed = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c);
            if (space && collapsed.Length > 0 && collapsed[^1] == ' ') continue;
            collapsed.Append(space ? ' ' : c);
        }
        return collapsed.ToString();
    }
}
