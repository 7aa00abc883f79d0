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
            // Rendered once for everyone: each recipient's own values replace these placeholders at send time.
            ["recipient"] = new ScriptObject
            {
                ["name_html"] = new RawHtml(MailPlaceholders.NameHtml),
                ["name_text"] = MailPlaceholders.NameText,
                ["unsubscribe_url"] = new RawHtml(MailPlaceholders.UnsubscribeUrl),
                ["preferences_url"] = new RawHtml(MailPlaceholders.PreferencesUrl),
            },
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
        ["session"] = SessionModel(a.SessionOrNone),
    };

    /// <summary>The session an article reports on, for templates: each field, and <c>label</c>, one line that says it all.</summary>
    private static ScriptObject SessionModel(SessionInfo s)
    {
        var committee = s.CommitteeAbbreviation ?? s.Committee ?? "";
        var numbers = s.Sessions.Count == 0 ? "" : string.Join("/", s.Sessions.Select(Ordinal)) + (s.Sessions.Count == 1 ? " session" : " sessions");
        var dates = DateRange(s.StartDate, s.EndDate);
        var place = s.Place is null ? "" : s.Participation == Participation.Hybrid ? $"{s.Place} and online" : s.Place;
        if (s.Place is null && s.Participation == Participation.Online) place = "online";
        return new ScriptObject
        {
            ["committee"] = s.Committee ?? "",
            ["committee_abbreviation"] = s.CommitteeAbbreviation ?? "",
            ["organization"] = s.Organization ?? "",
            ["organization_abbreviation"] = s.OrganizationAbbreviation ?? "",
            ["numbers"] = numbers,
            ["dates"] = dates,
            ["place"] = s.Place ?? "",
            ["participation"] = s.Participation == Participation.Unknown ? "" : s.Participation.ToString().ToLowerInvariant(),
            ["label"] = string.Join(" · ", new[] { string.Join(" ", new[] { committee, numbers }.Where(p => p != "")), dates, place }.Where(p => p != "")),
        };
    }

    private static string Ordinal(int n) => n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    /// <summary>"25–27 April 2023", "30 September – 2 October 2023", "30 December 2026 – 2 January 2027", "27 April 2023".</summary>
    private static string DateRange(DateOnly? start, DateOnly? end)
    {
        if (start is not { } a) return "";
        var b = end ?? a;
        var c = CultureInfo.InvariantCulture;
        if (a == b) return a.ToString("d MMMM yyyy", c);
        if (a.Year != b.Year) return $"{a.ToString("d MMMM yyyy", c)} – {b.ToString("d MMMM yyyy", c)}";
        if (a.Month != b.Month) return $"{a.ToString("d MMMM", c)} – {b.ToString("d MMMM yyyy", c)}";
        return $"{a.Day}–{b.ToString("d MMMM yyyy", c)}";
    }

    /// <summary>A subject is one header line: any line break a template or an article brings in is folded to a space.</summary>
    private static string OneLine(string text)
        => string.Join(' ', text.Split((char[])['\r', '\n', '\t', '\u2028', '\u2029', '\u0085'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
