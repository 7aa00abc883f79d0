using System.Globalization;

namespace Notifications.Articles;

/// <summary>
/// Whether an accepted article is news: an article about a session that ended longer than <see cref="ArticleOptions.NewsWindow"/>
/// before it enters digests (<see cref="IndexedArticle.AvailableAt"/>: its acceptance, or a later published date) is not, unless the
/// editor says <c>news: true</c>. It is accepted with a <see cref="ArticleWarningCodes.NotNews"/> warning that says how to send it
/// anyway, keeps its article page, and no digest or alert carries it (<see cref="ArticleIndex.ListAvailableAsync"/>). A correction
/// keeps the moment it first entered digests, so a report that was news stays news. The ingestor and the editors' desk decide the same
/// way, through <see cref="Apply"/>.
/// </summary>
public static class NewsWindowRule
{
    /// <summary>The record with <see cref="IndexedArticle.NotNews"/> set, and the warning added, when its session is too old.</summary>
    public static IndexedArticle Apply(IndexedArticle record, Article article, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(article);
        if (record is not { Status: ArticleStatus.Accepted, AvailableAt: { } goesOut } || article.News)
            return record with { NotNews = false };
        if ((article.Session.EndDate ?? article.Session.StartDate) is not { } ended)
            return record with { NotNews = false };
        var limit = ended.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(1) + window;
        if (goesOut.UtcDateTime <= limit)
            return record with { NotNews = false };

        var days = DateOnly.FromDateTime(goesOut.UtcDateTime).DayNumber - ended.DayNumber;
        var end = ended.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var windowDays = ((int)window.TotalDays).ToString(CultureInfo.InvariantCulture);
        var warning = new ArticleWarning(ArticleWarningCodes.NotNews,
            $"The session ended on {end}, {days} days before the article was accepted: it is not news (more than {windowDays} days), so no digest " +
                "or alert carries it. Its article page is published.",
            null,
            "If it should still go to subscribers, add 'news: true' to the front matter (for a pasted page, put '---', 'news: true', '---' on the " +
                "first three lines) and upload the file again.",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["end"] = end, ["days"] = days.ToString(CultureInfo.InvariantCulture), ["window"] = windowDays,
            });
        var warnings = record.WarningList.Where(w => w.Code != ArticleWarningCodes.NotNews).Append(warning).ToList();
        return record with { NotNews = true, Warnings = warnings };
    }
}
