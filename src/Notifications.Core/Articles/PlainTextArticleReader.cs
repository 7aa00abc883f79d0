using System.Net;
using System.Text;

namespace Notifications.Articles;

/// <summary>
/// Reads an article copied from a web page as plain text:
/// <code>
/// Home / News / Contact
///
/// The 12th session of the Joint Working Group on Transit was held from 3 to 5 June 2026 in Geneva
///
/// First paragraph of the article.
/// Second paragraph.
///
/// Secretariat of the Working Group
/// </code>
/// The navigation lines on top are skipped, the first meaningful line is the title, the following lines are the body,
/// and a short signature at the end (an organisation's name, "More information is available at:", "© 2026 ...") is dropped.
/// </summary>
/// <remarks>Pure: no I/O.</remarks>
public static class PlainTextArticleReader
{
    private const int MaxSignatureLines = 3;
    private const int MaxSignatureLength = 100;
    private const int MaxChromeItemLength = 30;

    private static readonly char[] NavSeparators = ['/', '|', '›', '»', '>', '·', '•'];

    /// <summary>Words that make up site menus; a line made only of these is navigation.</summary>
    private static readonly HashSet<string> MenuWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "home", "homepage", "main", "page", "contact", "contacts", "us", "about", "search", "menu", "sitemap", "site", "map",
        "login", "log", "in", "out", "logout", "sign", "register", "account", "glossary", "faq", "help", "back", "print",
        "share", "subscribe", "rss", "privacy", "terms", "accessibility",
        "english", "русский", "français", "francais", "deutsch", "español", "italiano", "中文", "العربية", "en", "ru", "fr", "de", "es",
        "главная", "контакты", "поиск", "меню", "карта", "сайта", "вход", "выход", "регистрация",
        "accueil", "recherche", "rechercher", "plan", "du", "connexion",
    };

    private static readonly string[] SkipLinkStarts =
        ["skip to", "skip navigation", "jump to", "перейти к", "перейти до", "aller au", "aller à", "passer au"];

    /// <summary>Footer lines that are never article content, whatever their punctuation.</summary>
    private static readonly string[] FooterStarts =
        ["©", "(c) ", "copyright", "all rights reserved", "share this", "print this", "back to top", "поделиться", "partager", "все права защищены"];

    private static readonly char[] SentenceEnds = ['.', '!', '?', '…', '»', '"', '”', '’', '。', '！', '？'];

    public static ExtractedContent Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = SplitLines(text);

        var titleAt = lines.FindIndex(l => IsMeaningful(l) && !IsChrome(l));
        if (titleAt < 0)
            return new ExtractedContent(null, "", "");
        var title = lines[titleAt];

        var body = lines.Skip(titleAt + 1).ToList();
        DropSignature(body);
        var paragraphs = Paragraphs(body);
        if (paragraphs.Count > 0 && paragraphs[0] == title)
            paragraphs.RemoveAt(0);

        var html = string.Join('\n', paragraphs.Select(p => "<p>" + WebUtility.HtmlEncode(p) + "</p>"));
        return new ExtractedContent(title, html, string.Join("\n\n", paragraphs));
    }

    /// <summary>Lines with inner whitespace collapsed and control characters dropped; every kind of line break splits.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var space = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r' or '\u2028' or '\u2029' or '\u0085' or '\v' or '\f')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                lines.Add(line.ToString());
                line.Clear();
                space = false;
                continue;
            }
            if (char.IsWhiteSpace(c)) { space = line.Length > 0; continue; }
            if (char.IsControl(c) || c is '\uFEFF' or '\u200B') continue;
            if (space) line.Append(' ');
            space = false;
            line.Append(c);
        }
        lines.Add(line.ToString());
        return lines;
    }

    /// <summary>At least 3 words or 20 characters: a headline, not a menu item or a section label.</summary>
    private static bool IsMeaningful(string line)
        => line.Length >= 20 || line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(w => w.Any(char.IsLetterOrDigit)) >= 3;

    /// <summary>Site chrome: breadcrumbs, menus, skip links, cookie notices.</summary>
    private static bool IsChrome(string line)
    {
        if (line.Length == 0) return false;
        var lower = line.ToLowerInvariant();
        if (SkipLinkStarts.Any(s => lower.StartsWith(s, StringComparison.Ordinal)) && line.Length <= 60)
            return true;
        if (lower.Contains("cookie", StringComparison.Ordinal))
            return true;
        if (IsMenuOnly(line))
            return true;
        return IsNavigationLine(line);
    }

    private static bool IsMenuOnly(string line)
    {
        var words = line.Split([' ', .. NavSeparators], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim(',', ';', ':', '-', '–', '—'))
            .Where(w => w.Length > 0)
            .ToList();
        return words.Count > 0 && words.All(MenuWords.Contains);
    }

    /// <summary>"Home /  / Contact / Sitemap", "Home › News › 2026": several short items between separators.</summary>
    private static bool IsNavigationLine(string line)
    {
        var separators = line.Count(c => NavSeparators.Contains(c));
        if (separators == 0) return false;
        var items = line.Split(NavSeparators, StringSplitOptions.TrimEntries).Where(i => i.Length > 0).ToList();
        if (items.Count == 0) return true;
        if (!items.All(i => i.Length <= MaxChromeItemLength && i.Split(' ').Length <= 4))
            return false;
        // One "/" or "|" can be part of a short headline ("EU/UN talks"); breadcrumb arrows, several separators or menu words cannot.
        return separators >= 2 || line.IndexOfAny(['›', '»', '>', '·', '•']) >= 0 || items.Any(MenuWords.Contains);
    }

    /// <summary>
    /// From the end: definite footer lines (copyright, "Share this page", navigation) go, then up to three short lines that
    /// do not end a sentence (an organisation's name, "Details are available at:" whose link was lost).
    /// Never empties the body, and never takes list items.
    /// </summary>
    private static void DropSignature(List<string> body)
    {
        TrimEnd(body);
        var kept = body.Count(l => l.Length > 0);
        var dropped = 0;
        var signatureLines = 0;
        while (body.Count > 0 && dropped < kept - 1)
        {
            var last = body[^1];
            if (IsFooter(last) || IsMenuOnly(last) || IsNavigationLine(last))
            { }
            else if (signatureLines < MaxSignatureLines && IsSignatureLine(last))
                signatureLines++;
            else
                break;
            body.RemoveAt(body.Count - 1);
            dropped++;
            TrimEnd(body);
        }
    }

    private static void TrimEnd(List<string> lines)
    {
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
    }

    private static bool IsFooter(string line)
        => FooterStarts.Any(s => line.StartsWith(s, StringComparison.OrdinalIgnoreCase))
           || (line.Length <= MaxSignatureLength && line.Contains("all rights reserved", StringComparison.OrdinalIgnoreCase));

    private static bool IsSignatureLine(string line)
        => line.Length <= MaxSignatureLength && !EndsSentence(line) && !IsListItem(line);

    private static bool EndsSentence(string line) => line.Length > 0 && SentenceEnds.Contains(line[^1]);

    private static bool IsListItem(string line)
        => line.Length > 1 && (line[0] is '-' or '*' or '•' or '–' or '—' or '·' && line[1] == ' '
                               || char.IsAsciiDigit(line[0]) && line.TakeWhile(char.IsAsciiDigit).Count() is var n && n < line.Length && line[n] is '.' or ')');

    /// <summary>
    /// Blank lines separate paragraphs (the lines of one paragraph are joined with a space); when the body has no blank line
    /// at all, every line is a paragraph. A list item ("- ...", "1. ...") always starts a new paragraph.
    /// </summary>
    private static List<string> Paragraphs(List<string> body)
    {
        var start = body.FindIndex(l => l.Length > 0);
        if (start < 0) return [];
        var lines = body.Skip(start).ToList();
        TrimEnd(lines);

        if (!lines.Any(l => l.Length == 0))
            return lines;

        var paragraphs = new List<string>();
        var current = new List<string>();
        foreach (var line in lines.Append(""))
        {
            // A list item starts a paragraph of its own even without a blank line before it.
            if (IsListItem(line) && current.Count > 0)
            {
                paragraphs.Add(string.Join(' ', current));
                current.Clear();
            }
            if (line.Length > 0) { current.Add(line); continue; }
            if (current.Count > 0) paragraphs.Add(string.Join(' ', current));
            current.Clear();
        }
        return paragraphs;
    }
}
