using System.Globalization;
using Microsoft.AspNetCore.Http;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Pipeline;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The articles list of the desk: every article the index knows with its status in words, language and translations, topics,
/// session line and where it went (runs, recipients, alerts), filtered by the GET form's status, language, topic and title
/// search, newest first, <see cref="PageSize"/> a page.
/// </summary>
public static class DeskArticleList
{
    public const int PageSize = 25;

    /// <summary>The filters of the list, read from the query (bounded: unknown values are ignored, the search is cut at 200).</summary>
    public sealed record Filter(string Status, string Language, string Topic, string Search, int Page)
    {
        public static Filter From(IQueryCollection query, TopicCatalog catalog)
        {
            var status = query["status"].ToString().Trim().ToLowerInvariant();
            var language = query["language"].ToString().Trim().ToLowerInvariant();
            var topic = catalog.Resolve(query["topic"].ToString().Trim()) ?? "";
            var search = query["q"].ToString().Trim();
            if (search.Length > 200) search = search[..200];
            var page = int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? Math.Clamp(p, 1, 100_000) : 1;
            return new Filter(Statuses.Contains(status) ? status : "", Localization.Translations.Languages.Contains(language) ? language : "",
                topic, search, page);
        }

        /// <summary>The query of this filter on another page.</summary>
        public string Query(int page)
        {
            var parts = new List<string>();
            void Add(string key, string value)
            {
                if (value.Length > 0) parts.Add(key + "=" + Uri.EscapeDataString(value));
            }
            Add("status", Status);
            Add("language", Language);
            Add("topic", Topic);
            Add("q", Search);
            if (page > 1) parts.Add("page=" + page.ToString(CultureInfo.InvariantCulture));
            return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
        }
    }

    /// <summary>The statuses as the filter names them: the index's, and "held" (accepted, waiting for its date).</summary>
    public static readonly IReadOnlyList<string> Statuses = ["accepted", "held", "draft", "duplicate", "rejected", "withdrawn"];

    /// <summary>The status of an article as the filter and the texts name it.</summary>
    public static string StatusOf(IndexedArticle article, DateTimeOffset now)
        => article.Status == ArticleStatus.Accepted && article.AvailableAt > now ? "held" : article.Status.ToString().ToLowerInvariant();

    /// <summary>The console's tag colour of a status.</summary>
    public static string Tag(string status) => status switch
    {
        "accepted" => "ok",
        "held" => "held",
        "draft" => "draft",
        "rejected" or "duplicate" => "bad",
        _ => "",
    };

    /// <summary>The list's template model: the filter's fields and choices, the page of rows, and the paging links.</summary>
    public static ScriptObject Model(IReadOnlyList<IndexedArticle> all, IReadOnlyDictionary<string, IReadOnlyList<ArticleTrail>> trails,
        Filter filter, TopicCatalog catalog, string lang, DateTimeOffset now)
    {
        var locale = DigestLocale.For(lang);
        var matching = all
            .Where(a => filter.Status.Length == 0 || StatusOf(a, now) == filter.Status)
            .Where(a => filter.Language.Length == 0 || a.Language == filter.Language)
            .Where(a => filter.Topic.Length == 0 || a.Topics.Contains(filter.Topic))
            .Where(a => filter.Search.Length == 0 || a.Title.Contains(filter.Search, StringComparison.CurrentCultureIgnoreCase))
            .OrderByDescending(a => a.AcceptedAt ?? a.Published ?? DateTimeOffset.MinValue)
            .ThenBy(a => a.BlobName, StringComparer.Ordinal)
            .ToList();
        var pages = Math.Max(1, (matching.Count + PageSize - 1) / PageSize);
        var page = Math.Min(filter.Page, pages);
        var rows = matching.Skip((page - 1) * PageSize).Take(PageSize).Select(a =>
        {
            var went = trails.GetValueOrDefault(a.BlobName) ?? [];
            return new ScriptObject
            {
                ["name"] = a.BlobName,
                ["name_query"] = Uri.EscapeDataString(a.BlobName),
                ["title"] = a.Title.Length > 0 ? a.Title : a.BlobName,
                ["status"] = StatusOf(a, now),
                ["tag"] = Tag(StatusOf(a, now)),
                ["held_until"] = DeskTime.Format(a.AvailableAt),
                ["duplicate_of"] = a.DuplicateOf ?? "",
                ["reason"] = a.Rejection?.Message ?? "",
                ["language"] = a.Language,
                ["translations"] = a.TranslationKey is { } key
                    ? all.Where(o => o.TranslationKey == key && o.BlobName != a.BlobName).Select(o => o.Language).Distinct().Order().ToList()
                    : new List<string>(),
                ["topics"] = string.Join(", ", a.Topics.Select(t => TopicCatalog.Label(t, lang))),
                ["session"] = locale.SessionLine(a.SessionOrNone),
                ["runs"] = went.Count(t => !t.Alert),
                ["alerts"] = went.Count(t => t.Alert),
                ["recipients"] = went.Sum(t => t.Recipients),
                ["last_run"] = went.Count > 0 ? DeskTime.Format(went.Max(t => t.At)) : "",
                ["can_withdraw"] = a.Status is ArticleStatus.Accepted or ArticleStatus.Draft,
            };
        }).ToList();
        return new ScriptObject
        {
            ["rows"] = rows,
            ["total"] = matching.Count,
            ["all_total"] = all.Count,
            ["page"] = page,
            ["pages"] = pages,
            ["previous_query"] = page > 1 ? filter.Query(page - 1) : "",
            ["next_query"] = page < pages ? filter.Query(page + 1) : "",
            ["has_previous"] = page > 1,
            ["has_next"] = page < pages,
            ["filter_status"] = filter.Status,
            ["filter_language"] = filter.Language,
            ["filter_topic"] = filter.Topic,
            ["filter_q"] = filter.Search,
            ["statuses"] = Statuses.ToList(),
            ["languages"] = Localization.Translations.Languages.ToList(),
            ["topic_choices"] = catalog.Keys.Select(k => new ScriptObject { ["key"] = k, ["label"] = TopicCatalog.Label(k, lang) }).ToList(),
        };
    }
}

/// <summary>Times on the desk: UTC, stated as such, to the minute.</summary>
public static class DeskTime
{
    public static string Format(DateTimeOffset? at)
        => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";
}
