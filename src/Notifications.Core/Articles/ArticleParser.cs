using System.Globalization;
using System.Text;
using Markdig;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Notifications.Articles;

/// <summary>
/// Parses a Markdown article with YAML front matter:
/// <code>
/// ---
/// title: The 241st/242nd sessions of the Permanent Technical Committee
/// published: 2026-10-19
/// language: en
/// topics: [e-commerce, data model]
/// summary: One or two sentences for the digest.
/// ---
/// Body in Markdown.
/// </code>
/// </summary>
public sealed class ArticleParser
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().DisableHtml().Build();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private const int SummaryLength = 300;

    public Article Parse(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
            throw Reject("empty", "The file is empty.", null, "Write the article with a front matter block (--- title: ... ---) and a body.");

        string text;
        try
        {
            text = StrictUtf8.GetString(content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? content[3..] : content);
        }
        catch (DecoderFallbackException)
        {
            throw Reject("undecodable", "The file is not valid UTF-8 text.", null, "Save the file as UTF-8 and upload it again.");
        }
        if (text.Contains('\0'))
            throw Reject("not-text", "The file is not text (it contains NUL bytes).", null, "Upload a Markdown (.md) file.");

        var (frontMatter, body) = SplitFrontMatter(text);
        var fields = ReadFrontMatter(frontMatter);

        var title = RequiredSingleLine(fields, "title");
        var summary = OptionalSingleLine(fields, "summary") ?? FirstParagraph(body);
        var language = (OptionalSingleLine(fields, "language") ?? "en").ToLowerInvariant();
        if (!IsLanguageCode(language))
            throw Reject("invalid-language", $"language '{language}' is not a two-letter language code.", fields.LineOf("language"), "Use a code such as en, ru or fr.");
        var published = OptionalDate(fields, "published");
        var url = OptionalSingleLine(fields, "url");
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)))
            throw Reject("invalid-url", $"url '{url}' is not an absolute http(s) address.", fields.LineOf("url"), "Give the full address of the article, starting with https://.");

        return new Article(title, summary, language, fields.Topics(), published, url, Markdig.Markdown.ToHtml(body, Markdown));
    }

    private static (string FrontMatter, string Body) SplitFrontMatter(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        if (lines.Length == 0 || lines[0].TrimEnd() != "---")
            throw Reject("missing-front-matter", "The file does not start with a front matter block.", 1,
                "Start the file with a line '---', then 'title: ...', then a closing line '---'.");
        var end = Array.FindIndex(lines, 1, l => l.TrimEnd() is "---" or "...");
        if (end < 0)
            throw Reject("unclosed-front-matter", "The front matter block is never closed.", 1, "Add a line '---' after the last front matter field.");
        return (string.Join('\n', lines[1..end]), string.Join('\n', lines[(end + 1)..]));
    }

    private static FrontMatter ReadFrontMatter(string yaml)
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
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            throw Reject("invalid-front-matter", "The front matter must be a list of 'name: value' fields.", 2, "Write one field per line, e.g. 'title: ...'.");
        return new FrontMatter(map);
    }

    private static string RequiredSingleLine(FrontMatter fields, string name)
        => OptionalSingleLine(fields, name)
           ?? throw Reject($"missing-{name}", $"The front matter has no {name}.", 2, $"Add a line '{name}: ...' to the front matter.");

    private static string? OptionalSingleLine(FrontMatter fields, string name)
    {
        var value = fields.Scalar(name);
        if (value is null) return null;
        if (value.IndexOfAny(['\r', '\n', '\u2028', '\u2029', '\u0085']) >= 0)
            throw Reject($"multiline-{name}", $"The {name} spans more than one line.", fields.LineOf(name), $"Write the {name} on a single line.");
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    private static DateTimeOffset? OptionalDate(FrontMatter fields, string name)
    {
        var value = OptionalSingleLine(fields, name);
        if (value is null) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return date;
        throw Reject($"invalid-{name}", $"{name} '{value}' is not a date.", fields.LineOf(name), "Write the date as YYYY-MM-DD, e.g. 2026-11-26.");
    }

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

    private static string FirstParagraph(string markdown)
    {
        var first = markdown.Split(["\n\n", "\r\n\r\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        var plain = Markdig.Markdown.ToPlainText(first, Markdown);
        var paragraph = string.Join(' ', plain.Split((char[])['\r', '\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return paragraph.Length <= SummaryLength ? paragraph : paragraph[..SummaryLength].TrimEnd() + "…";
    }

    private static bool IsLanguageCode(string value) => value.Length == 2 && value.All(char.IsAsciiLetterLower);

    private static ArticleRejectedException Reject(string code, string message, int? line, string hint)
        => new(new ArticleRejection(code, message, line, hint));

    private sealed class FrontMatter(YamlMappingNode map)
    {
        public string? Scalar(string name) => Node(name) switch
        {
            null => null,
            YamlScalarNode s => s.Value,
            var other => throw Reject($"invalid-{name}", $"{name} must be a single value.", LineOf(other), $"Write '{name}: value' on one line."),
        };

        public IReadOnlyList<string> Topics() => Node("topics") switch
        {
            null => [],
            YamlScalarNode s => Split(s.Value),
            YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().SelectMany(n => Split(n.Value)).Distinct().ToList(),
            var other => throw Reject("invalid-topics", "topics must be a list, e.g. [e-commerce, data model].", LineOf(other), "Write 'topics: [first topic, second topic]'."),
        };

        public int? LineOf(string name) => Node(name) is { } n ? LineOf(n) : null;

        private static int LineOf(YamlNode node) => (int)node.Start.Line + 1;

        private YamlNode? Node(string name)
            => map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode k && string.Equals(k.Value, name, StringComparison.OrdinalIgnoreCase)).Value;

        private static List<string> Split(string? value)
            => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => t.ToLowerInvariant()).ToList();
    }
}
