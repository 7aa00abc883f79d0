using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Notifications.Localization;

namespace Notifications.Articles;

/// <summary>What the checks need to know beyond the article: the languages subscribers read, and the languages its translation group has.</summary>
/// <param name="ReaderLanguages">Languages at least one active subscriber reads (en, ru, fr).</param>
/// <param name="GroupLanguages">Languages of the article's translation group in the index, this article's own included.</param>
public sealed record ArticleCheckFacts(IReadOnlyCollection<string> ReaderLanguages, IReadOnlyCollection<string> GroupLanguages);

/// <summary>
/// The one set of editorial checks on an article that will go out (the editors' desk shows them before publishing,
/// <c>notify articles publish</c> prints them after): a title too long for a subject or inbox line, no link and no body to host,
/// a session that ended long ago, more than a few topics, no published date, a summary that only repeats the title, a
/// translation group missing a language subscribers read. Warnings, never refusals: the editor decides. The thresholds are
/// <see cref="ArticleOptions"/>' <c>Check*</c> settings; each warning's code is one of <see cref="ArticleWarningCodes"/> and its
/// texts in every language are in <c>checks.&lt;lang&gt;.json</c> (<see cref="ArticleWarningText"/>).
/// </summary>
public sealed partial class ArticleChecks(TimeProvider time, IOptions<ArticleOptions> options)
{
    /// <summary>
    /// A title contained in the summary counts as repeated when it makes up at least this share of the summary (normalised):
    /// "PTC 243" in "PTC 243." repeats it; in a two-sentence summary that says what was decided it does not.
    /// </summary>
    public const double RepeatedTitleShare = 0.5;

    /// <summary>The warnings for <paramref name="article"/>, in a fixed order; empty when nothing needs a look.</summary>
    public IReadOnlyList<ArticleWarning> Check(Article article, ArticleCheckFacts facts)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(facts);
        var settings = options.Value;
        List<ArticleWarning?> warnings =
        [
            LongTitle(article, settings.CheckTitleLength),
            NoLinkNoBody(article),
            OldSession(article, settings.CheckSessionAgeDays, time.GetUtcNow()),
            ManyTopics(article, settings.CheckTopicCount),
            NoPublishedDate(article),
            SummaryRepeatsTitle(article),
            MissingTranslations(article, facts),
        ];
        return warnings.OfType<ArticleWarning>().ToList();
    }

    private static ArticleWarning? LongTitle(Article article, int max)
    {
        var length = new StringInfo(article.Title.Trim()).LengthInTextElements;
        if (length <= max) return null;
        return Warning(ArticleWarningCodes.LongTitle,
            $"The title is {length} characters long; subject lines and inbox lists show about {max}, so its end will be cut off.",
            $"Shorten the title to {max} characters or fewer; the details belong in the summary.",
            ("length", Number(length)), ("max", Number(max)));
    }

    private static ArticleWarning? NoLinkNoBody(Article article)
    {
        if (article.Url is not null || VisibleText(article.BodyHtml).Length > 0) return null;
        return Warning(ArticleWarningCodes.NoLinkNoBody,
            "The article has no link (url) and no text: its digest item and article page would lead to an empty page.",
            "Add 'url:' with the address of the report on the website, or paste the report's text as the body.");
    }

    private static ArticleWarning? OldSession(Article article, int maxDays, DateTimeOffset now)
    {
        if ((article.Session.EndDate ?? article.Session.StartDate) is not { } ended) return null;
        // The article goes out now, or on its published date when that is later (a future date holds it until then).
        var goesOut = DateOnly.FromDateTime((article.Published is { } p && p > now ? p : now).UtcDateTime);
        var days = goesOut.DayNumber - ended.DayNumber;
        if (days <= maxDays) return null;
        var end = ended.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var date = goesOut.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Warning(ArticleWarningCodes.OldSession,
            $"The session ended on {end}, {days} days before the article goes out ({date}): is this still news?",
            $"Check the session's dates. If the report is still worth mailing, publish it as it is; this warning comes after {maxDays} days.",
            ("end", end), ("days", Number(days)), ("date", date), ("max", Number(maxDays)));
    }

    private static ArticleWarning? ManyTopics(Article article, int max)
    {
        if (article.Topics.Count <= max) return null;
        var topics = string.Join(", ", article.Topics);
        return Warning(ArticleWarningCodes.ManyTopics,
            $"The article has {article.Topics.Count} topics ({ArticleWarningText.Names("topics", topics, "en")}); with more than {max} it reaches " +
                "almost every subscriber.",
            $"Keep only the topics the article is really about (at most {max}) in the front matter, e.g. 'topics: [e-commerce, data model]'.",
            ("count", Number(article.Topics.Count)), ("topics", topics), ("max", Number(max)));
    }

    private static ArticleWarning? NoPublishedDate(Article article)
    {
        if (article.Published is not null) return null;
        return Warning(ArticleWarningCodes.NoPublishedDate,
            "The article has no published date: digests and alerts show it without a date.",
            "Add the report's date, e.g. 'published: 2026-11-26'; a future date holds the article until that day.");
    }

    private static ArticleWarning? SummaryRepeatsTitle(Article article)
    {
        var summary = Normalize(article.Summary);
        var title = Normalize(article.Title);
        if (summary.Length == 0 || title.Length == 0) return null;
        var repeats = summary == title
            || title.Contains(summary, StringComparison.Ordinal)
            || (summary.Contains(title, StringComparison.Ordinal) && title.Length >= RepeatedTitleShare * summary.Length);
        if (!repeats) return null;
        return Warning(ArticleWarningCodes.SummaryRepeatsTitle,
            "The summary only repeats the title: the digest would show the same words twice.",
            "Write one or two sentences that say what was decided or what happens next ('summary:' in the front matter).");
    }

    private static ArticleWarning? MissingTranslations(Article article, ArticleCheckFacts facts)
    {
        var have = facts.GroupLanguages.Append(article.Language).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = facts.ReaderLanguages
            .Where(l => !have.Contains(l))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(l => Translations.Languages.Contains(l) ? Translations.Languages.ToList().IndexOf(l) : int.MaxValue)
            .ThenBy(l => l, StringComparer.Ordinal)
            .ToList();
        if (missing.Count == 0) return null;
        var languages = string.Join(", ", missing);
        return Warning(ArticleWarningCodes.MissingTranslations,
            $"No translation in a language subscribers read ({ArticleWarningText.Names("languages", languages, "en")}): they will get this " +
                $"article in {ArticleWarningText.Names("language", article.Language, "en")}.",
            "Publish a translation with the same 'slug' (or 'translation_of') and its own 'language:', or leave it: they get this version, " +
                "marked with its language.",
            ("languages", languages), ("language", article.Language));
    }

    /// <summary>Lower case, letters and digits only, one space between words: "PTC-243: Brussels!" is "ptc 243 brussels".</summary>
    internal static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
                result.Append(char.ToLowerInvariant(c));
            else if (result.Length > 0 && result[^1] != ' ')
                result.Append(' ');
        }
        return result.ToString().TrimEnd();
    }

    /// <summary>The text a reader would see in the body: tags out, entities decoded, white space trimmed.</summary>
    private static string VisibleText(string html) => WebUtility.HtmlDecode(Tag().Replace(html, " ")).Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static ArticleWarning Warning(string code, string message, string hint, params (string Name, string Value)[] args)
        => new(code, message, null, hint, args.Length > 0 ? args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal) : null);
}
