using Notifications.Articles;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>What the desk shows of the pipeline's answers: a check, a three-language preview, a publication's outcome.</summary>
public static class DeskModels
{
    /// <summary>The check panel: the parsed fields, the session line, the rejection (message, line, hint) and the warnings.</summary>
    public static ScriptObject Check(DraftCheck check, string lang)
    {
        var article = check.Article;
        return new ScriptObject
        {
            ["checked"] = true,
            ["accepted"] = article is not null,
            ["parsed_title"] = article?.Title ?? "",
            ["parsed_summary"] = article?.Summary ?? "",
            ["parsed_language"] = article?.Language ?? "",
            ["parsed_topics"] = article is null ? "" : string.Join(", ", article.Topics.Select(t => TopicCatalog.Label(t, lang))),
            ["parsed_session"] = article is null ? "" : DigestLocale.For(lang).SessionLine(article.SessionOrNone),
            ["parsed_published"] = DeskTime.Format(article?.Published),
            ["rejection"] = Rejection(check.Rejection),
            ["warnings"] = Warnings(check.Warnings, lang),
        };
    }

    public static ScriptObject? Rejection(ArticleRejection? rejection) => rejection is null ? null : new ScriptObject
    {
        ["message"] = rejection.Message,
        ["line"] = rejection.Line?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        ["hint"] = rejection.Hint,
    };

    /// <summary>The warnings in the editor's language (<see cref="ArticleWarningText"/>).</summary>
    public static List<ScriptObject> Warnings(IEnumerable<ArticleWarning> warnings, string lang) => warnings.Select(w =>
    {
        var (message, hint) = ArticleWarningText.For(w, lang);
        return new ScriptObject
        {
            ["code"] = w.Code,
            ["message"] = message,
            ["line"] = w.Line?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            ["hint"] = hint,
        };
    }).ToList();

    /// <summary>
    /// One subscriber language's digest and alert (subject, HTML for the frames, text part), the choice of the others (with
    /// whether each reads it in its own language), and the hosted page. One language a page: a page holds at most 100,000
    /// characters (the templates' limit), and each mail is there twice (desktop and phone).
    /// </summary>
    public static ScriptObject Preview(IReadOnlyList<DraftPreview> previews, string shown, string hostedPage, IndexedArticle article)
        => new()
        {
            ["preview_languages"] = previews.Select(p => new ScriptObject
            {
                ["language"] = p.Language,
                ["in_language"] = p.InLanguage,
                ["current"] = p.Language == shown,
            }).ToList(),
            ["previews"] = previews.Where(p => p.Language == shown).Select(p => new ScriptObject
            {
                ["language"] = p.Language,
                ["in_language"] = p.InLanguage,
                ["article_language"] = article.Language,
                ["mails"] = new List<ScriptObject>
                {
                    Mail("digest", p.Language, p.Digest),
                    Mail("alert", p.Language, p.Alert),
                },
            }).ToList(),
            ["hosted_page"] = hostedPage,
            ["article_language"] = article.Language,
        };

    private static ScriptObject Mail(string kind, string language, Mail.MailContent mail) => new()
    {
        ["kind"] = kind,
        ["id"] = $"{kind}-{language}",
        ["subject"] = mail.Subject,
        ["html"] = mail.Html,
        ["text"] = mail.Text,
    };

    /// <summary>The result page after publishing, saving a draft or withdrawing: what happened, from the index and the outcome.</summary>
    /// <param name="alertWaitsUntil">When its group's alert goes, while it waits for translations; null otherwise.</param>
    public static ScriptObject Outcome(string blobName, string outcome, IndexedArticle? article, int? alertRecipients, bool correction,
        bool mailedAgain, DateTimeOffset now, string lang, DateTimeOffset? alertWaitsUntil = null)
    {
        var status = article is null ? "" : DeskArticleList.StatusOf(article, now);
        return new ScriptObject
        {
            ["name"] = blobName,
            ["name_query"] = Uri.EscapeDataString(blobName),
            ["outcome"] = outcome,
            ["status"] = status,
            ["article_title"] = article?.Title ?? "",
            ["held_until"] = status == "held" ? DeskTime.Format(article!.AvailableAt) : "",
            ["duplicate_of"] = article?.DuplicateOf ?? "",
            ["rejection"] = Rejection(article?.Rejection),
            ["warnings"] = Warnings(article?.WarningList ?? [], lang),
            ["alert_recipients"] = alertRecipients ?? -1,
            ["alert_waits_until"] = alertWaitsUntil is { } waits && waits > now ? DeskTime.Format(waits) : "",
            ["correction"] = correction,
            ["mailed_again"] = mailedAgain,
            ["public"] = status is "accepted" or "held",
            ["page_url"] = "/api/articles/" + string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString)),
        };
    }
}
