using System.Globalization;
using Markdig;
using Microsoft.Extensions.Options;
using Notifications.Topics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Notifications.Mail;

namespace Notifications.Articles;

/// <summary>
/// Turns a file from the <c>articles</c> container into an <see cref="Article"/>, or rejects it with a reason for the editor.
/// The format comes from the extension and the content: Markdown (with or without YAML front matter), HTML saved from the
/// site, or text copied from a web page. What the front matter does not say is found in the text: the session
/// (committee, numbers, dates, place, participation), the topics and the language. Front matter topics are stored as their key
/// in the topic table (<see cref="TopicCatalog"/>: "data-model" is "data model"). What the parser cannot use in an otherwise
/// good file (an unknown topic, field or session field) is left out with an <see cref="ArticleWarning"/>, not a rejection.
/// <code>
/// ---
/// title: The 241st/242nd sessions of the Permanent Technical Committee
/// published: 2026-10-19
/// language: en
/// topics: [e-commerce, data model]
/// summary: One or two sentences for the digest.
/// editor: Anna Petrova &lt;press@secretariat.example&gt;
/// ---
/// Body in Markdown.
/// </code>
/// </summary>
public sealed class ArticleParser(HtmlArticleReader html, TopicClassifier topics, TopicCatalog catalog, IOptions<ArticleOptions> options)
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().DisableHtml().Build();
    public const int MaxTitleLength = 300;
    /// <summary>At most this many warnings are kept for one file (front matter is bounded only by Articles:MaxBytes).</summary>
    public const int MaxWarnings = 20;

    public Article Parse(string blobName, ReadOnlySpan<byte> content)
    {
        var text = ArticleText.Decode(content, options.Value.MaxBytes).Replace("\r\n", "\n");
        return FormatOf(blobName, text) switch
        {
            ArticleFormat.Html => FromExtracted(ArticleFormat.Html, html.Read(text), "Give the page an <h1> heading (or a <title>)."),
            ArticleFormat.Text => FromExtracted(ArticleFormat.Text, PlainTextArticleReader.Read(text), "Put the title on the first line of the text."),
            _ when IsPastedText(blobName) => FromPastedWithFrontMatter(text),
            _ => FromMarkdown(text),
        };
    }

    /// <summary>By extension, unless the content clearly says otherwise (an HTML page saved as .txt, front matter in a .txt).</summary>
    public static ArticleFormat FormatOf(string blobName, string text)
    {
        var head = text.TrimStart('\uFEFF', ' ', '\t', '\n');
        var looksLikeHtml = head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
        if (looksLikeHtml) return ArticleFormat.Html;
        if (head.StartsWith("---\n", StringComparison.Ordinal)) return ArticleFormat.Markdown;
        return Path.GetExtension(blobName).ToLowerInvariant() switch
        {
            ".md" or ".markdown" => ArticleFormat.Markdown,
            ".html" or ".htm" => ArticleFormat.Html,
            ".txt" or ".text" => ArticleFormat.Text,
            _ when head.Contains("<body", StringComparison.OrdinalIgnoreCase)
                || head.Contains("<article", StringComparison.OrdinalIgnoreCase) => ArticleFormat.Html,
            _ when text.Split('\n').Any(l => l.StartsWith("# ", StringComparison.Ordinal)) => ArticleFormat.Markdown,
            _ => ArticleFormat.Text,
        };
    }

    private Article FromMarkdown(string text)
    {
        var (fields, body) = text.StartsWith("---\n", StringComparison.Ordinal) ? SplitFrontMatter(text) : (FrontMatter.Empty, text);
        string? editor = null;
        try
        {
            (editor, var editorName) = fields.Editor();
            var title = fields.SingleLine("title");
            var titleLine = fields.LineOf("title");
            if (title is null && FirstHeading(body) is { } heading)
            {
                title = heading.Text;
                body = body.Remove(heading.Start, heading.Length);
            }
            var bodyHtml = html.Sanitize(Markdig.Markdown.ToHtml(body, Markdown));
            // Block by block, so paragraphs stay separated by blank lines (Markdig's plain text joins them with one newline).
            var bodyText = string.Join("\n\n", body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(block => Markdig.Markdown.ToPlainText(block, Markdown).Trim()).Where(block => block.Length > 0));
            return Build(ArticleFormat.Markdown, fields, title, titleLine, bodyHtml, bodyText, editor,
                "Add a line 'title: ...' to the front matter, or start the text with a '# Title' heading.") with
            { EditorName = editorName };
        }
        catch (ArticleRejectedException e) when (e.Editor is null && editor is not null)
        {
            throw new ArticleRejectedException(e.Rejection, editor);
        }
    }

    private Article FromExtracted(ArticleFormat format, ExtractedContent content, string titleHint)
        => Build(format, FrontMatter.Empty, content.Title, null, content.BodyHtml, content.BodyText, null, titleHint);

    /// <summary>A .txt file is pasted text even under a front matter block (an editor adds <c>news: true</c> or topics to a pasted page).</summary>
    public static bool IsPastedText(string blobName) => Path.GetExtension(blobName).ToLowerInvariant() is ".txt" or ".text";

    private Article FromPastedWithFrontMatter(string text)
    {
        var (fields, body) = SplitFrontMatter(text);
        string? editor = null;
        try
        {
            (editor, var editorName) = fields.Editor();
            var content = PlainTextArticleReader.Read(body);
            var title = fields.SingleLine("title") ?? content.Title;
            var bodyText = fields.SingleLine("title") is null || content.Title is null ? content.BodyText : content.Title + "\n\n" + content.BodyText;
            var bodyHtml = fields.SingleLine("title") is null || content.Title is null
                ? content.BodyHtml
                : "<p>" + System.Net.WebUtility.HtmlEncode(content.Title) + "</p>\n" + content.BodyHtml;
            return Build(ArticleFormat.Text, fields, title, fields.LineOf("title"), bodyHtml, bodyText, editor,
                "Add a line 'title: ...' to the front matter, or put the title on the first line of the text.") with
            { EditorName = editorName };
        }
        catch (ArticleRejectedException e) when (e.Editor is null && editor is not null)
        {
            throw new ArticleRejectedException(e.Rejection, editor);
        }
    }

    private Article Build(
        ArticleFormat format,
        FrontMatter fields,
        string? title,
        int? titleLine,
        string bodyHtml,
        string bodyText,
        string? editor,
        string titleHint)
    {
        if (string.IsNullOrWhiteSpace(title))
            throw Reject("missing-title", "The article has no title.", fields.IsPresent ? 2 : null, titleHint);
        title = title.Trim();
        if (title.Length > MaxTitleLength)
            throw Reject("title-too-long", $"The title is {title.Length} characters long; at most {MaxTitleLength} are allowed.", titleLine,
                "Put a short title first; the rest belongs in the summary or the text.");
        // The first line of a page copied from a website is often a whole sentence: it is read for the session, topics and language, and
        // shortened to a headline. A title the editor wrote (front matter, a Markdown heading) is kept as written.
        var sentence = title;
        if (format != ArticleFormat.Markdown && fields.SingleLine("title") is null)
            title = PastedHeadline.Shorten(title, options.Value.CheckTitleLength);

        var language = fields.SingleLine("language")?.ToLowerInvariant() ?? LanguageDetector.Detect(sentence + "\n" + bodyText);
        if (!IsLanguageCode(language))
            throw Reject("invalid-language", $"language '{language}' is not a two-letter language code.", fields.LineOf("language"),
                "Use a code such as en, ru or fr.");
        var warnings = fields.UnknownFields().ToList();
        var topicList = TopicsOf(fields, sentence, bodyText, warnings);
        var url = fields.SingleLine("url");
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)))
            throw Reject("invalid-url", $"url '{url}' is not an absolute http(s) address.", fields.LineOf("url"),
                "Give the full address of the article, starting with https://.");
        var session = fields.Session(SessionMetadataExtractor.Extract(sentence, bodyText), warnings);
        var summary = fields.SingleLine("summary") ?? ArticleSummary.Of(bodyText, sentence, session);

        return new Article(title, summary, language, topicList, fields.Date("published"), url, bodyHtml, format, session,
            Draft: fields.Bool("draft"), Resend: fields.Bool("resend"), Editor: editor,
            Slug: fields.SingleLine("slug"), TranslationOf: fields.SingleLine("translation_of"), Alert: fields.Bool("alert"), News: fields.Bool("news"),
            Warnings: warnings.Count > 0 ? warnings.Take(MaxWarnings).ToList() : null);
    }

    /// <summary>
    /// The front matter's topics as topic keys. An unknown one is left out with a warning naming the known topics (a typo should
    /// not reject the report, nor lose its subscribers); when none is known, or none is given, the topics come from the text.
    /// </summary>
    private IReadOnlyList<string> TopicsOf(FrontMatter fields, string title, string body, List<ArticleWarning> warnings)
    {
        var given = fields.Topics();
        var known = given.Select(catalog.Resolve).OfType<string>().Distinct().ToList();
        var fromText = given.Count > 0 && known.Count == 0;
        foreach (var unknown in given.Where(t => catalog.Resolve(t) is null))
            warnings.Add(new ArticleWarning(ArticleWarningCodes.UnknownTopic,
                $"topic '{unknown}' is not a known topic and was left out{(fromText ? "; the topics were found in the text instead" : "")}. Known " +
                    $"topics: {string.Join(", ", catalog.Keys)}.",
                fields.LineOf("topics"),
                "Write a known topic (its name in English, Russian or French, or a slug such as data-model), or ask an administrator to add it to " +
                    "Articles:Topics.",
                TopicArgs(unknown, fromText)));
        return known.Count > 0 ? known : topics.Classify(title, body);
    }

    /// <summary>The unknown-topic warning's values; the variant says the topics came from the text.</summary>
    private Dictionary<string, string> TopicArgs(string unknown, bool fromText)
    {
        var args = new Dictionary<string, string> { ["topic"] = unknown, ["known"] = string.Join(", ", catalog.Keys) };
        if (fromText) args[ArticleWarningText.Variant] = "from_text";
        return args;
    }

    private static (FrontMatter Fields, string Body) SplitFrontMatter(string text)
    {
        var lines = text.Split('\n');
        var end = Array.FindIndex(lines, 1, l => l.TrimEnd() is "---" or "...");
        if (end < 0)
            throw Reject("unclosed-front-matter", "The front matter block is never closed.", 1, "Add a line '---' after the last front matter field.");
        return (FrontMatter.Read(string.Join('\n', lines[1..end])), string.Join('\n', lines[(end + 1)..]));
    }

    private static (string Text, int Start, int Length)? FirstHeading(string markdown)
    {
        var offset = 0;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
                return (line[2..].Trim().TrimEnd('#').Trim(), offset, Math.Min(line.Length + 1, markdown.Length - offset));
            offset += line.Length + 1;
        }
        return null;
    }

    private static bool IsLanguageCode(string value) => value.Length == 2 && value.All(char.IsAsciiLetterLower);

    private static ArticleRejectedException Reject(string code, string message, int? line, string hint) => new(new ArticleRejection(code, message, line, hint));

    /// <summary>The YAML front matter's fields, each read with a rejection that names its line when it is wrong.</summary>
    private sealed class FrontMatter(YamlMappingNode? map)
    {
        public static FrontMatter Empty { get; } = new(null);

        /// <summary>The file has a front matter block (its fields start at line 2).</summary>
        public bool IsPresent => map is not null;

        public static FrontMatter Read(string yaml)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException e)
            {
                // +1: the opening '---' is line 1 of the file.
                var line = (int)e.Start.Line + 1;
                throw Reject("invalid-front-matter", $"The front matter is not valid YAML at line {line}: {e.InnerException?.Message ?? e.Message}", line,
                    "Check the indentation and quote values that contain ':' or start with a special character.");
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet fails this way (without a position) on some unclosed brackets: find the line ourselves.
                var line = FirstUnbalancedLine(yaml) is { } l ? l + 1 : (int?)null;
                throw Reject("invalid-front-matter",
                    $"The front matter is not valid YAML{(line is { } n ? $" at line {n}" : "")}: a bracket or quote is opened and never closed.", line,
                    "Close every [ with ] and every { with } on the same line, and every quote you open.");
            }
            if (stream.Documents.Count == 0)
                return Empty;
            if (stream.Documents[0].RootNode is not YamlMappingNode root)
                throw Reject("invalid-front-matter", "The front matter must be a list of 'name: value' fields.", 2,
                    "Write one field per line, e.g. 'title: ...'.");
            return new FrontMatter(root);
        }

        public string? SingleLine(string name) => SingleLine(map, name);

        public int? LineOf(string name) => Node(map, name) is { } n ? LineOf(n) : null;

        /// <summary>The fields a front matter may have; anything else is left out with a warning.</summary>
        private static readonly string[] Fields =
            ["title", "published", "language", "topics", "summary", "url", "editor", "draft", "resend", "slug", "translation_of", "alert", "session", "news"];

        /// <summary>The session block's fields; <c>location</c>, <c>venue</c> and <c>city</c> are read as <c>place</c>.</summary>
        private static readonly string[] SessionFields =
            ["organization", "organization_abbreviation", "committee", "committee_abbreviation", "numbers", "start", "end", "place",
            "location", "venue", "city", "participation"];

        public IEnumerable<ArticleWarning> UnknownFields()
            => Unknown(map, Fields, ArticleWarningCodes.UnknownField, "front matter field", string.Join(", ", Fields));

        private static IEnumerable<ArticleWarning> Unknown(YamlMappingNode? fields, string[] known, string code, string what, string knownText)
            => fields is null ? [] : fields.Children.Where(kv => kv.Key is not YamlScalarNode k || !known.Contains(k.Value, StringComparer.OrdinalIgnoreCase))
                .Select(kv => (kv.Key, Name: (kv.Key as YamlScalarNode)?.Value ?? kv.Key.ToString()))
                .Select(field => new ArticleWarning(code,
                    $"The {what} '{field.Name}' is not known and was ignored. Known fields: {knownText}.",
                    LineOf(field.Key), "Check the spelling of the field name, or remove the line.",
                    new Dictionary<string, string> { ["field"] = field.Name, ["known"] = knownText }));

        public IReadOnlyList<string> Topics() => Node(map, "topics") switch
        {
            null => [],
            YamlScalarNode s => Split(s.Value),
            YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().SelectMany(n => Split(n.Value)).Distinct().ToList(),
            var other => throw Reject("invalid-topics", "topics must be a list, e.g. [e-commerce, data model].", LineOf(other),
                "Write 'topics: [first topic, second topic]'."),
        };

        public DateTimeOffset? Date(string name) => Date(map, name);

        public bool Bool(string name) => SingleLine(name)?.ToLowerInvariant() switch
        {
            null or "false" or "no" or "off" => false,
            "true" or "yes" or "on" => true,
            var other => throw Reject($"invalid-{name}", $"{name} '{other}' is not true or false.", LineOf(name), $"Write '{name}: true' or '{name}: false'."),
        };

        /// <summary>
        /// <c>editor: press@secretariat.example</c> or <c>editor: Anna Petrova &lt;press@secretariat.example&gt;</c> (the name may
        /// be in quotes): the normalised address, who rejection reports go to, and the name, for display.
        /// </summary>
        public (string? Address, string? Name) Editor()
        {
            if (SingleLine("editor") is not { } value) return (null, null);
            var (name, address) = EditorParts(value);
            if (name is { Length: > MaxEditorNameLength })
                throw Reject("invalid-editor", $"The editor's name is {name.Length} characters long; at most {MaxEditorNameLength} are allowed.",
                    LineOf("editor"), "Write the editor as 'Name <address>' with a short name, e.g. 'editor: Anna Petrova <press@secretariat.example>'.");
            try
            {
                return (EmailAddress.Normalize(address), name);
            }
            catch (InvalidEmailAddressException)
            {
                throw Reject("invalid-editor", $"editor '{value}' is not an email address, nor a name with an address in angle brackets.",
                    LineOf("editor"),
                    "Give the address the rejection reports should go to, e.g. 'editor: press@secretariat.example' or " +
                        "'editor: Anna Petrova <press@secretariat.example>'.");
            }
        }

        private const int MaxEditorNameLength = 100;

        /// <summary>"Name &lt;address&gt;" into its name (quotes and spaces trimmed; null when empty) and address; anything else is all address.</summary>
        private static (string? Name, string Address) EditorParts(string value)
        {
            var open = value.LastIndexOf('<');
            if (open < 0 || !value.EndsWith('>')) return (null, value);
            var name = value[..open].Trim().Trim('"', '\'', ' ').Trim();
            return (name.Length > 0 ? name : null, value[(open + 1)..^1]);
        }

        /// <summary>The front matter's <c>session:</c> block, field by field over what the text says.</summary>
        public SessionInfo Session(SessionInfo fromText, List<ArticleWarning> warnings)
        {
            if (Node(map, "session") is not { } node) return fromText;
            if (node is not YamlMappingNode s)
                throw Reject("invalid-session", "session must be a block of fields (committee, numbers, start, end, place, participation).", LineOf(node),
                    "Indent the session fields under 'session:', one per line.");
            warnings.AddRange(Unknown(s, SessionFields, "unknown-session-field", "session field",
                "organization, organization_abbreviation, committee, committee_abbreviation, numbers, start, end, place (or location, venue, " +
                    "city), participation"));
            var numbers = Node(s, "numbers") switch
            {
                null => fromText.Sessions,
                YamlScalarNode n => Numbers([n]),
                YamlSequenceNode seq => Numbers(seq.Children),
                var other => throw Reject("invalid-session", "session numbers must be a list, e.g. [239, 240].", LineOf(other), "Write 'numbers: [239, 240]'."),
            };
            var participation = SingleLine(s, "participation") is { } p
                ? Enum.TryParse<Participation>(p.Replace("-", "").Replace(" ", ""), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                    ? parsed
                    : throw Reject("invalid-session", $"participation '{p}' is not one of in-person, online, hybrid.",
                        LineOf(Node(s, "participation")!), "Write 'participation: hybrid' (or in-person, online).")
                : fromText.Participation;
            var start = Date(s, "start") is { } st ? DateOnly.FromDateTime(st.UtcDateTime) : fromText.StartDate;
            var end = Date(s, "end") is { } en
                ? DateOnly.FromDateTime(en.UtcDateTime)
                : start is not null && Node(s, "start") is not null ? start : fromText.EndDate;
            if (start > end)
                throw Reject("invalid-session", $"The session ends ({end:yyyy-MM-dd}) before it starts ({start:yyyy-MM-dd}).",
                    LineOf(Node(s, "end") ?? node), "Check the start and end dates.");
            return new SessionInfo(
                SingleLine(s, "organization") ?? fromText.Organization,
                SingleLine(s, "organization_abbreviation") ?? fromText.OrganizationAbbreviation,
                SingleLine(s, "committee") ?? fromText.Committee,
                SingleLine(s, "committee_abbreviation") ?? fromText.CommitteeAbbreviation,
                numbers, start, end,
                SingleLine(s, "place") ?? SingleLine(s, "location") ?? SingleLine(s, "venue") ?? SingleLine(s, "city") ?? fromText.Place,
                participation);
        }

        private static IReadOnlyList<int> Numbers(IEnumerable<YamlNode> nodes)
        {
            var list = new List<int>();
            foreach (var node in nodes)
                foreach (var part in ((node as YamlScalarNode)?.Value ?? "").Split(['/', ',', ' '], StringSplitOptions.RemoveEmptyEntries))
                    list.Add(int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n
                        : throw Reject("invalid-session", $"session number '{part}' is not a positive whole number.", LineOf(node),
                            "Write the numbers only, e.g. [239, 240]."));
            return list.Distinct().Order().ToList();
        }

        private static string? SingleLine(YamlMappingNode? map, string name)
        {
            var value = Node(map, name) switch
            {
                null => null,
                YamlScalarNode s => s.Value,
                var other => throw Reject($"invalid-{name.Replace('_', '-')}", $"{name} must be a single value.", LineOf(other),
                    $"Write '{name}: value' on one line."),
            };
            if (value is null) return null;
            if (value.IndexOfAny(['\r', '\n', '\u2028', '\u2029', '\u0085']) >= 0)
                throw Reject($"multiline-{name.Replace('_', '-')}", $"The {name} spans more than one line.", LineOf(Node(map, name)!),
                    $"Write the {name} on a single line.");
            var trimmed = value.Trim();
            return trimmed.Length == 0 ? null : trimmed;
        }

        private static DateTimeOffset? Date(YamlMappingNode? map, string name)
        {
            var value = SingleLine(map, name);
            if (value is null) return null;
            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                return date;
            throw Reject($"invalid-{name}", $"{name} '{value}' is not a date.", LineOf(Node(map, name)!), "Write the date as YYYY-MM-DD, e.g. 2026-11-26.");
        }

        private static int LineOf(YamlNode node) => (int)node.Start.Line + 1;

        private static YamlNode? Node(YamlMappingNode? map, string name)
            => map?.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode k && string.Equals(k.Value, name, StringComparison.OrdinalIgnoreCase)).Value;

        private static List<string> Split(string? value)
            => [.. (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

        private static int? FirstUnbalancedLine(string yaml)
        {
            var lines = yaml.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var l = lines[i];
                if (l.Count(c => c == '[') != l.Count(c => c == ']') || l.Count(c => c == '{') != l.Count(c => c == '}') || l.Count(c => c == '"') % 2 == 1)
                    return i + 1;
            }
            return null;
        }
    }
}
