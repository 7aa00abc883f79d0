using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Templates;
using Scriban.Runtime;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>
/// Renders a digest's subject, HTML and plain text in one language, from the digest templates (built-in, or an admin's
/// override: see <see cref="DigestTemplateOverrides"/>). It renders once per variant: the recipient's name and links are
/// <see cref="MailPlaceholders"/> of this rendering (random keys, carried with the content) that each message fills in at send time.
/// Article fields are made inert first (<see cref="MergeFieldText"/>): nothing an article says can become a key.
/// <para>
/// Templates: <c>digest.subject.sbn</c>, <c>digest.txt.sbn</c> and the layout <c>digest.html.sbn</c>, which includes the
/// partials <c>digest-header.html.sbn</c>, <c>digest-article.html.sbn</c> (once per article) and <c>digest-footer.html.sbn</c>
/// (the text body includes <c>digest-article.txt.sbn</c>). The layout's CSS is written in a &lt;style&gt; block and moved
/// inline here (PreMailer.Net), keeping the media queries for small screens in a &lt;style&gt; block.
/// </para>
/// <para>
/// Each article's <c>link</c> is where its item points: its <c>url</c>, else its hosted page (<see cref="ArticleLinks"/>; without
/// an <see cref="ArticleLinks"/>, as when an override is test-rendered, only the <c>url</c>); <c>page_url</c> is always the hosted page.
/// </para>
/// </summary>
public sealed class DigestRenderer(ITemplateSource templates, IOptions<SenderOptions> options, ArticleLinks? links = null)
{
    public const string SubjectTemplate = "digest.subject.sbn";
    public const string HtmlTemplate = "digest.html.sbn";
    public const string TextTemplate = "digest.txt.sbn";

    /// <summary>The digest of <paramref name="articles"/> in <paramref name="language"/> (en, ru or fr; anything else renders in English).</summary>
    /// <param name="viewUrl">The absolute address where this rendering can be read in a browser (the "view in browser" link); none: no link.</param>
    /// <param name="correction">A correction alert: its subject and heading say "Correction: &lt;title&gt;" (<c>correction_title</c>).</param>
    /// <param name="keys">The rendering's placeholder keys; none: fresh random ones (a rendering made again, the same, passes its own).</param>
    /// <param name="webView">The page version read in a browser (<c>web_view</c>): no greeting, no "view in browser", no mail-only markup.</param>
    public MailContent Render(DigestPeriod period, IReadOnlyList<IndexedArticle> articles, string language = "en", string? viewUrl = null,
        bool correction = false, MailPlaceholders? keys = null, bool webView = false)
        => Render(templates.Templates, period, articles, language, viewUrl, correction, keys, webView);

    /// <summary>The same with a given template set: how an override is test-rendered before it is used.</summary>
    public MailContent Render(TemplateSet set, DigestPeriod period, IReadOnlyList<IndexedArticle> articles, string language, string? viewUrl = null,
        bool correction = false, MailPlaceholders? keys = null, bool webView = false)
    {
        // Keys of this rendering only: no article (written before it) can contain them.
        keys ??= MailPlaceholders.New();
        var locale = DigestLocale.For(language);
        var model = Model(period, articles.Select(MergeFieldText.Inert).ToList(), locale, webView ? null : viewUrl, keys, correction);
        model["web_view"] = webView;
        var subject = OneLine(set.RenderText(SubjectTemplate, model));
        // A correction says so in its subject, whatever an override's subject template writes.
        if (correction && !subject.StartsWith(locale.Text("correction"), StringComparison.Ordinal))
            subject = OneLine(locale.Format("correction_title", subject));
        model["subject"] = subject;
        var html = Inline(set.RenderHtml(HtmlTemplate, model));
        return new MailContent(subject, html, set.RenderText(TextTemplate, model), keys);
    }

    /// <summary>Everything the templates see. Names are snake_case; <c>t</c> holds the fixed texts of the language.</summary>
    private ScriptObject Model(DigestPeriod period, IReadOnlyList<IndexedArticle> articles, DigestLocale locale,
        string? viewUrl, MailPlaceholders keys, bool correction)
    {
        var o = options.Value;
        var lang = locale.Language;
        var digestName = locale.Text(period.Frequency switch
        {
            DigestFrequency.Weekly => "weekly_digest",
            DigestFrequency.Instant => "alert",
            _ => "daily_digest",
        });
        var organization = o.OrganizationIn(lang);
        var t = new ScriptObject();
        foreach (var (key, value) in locale.Texts) t[key] = value;

        var greeting = locale.Text("greeting").Split("{0}");
        // "Correction: <title>" (a correction alert carries its one article); empty otherwise.
        var correctionTitle = correction && articles.Count > 0 ? locale.Format("correction_title", OneLine(articles[0].Title)) : "";
        return new ScriptObject
        {
            ["lang"] = lang,
            ["sender"] = o.SenderIn(lang),
            ["organization"] = organization,
            ["footer"] = o.FooterIn(lang),
            ["frequency"] = period.Frequency.ToString().ToLowerInvariant(),
            ["frequency_label"] = period.Frequency.ToString().ToLowerInvariant(),
            ["digest_name"] = digestName,
            ["period_label"] = locale.PeriodLabel(period),
            // For a heading: "Week of 23 November 2026".
            ["period_title"] = correction ? correctionTitle : Capitalized(locale.PeriodLabel(period)),
            ["correction"] = correction,
            ["correction_title"] = correctionTitle,
            ["article_count"] = articles.Count,
            ["new_reports"] = locale.NewReports(articles.Count),
            ["new_session_reports"] = locale.NewSessionReports(articles.Count),
            ["intro"] = correction
                ? locale.Text("correction_intro")
                : locale.Format(period.Frequency == DigestFrequency.Instant ? "alert_intro" : "intro", locale.NewReports(articles.Count)),
            ["why"] = locale.Format("why", digestName.ToLowerInvariant(), organization),
            // Rendered once for everyone: each recipient's own values replace these placeholders at send time.
            ["greeting_html"] = new RawHtml(string.Join(keys.NameHtml, greeting.Select(System.Net.WebUtility.HtmlEncode))),
            ["greeting_text"] = string.Join(keys.NameText, greeting),
            ["view_url"] = viewUrl ?? "",
            ["web_view"] = false,
            ["preheader"] = Preheader(articles),
            ["subject"] = "",
            ["articles"] = articles.Select(a => ArticleModel(a, locale, links)).ToList(),
            ["t"] = t,
            ["recipient"] = new ScriptObject
            {
                ["name_html"] = new RawHtml(keys.NameHtml),
                ["name_text"] = keys.NameText,
                ["unsubscribe_url"] = new RawHtml(keys.UnsubscribeUrl),
                ["preferences_url"] = new RawHtml(keys.PreferencesUrl),
            },
        };
    }

    private static ScriptObject ArticleModel(IndexedArticle a, DigestLocale locale, ArticleLinks? links) => new()
    {
        ["title"] = a.Title,
        ["summary"] = a.Summary,
        ["url"] = a.Url ?? "",
        // Where the item links: the url, else the article's page on this app, so every item links somewhere.
        ["link"] = links?.For(a) ?? a.Url ?? "",
        ["page_url"] = links?.Page(a.BlobName) ?? "",
        ["topics"] = string.Join(", ", a.Topics.Select(locale.Topic)),
        ["topic_list"] = a.Topics.Select(locale.Topic).ToList(),
        ["language"] = a.Language,
        ["language_note"] = locale.LanguageNote(a.Language),
        ["published_label"] = a.Published is { } p ? locale.Date(DateOnly.FromDateTime(p.UtcDateTime)) : "",
        ["session"] = SessionModel(a.SessionOrNone, locale),
    };

    /// <summary>The session an article reports on, for templates: each field, and <c>label</c>, one line that says it all.</summary>
    private static ScriptObject SessionModel(SessionInfo s, DigestLocale locale) => new()
    {
        ["committee"] = s.Committee ?? "",
        ["committee_abbreviation"] = s.CommitteeAbbreviation ?? "",
        ["organization"] = s.Organization ?? "",
        ["organization_abbreviation"] = s.OrganizationAbbreviation ?? "",
        ["numbers"] = locale.SessionNumbers(s.Sessions),
        ["dates"] = s.StartDate is { } start ? locale.DateRange(start, s.EndDate) : "",
        ["place"] = s.Place ?? "",
        ["participation"] = s.Participation == Participation.Unknown ? "" : s.Participation.ToString().ToLowerInvariant(),
        ["label"] = locale.SessionLine(s),
    };

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>What mail clients show after the subject: the first titles, cut at a word near 150 characters.</summary>
    private static string Preheader(IReadOnlyList<IndexedArticle> articles)
    {
        var text = string.Join(" · ", articles.Take(3).Select(a => OneLine(a.Title)));
        if (text.Length <= 150) return text;
        var cut = text.LastIndexOf(' ', 150);
        return text[..(cut > 80 ? cut : 150)].TrimEnd(' ', '·') + "…";
    }

    /// <summary>
    /// Moves the layout's CSS into style attributes (Gmail and Outlook drop or ignore much of a &lt;style&gt; block);
    /// media queries cannot be inlined and stay in a &lt;style&gt; block for the clients that honour them.
    /// </summary>
    private static string Inline(string html)
        => PreMailer.Net.PreMailer.MoveCssInline(html, removeStyleElements: true, preserveMediaQueries: true).Html;

    /// <summary>A subject is one header line: any line break a template or an article brings in is folded to a space.</summary>
    private static string OneLine(string text)
        => string.Join(' ', text.Split((char[])['\r', '\n', '\t', '\u2028', '\u2029', '\u0085'],
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
