using Notifications.Delivery;
using System.Globalization;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Digests;

/// <summary>Renders a digest's subject, HTML and plain text from the built-in templates.</summary>
public sealed class DigestRenderer(TemplateSet templates, IOptions<DigestOptions> options)
{
    public MailContent Render(DigestPeriod period, IReadOnlyList<IndexedArticle> articles)
    {
        var o = options.Value;
        var model = new ScriptObject
        {
            ["sender"] = o.Sender,
            ["organization"] = o.Organization,
            ["footer"] = o.Footer,
            ["frequency_label"] = period.Frequency.ToString().ToLowerInvariant(),
            ["period_label"] = period.Label,
            ["article_count"] = articles.Count,
            ["articles"] = articles.Select(ToModel).ToList(),
        };
        var subject = OneLine(templates.RenderText("digest.subject.sbn", model));
        model["subject"] = subject;
        model["preheader"] = string.Join(" · ", articles.Take(3).Select(a => a.Title));
        return new MailContent(subject, templates.RenderHtml("digest.html.sbn", model), templates.RenderText("digest.txt.sbn", model));
    }

    private static ScriptObject ToModel(IndexedArticle a) => new()
    {
        ["title"] = a.Title,
        ["summary"] = a.Summary,
        ["url"] = a.Url ?? "",
        ["topics"] = string.Join(", ", a.Topics),
        ["language"] = a.Language,
        ["published_label"] = a.Published?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A subject is one header line: any line break a template or an article brings in is folded to a space.</summary>
    private static string OneLine(string text)
        => string.Join(' ', text.Split((char[])['\r', '\n', '\t', '\u2028', '\u2029', '\u0085'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
