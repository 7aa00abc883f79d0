using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Localization;
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
/// The subject (<c>subject_line</c>) leads with the first article's title; the preheader says what the subject does not; the footer says
/// why the reader receives it and what they follow (<c>follows</c>, the variant's topics), who sends it, with the contact and postal
/// addresses (<see cref="SenderOptions"/>). The greeting is a placeholder each recipient's own greeting fills in (no name: one that needs none).
/// <c>web_view</c> is the web view's rendering: no greeting, no "view in browser".
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
    /// <param name="topics">The variant's topics, for the footer's "You follow: …"; none or empty: every topic.</param>
    /// <param name="webView">The web view's rendering (<c>web_view</c>): no greeting, no "view in browser", and the footer links to the
    /// manage-link request and subscribe pages instead of one recipient's links.</param>
    public MailContent Render(DigestPeriod period, IReadOnlyList<IndexedArticle> articles, string language = "en", string? viewUrl = null,
        bool correction = false, MailPlaceholders? keys = null, IReadOnlyList<string>? topics = null, bool webView = false)
        => Render(templates.Templates, period, articles, language, viewUrl, correction, keys, topics, webView);

    /// <summary>The same with a given template set: how an override is test-rendered before it is used.</summary>
    public MailContent Render(TemplateSet set, DigestPeriod period, IReadOnlyList<IndexedArticle> articles, string language, string? viewUrl = null,
        bool correction = false, MailPlaceholders? keys = null, IReadOnlyList<string>? topics = null, bool webView = false)
    {
        var locale = DigestLocale.For(language);
        // Keys of this rendering only: no article (written before it) can contain them. The language gives the greeting key its words.
        keys = (keys ?? MailPlaceholders.New()) with { Language = locale.Language };
        var inert = articles.Select(MergeFieldText.Inert).ToList();
        var model = Model(period, inert, locale, viewUrl, keys, correction, topics ?? [], webView);
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
        string? viewUrl, MailPlaceholders keys, bool correction, IReadOnlyList<string> topics, bool webView)
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

        // "Correction: <title>" (a correction alert carries its one article); empty otherwise.
        var correctionTitle = correction && articles.Count > 0 ? locale.Format("correction_title", OneLine(articles[0].Title)) : "";
        return new ScriptObject
        {
            ["lang"] = lang,
            ["dir"] = DirectionOf(lang),
            ["web_view"] = webView,
            ["sender"] = o.SenderIn(lang),
            ["organization"] = organization,
            ["footer"] = o.FooterIn(lang),
            ["contact_address"] = o.ContactAddressIn(lang),
            ["postal_address"] = o.PostalAddressIn(lang),
            ["frequency"] = period.Frequency.ToString().ToLowerInvariant(),
            ["frequency_label"] = locale.HowOften(period.Frequency),
            ["digest_name"] = digestName,
            ["period_label"] = locale.PeriodLabel(period),
            // For a heading: "Week of 23 November 2026".
            ["period_title"] = correction ? correctionTitle : Capitalized(locale.PeriodLabel(period)),
            ["correction"] = correction,
            ["correction_title"] = correctionTitle,
            ["subject_line"] = SubjectLine(period, articles, locale, correction),
            ["article_count"] = articles.Count,
            ["new_reports"] = locale.NewReports(articles.Count),
            ["new_session_reports"] = locale.NewSessionReports(articles.Count),
            ["intro"] = correction
                ? locale.Text("correction_intro")
                : locale.Format(period.Frequency == DigestFrequency.Instant ? "alert_intro" : "intro", locale.NewReports(articles.Count)),
            ["why"] = locale.Format("why", digestName.ToLowerInvariant(), organization),
            // "You follow: e-commerce, data model · daily": the variant's topics (or every topic) and how often it comes.
            ["follows"] = locale.Follows(topics, period.Frequency),
            ["topics"] = topics.Select(locale.Topic).ToList(),
            // Rendered once for everyone: each recipient's greeting ("Dear Anna," or, without a name, "Hello,") replaces these at send time.
            ["greeting_html"] = new RawHtml(keys.GreetingHtml),
            ["greeting_text"] = keys.GreetingText,
            ["view_url"] = viewUrl ?? "",
            // The web view's footer links: the manage-link request and the subscribe page, in this language (none without links).
            ["manage_link_url"] = links?.ManageLinkRequest(lang) ?? "",
            ["subscribe_url"] = links?.Subscribe(lang) ?? "",
            ["preheader"] = Preheader(period, articles, locale, correction),
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

    private static ScriptObject ArticleModel(IndexedArticle a, DigestLocale locale, ArticleLinks? links)
    {
        // An article in another language than the mail carries its own lang (and dir) on its title and summary (WCAG 2.1 SC 3.1.2).
        var code = (a.Language ?? "").Trim().ToLowerInvariant();
        var foreign = code.Length > 0 && code != locale.Language ? code : "";
        // Every article has a date: its own, else when it was accepted (a pasted page), else when it became available.
        var date = a.Published ?? a.AcceptedAt ?? a.AvailableAt;
        return new ScriptObject
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
            ["lang"] = foreign,
            ["dir"] = foreign.Length > 0 ? DirectionOf(foreign) : "",
            ["language_note"] = locale.LanguageNote(a.Language),
            ["published_label"] = date is { } p ? locale.Date(DateOnly.FromDateTime(p.UtcDateTime)) : "",
            ["session"] = SessionModel(a.SessionOrNone, locale),
        };
    }

    /// <summary>The session an article reports on, for templates: each field, and <c>label</c>, one line that says it all.</summary>
    private static ScriptObject SessionModel(SessionInfo s, DigestLocale locale) => new()
    {
        // In the reader's language where the glossary knows the term (stored values are English, or as the article wrote them).
        ["committee"] = s.Committee is { } committee ? Glossary.Localize(committee, locale.Language) : "",
        ["committee_abbreviation"] = s.CommitteeAbbreviation is null && s.Committee is null ? "" : locale.Committee(s),
        ["organization"] = s.Organization is { } organization ? Glossary.Localize(organization, locale.Language) : "",
        ["organization_abbreviation"] = s.OrganizationAbbreviation is null && s.Organization is null ? "" : locale.Organization(s),
        ["numbers"] = locale.SessionNumbers(s.Sessions),
        ["dates"] = s.StartDate is { } start ? locale.DateRange(start, s.EndDate) : "",
        ["place"] = s.Place is { } place ? Glossary.Localize(place, locale.Language) : "",
        ["participation"] = s.Participation == Participation.Unknown ? "" : s.Participation.ToString().ToLowerInvariant(),
        ["label"] = locale.SessionLine(s),
    };

    /// <summary>"rtl" for the right-to-left scripts' languages, else "ltr".</summary>
    private static string DirectionOf(string language) => language is "ar" or "he" or "fa" or "ur" or "ps" or "yi" ? "rtl" : "ltr";

    /// <summary>How long a subject may be: about what inboxes show before they cut it.</summary>
    public const int SubjectLength = 78;

    /// <summary>
    /// A subject that tells one mail from the next: the first article's title, "— and 3 more reports" when there are more
    /// ("Correction: &lt;title&gt;" for a correction), the title cut at a word so that the whole fits <see cref="SubjectLength"/>.
    /// </summary>
    private static string SubjectLine(DigestPeriod period, IReadOnlyList<IndexedArticle> articles, DigestLocale locale, bool correction)
    {
        if (articles.Count == 0) return locale.Subject(0, period);
        var title = OneLine(articles[0].Title);
        if (correction) return Fitted(title, t => locale.Format("correction_title", t));
        return articles.Count == 1 ? Fitted(title, t => t) : Fitted(title, t => locale.Format("subject_more", t, locale.MoreReports(articles.Count - 1)));
    }

    /// <summary><paramref name="shape"/> of the title, the title cut at a word (with "…") where the whole would be longer than a subject.</summary>
    private static string Fitted(string title, Func<string, string> shape)
    {
        var whole = shape(title);
        if (whole.Length <= SubjectLength) return whole;
        return shape(CutAtWord(title, Math.Max(20, SubjectLength - (whole.Length - title.Length) - 1)));
    }

    /// <summary>The text cut at the last word boundary within <paramref name="max"/> characters, with "…"; as it is when short enough.</summary>
    private static string CutAtWord(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = text.LastIndexOf(' ', max);
        return text[..(cut > max / 2 ? cut : max)].TrimEnd(' ', ',', ';', ':', '·', '—', '–', '-') + "…";
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>
    /// What mail clients show after the subject, saying what the subject does not: for a digest, its date and the other titles; for
    /// one article (an alert, a correction, a digest of one), its session line and the start of its summary. Cut at a word near 150.
    /// </summary>
    private static string Preheader(DigestPeriod period, IReadOnlyList<IndexedArticle> articles, DigestLocale locale, bool correction)
    {
        var parts = new List<string>();
        if (articles.Count > 1)
        {
            parts.Add(Capitalized(locale.PeriodLabel(period)));
            parts.AddRange(articles.Skip(1).Select(a => OneLine(a.Title)));
        }
        else if (articles.Count == 1)
        {
            if (correction) parts.Add(locale.Text("correction_intro"));
            if (locale.SessionLine(articles[0].SessionOrNone) is { Length: > 0 } session) parts.Add(session);
            parts.Add(OneLine(articles[0].Summary));
        }
        return CutAtWord(string.Join(" · ", parts.Where(p => p.Length > 0)), 150);
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
