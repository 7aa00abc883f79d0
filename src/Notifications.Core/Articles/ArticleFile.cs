using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Notifications.Articles;

/// <summary>
/// An article as the editors' desk edits it: the front matter fields as form fields, and the body.
/// <see cref="Body"/> is Markdown, or text pasted from a web page, or the HTML of an uploaded file (<see cref="Format"/>).
/// </summary>
/// <param name="Topics">Comma-separated: <c>e-commerce, data model</c>.</param>
/// <param name="Session">The front matter's <c>session:</c> block, one <c>name: value</c> per line (<c>committee: Permanent Technical Committee</c>,
/// <c>numbers: 243, 244</c>, <c>start: 2026-10-19</c>, …).</param>
/// <param name="TranslationOf">Front matter <c>translation_of</c>: the slug or blob name this article translates.</param>
public sealed record ArticleForm(
    string Title = "",
    string Summary = "",
    string Url = "",
    string Topics = "",
    string Language = "",
    string Session = "",
    string Published = "",
    bool Alert = false,
    bool Draft = false,
    bool Resend = false,
    string Editor = "",
    string Slug = "",
    string Body = "",
    ArticleFormat Format = ArticleFormat.Markdown,
    string TranslationOf = "");

/// <summary>
/// Between the desk's form and the file the pipeline reads: <see cref="Compose"/> writes the file (Markdown with front matter;
/// pasted text or uploaded HTML as is when no field is filled; else pasted text stays text under a front matter block in a .txt, and
/// HTML is turned into Markdown under the front matter), <see cref="Read"/> reads a stored file back into fields, and <see cref="NameFor"/>
/// proposes the blob name (<c>2026/ptc-243.en.md</c>).
/// Every value is written as a double-quoted YAML scalar (quotes, colons, <c>#</c>, <c>---</c> and brackets stay text); a line break in a
/// one-line field is refused (<see cref="ArticleFormException"/>). Front matter fields the parser does not know are not kept by
/// <see cref="Read"/>: the parser ignores them (with a warning), so they never had an effect.
/// </summary>
public static class ArticleFile
{
    private static readonly char[] LineBreaks = ['\r', '\n', '\u2028', '\u2029', '\u0085'];

    /// <summary>The session block's fields, in the order they are written.</summary>
    private static readonly string[] SessionFields =
        ["organization", "organization_abbreviation", "committee", "committee_abbreviation", "numbers", "start", "end", "place",
        "location", "venue", "city", "participation"];

    /// <summary>The file's bytes (UTF-8) and its extension (<c>.md</c>, <c>.html</c>, <c>.txt</c>) for the form.</summary>
    /// <exception cref="ArticleFormException">A value that cannot be written as the parser would read it back.</exception>
    public static (byte[] Content, string Extension) Compose(ArticleForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var body = (form.Body ?? "").Replace("\r\n", "\n").Replace('\r', '\n');
        var frontMatter = FrontMatter(form);
        if (KeepsFormat(form, body))
            return (Encoding.UTF8.GetBytes(body), Extension(form.Format));

        // Pasted text stays pasted text under the front matter (the parser reads a front matter block above a .txt): its first line is
        // still read as the page's headline sentence, shortened as for any pasted page, unless the form gives a title.
        if (form.Format == ArticleFormat.Text)
            return (Encoding.UTF8.GetBytes(new StringBuilder("---\n").Append(frontMatter).Append("---\n").Append(body.TrimEnd('\n')).Append('\n').ToString()),
                ".txt");

        var title = form.Title;
        var markdown = body;
        if (form.Format == ArticleFormat.Html)
        {
            var extracted = HtmlReader.Value.Read(body);
            title = string.IsNullOrWhiteSpace(title) ? extracted.Title ?? "" : title;
            markdown = ArticleMarkdown.FromHtml(extracted.BodyHtml);
        }
        if (!ReferenceEquals(title, form.Title))
            frontMatter = FrontMatter(form with { Title = title });
        var file = new StringBuilder("---\n").Append(frontMatter).Append("---\n");
        if (markdown.Length > 0) file.Append('\n').Append(markdown.TrimEnd('\n')).Append('\n');
        return (Encoding.UTF8.GetBytes(file.ToString()), ".md");
    }

    /// <summary>The form fields of a stored file (front matter into fields, the rest into the body).</summary>
    /// <exception cref="ArticleRejectedException">The bytes are not text (empty, not UTF-8/UTF-16, binary): as the parser says it.</exception>
    public static ArticleForm Read(string blobName, ReadOnlySpan<byte> content)
    {
        var text = ArticleText.Decode(content, int.MaxValue).Replace("\r\n", "\n");
        var format = ArticleParser.FormatOf(blobName, text);
        if (format != ArticleFormat.Markdown || !text.StartsWith("---\n", StringComparison.Ordinal))
            return new ArticleForm(Body: text, Format: format);
        var bodyFormat = ArticleParser.IsPastedText(blobName) ? ArticleFormat.Text : ArticleFormat.Markdown;

        var lines = text.Split('\n');
        var end = Array.FindIndex(lines, 1, l => l.TrimEnd() is "---" or "...");
        if (end < 0 || Mapping(string.Join('\n', lines[1..end])) is not { } map)
            return new ArticleForm(Body: text, Format: bodyFormat);
        var body = string.Join('\n', lines[(end + 1)..]);
        if (body.StartsWith('\n')) body = body[1..];

        return new ArticleForm(
            Title: Scalar(map, "title"), Summary: Scalar(map, "summary"), Url: Scalar(map, "url"), Topics: List(map, "topics"),
            Language: Scalar(map, "language"), Session: SessionLines(map), Published: Scalar(map, "published"),
            Alert: IsTrue(Scalar(map, "alert")), Draft: IsTrue(Scalar(map, "draft")), Resend: IsTrue(Scalar(map, "resend")),
            Editor: Scalar(map, "editor"), Slug: Scalar(map, "slug"), Body: body, Format: bodyFormat,
            TranslationOf: Scalar(map, "translation_of"));
    }

    /// <summary>A blob name for a new article: year folder, a slug of the title (or <see cref="ArticleForm.Slug"/>), language, extension.</summary>
    /// <remarks><c>2026/ptc-243.en.md</c>: the slug is <see cref="ArticleSlug"/> (ASCII, at most 60 characters, never a path); the language
    /// part only when the form has a two-letter code; <c>article</c> when neither slug nor title has a letter or digit.</remarks>
    public static string NameFor(ArticleForm form, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(form);
        var slug = ArticleSlug.Of(form.Slug) ?? ArticleSlug.Of(form.Title) ?? ArticleSlug.Of(FirstLine(form.Body)) ?? "article";
        var language = (form.Language ?? "").Trim().ToLowerInvariant();
        var part = language.Length == 2 && language.All(char.IsAsciiLetterLower) ? "." + language : "";
        var body = (form.Body ?? "").Replace("\r\n", "\n");
        var extension = KeepsFormat(form, body) || form.Format == ArticleFormat.Text ? Extension(form.Format) : ".md";
        return $"{now.UtcDateTime.Year.ToString(CultureInfo.InvariantCulture)}/{slug}{part}{extension}";
    }

    private static readonly Lazy<HtmlArticleReader> HtmlReader = new(() => new HtmlArticleReader());

    /// <summary>Pasted text or HTML stays as it is when no field is filled and the parser would read it in its own format.</summary>
    private static bool KeepsFormat(ArticleForm form, string body)
        => form.Format != ArticleFormat.Markdown && !HasFields(form)
            && ArticleParser.FormatOf("article" + Extension(form.Format), body) == form.Format;

    private static bool HasFields(ArticleForm f)
        => new[] { f.Title, f.Summary, f.Url, f.Topics, f.Language, f.Session, f.Published, f.Editor, f.Slug, f.TranslationOf }
            .Any(v => !string.IsNullOrWhiteSpace(v)) || f.Alert || f.Draft || f.Resend;

    private static string Extension(ArticleFormat format) => format switch
    {
        ArticleFormat.Html => ".html",
        ArticleFormat.Text => ".txt",
        _ => ".md",
    };

    private static string FrontMatter(ArticleForm f)
    {
        var yaml = new StringBuilder();
        Field(yaml, "title", f.Title);
        Field(yaml, "summary", f.Summary);
        Field(yaml, "language", f.Language?.Trim().ToLowerInvariant());
        Field(yaml, "published", f.Published);
        Field(yaml, "url", f.Url);
        var topics = (f.Topics ?? "").Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (topics.Length > 0)
            yaml.Append("topics: [").AppendJoin(", ", topics.Select(t => Quote(Checked("topics", t)))).Append("]\n");
        Field(yaml, "editor", f.Editor);
        Field(yaml, "slug", f.Slug);
        Field(yaml, "translation_of", f.TranslationOf);
        if (f.Alert) yaml.Append("alert: true\n");
        if (f.Draft) yaml.Append("draft: true\n");
        if (f.Resend) yaml.Append("resend: true\n");
        Session(yaml, f.Session ?? "");
        return yaml.ToString();
    }

    private static void Field(StringBuilder yaml, string name, string? value, string indent = "")
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        yaml.Append(indent).Append(name).Append(": ").Append(Quote(Checked(name, value.Trim()))).Append('\n');
    }

    private static void Session(StringBuilder yaml, string lines)
    {
        var fields = new List<(string Name, string Value)>();
        foreach (var raw in lines.Split(LineBreaks, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = raw.IndexOf(':');
            var name = colon > 0 ? raw[..colon].Trim().ToLowerInvariant().Replace(' ', '_') : "";
            if (!SessionFields.Contains(name))
                throw new ArticleFormException("session",
                    $"The session line '{raw}' is not 'name: value' with a known name. Write one field per line, e.g. 'committee: Permanent Technical " +
                    $"Committee' or 'numbers: 243, 244'; the names are {string.Join(", ", SessionFields)}.", raw);
            if (raw[(colon + 1)..].Trim() is { Length: > 0 } value) fields.Add((name, value));
        }
        if (fields.Count == 0) return;
        yaml.Append("session:\n");
        foreach (var (name, value) in fields)
            Field(yaml, name, value, "  ");
    }

    private static string Checked(string field, string value)
        => value.IndexOfAny(LineBreaks) < 0
            ? value
            : throw new ArticleFormException(field, $"The {field.Replace('_', ' ')} has a line break; write it on one line.");

    /// <summary>A YAML double-quoted scalar: every character stays text (only <c>\</c>, <c>"</c> and control characters are escaped).</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
            quoted.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\t' => "\\t",
                _ when char.IsControl(c) || c == '\uFEFF' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return quoted.Append('"').ToString();
    }

    private static YamlMappingNode? Mapping(string yaml)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            return stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode as YamlMappingNode;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return null;
        }
    }

    private static YamlNode? Node(YamlMappingNode map, string name)
        => map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode k && string.Equals(k.Value, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Scalar(YamlMappingNode map, string name) => Node(map, name) is YamlScalarNode s ? (s.Value ?? "").Trim() : "";

    private static string List(YamlMappingNode map, string name) => Node(map, name) switch
    {
        YamlScalarNode s => (s.Value ?? "").Trim(),
        YamlSequenceNode seq => string.Join(", ", seq.Children.OfType<YamlScalarNode>().Select(n => (n.Value ?? "").Trim()).Where(v => v.Length > 0)),
        _ => "",
    };

    private static string SessionLines(YamlMappingNode map)
        => Node(map, "session") is YamlMappingNode session
            ? string.Join('\n', session.Children
                .Where(kv => kv.Key is YamlScalarNode k && SessionFields.Contains((k.Value ?? "").ToLowerInvariant()))
                .Select(kv => ((YamlScalarNode)kv.Key).Value!.ToLowerInvariant() + ": " + List(session, ((YamlScalarNode)kv.Key).Value!))
                .Where(line => !line.EndsWith(": ", StringComparison.Ordinal)))
            : "";

    private static bool IsTrue(string value) => value.ToLowerInvariant() is "true" or "yes" or "on";

    private static string? FirstLine(string? body)
        => (body ?? "").Split('\n').Select(l => l.Trim().TrimStart('#').Trim()).FirstOrDefault(l => l.Length > 0 && l != "---");
}
