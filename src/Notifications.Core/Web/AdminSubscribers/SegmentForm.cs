using System.Globalization;
using Microsoft.AspNetCore.Http;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The subscribers page's query string (<c>q, status, frequency, language, country, member, topic, sort, desc, page</c>) read into a
/// <see cref="SubscriberQuery"/>: each value bounded and checked; a bad one is an error naming the field, and every value the admin
/// gave is kept as given (to show it again). The same string drives the page, its paging and sort links, and the segment export.
/// </summary>
internal sealed class SegmentForm
{
    public const int MaxTextLength = 200;
    public const int MaxPage = 100_000;

    private readonly Dictionary<string, string> raw = new(StringComparer.Ordinal);

    public SubscriberQuery Query { get; private set; } = new();
    public int Page { get; private set; } = 1;
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public static readonly string[] Fields = ["q", "status", "frequency", "language", "country", "member", "topic", "sort", "desc", "page"];

    public static SegmentForm Read(IQueryCollection query)
    {
        var form = new SegmentForm();
        foreach (var field in Fields)
        {
            var value = query[field].ToString().Trim();
            form.raw[field] = value.Length > MaxTextLength ? value[..MaxTextLength] : value;
            if (value.Length > MaxTextLength)
                form.Errors[field] = $"{field} is longer than {MaxTextLength} characters; shorten it.";
        }
        string? Text(string f) => form.raw[f].Length > 0 ? form.raw[f] : null;
        T? Parse<T>(string f, Func<string, T> parse) where T : struct
        {
            if (Text(f) is not { } v) return null;
            try { return parse(v); }
            catch (InvalidSubscriberException e) { form.Errors[f] = e.Message; return null; }
        }
        string? ParseText(string f, Func<string, string> parse)
        {
            if (Text(f) is not { } v) return null;
            try { return parse(v); }
            catch (InvalidSubscriberException e) { form.Errors[f] = e.Message; return null; }
        }
        var sort = SubscriberSort.Name;
        if (Text("sort") is { } s && (int.TryParse(s, out _) || !Enum.TryParse(s, ignoreCase: true, out sort) || !Enum.IsDefined(sort)))
        {
            form.Errors["sort"] = $"sort '{s}' is not one of {string.Join(", ", Enum.GetNames<SubscriberSort>().Select(n => n.ToLowerInvariant()))}.";
            sort = SubscriberSort.Name;
        }
        if (Text("page") is { } p && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page is < 1 or > MaxPage))
            form.Errors["page"] = $"page '{p}' is not a page number (1 or more).";
        else
            form.Page = Text("page") is { } ok ? int.Parse(ok, CultureInfo.InvariantCulture) : 1;
        form.Query = new SubscriberQuery(
            Text("q"),
            Parse("status", SubscriberRules.Status),
            Parse("frequency", SubscriberRules.Frequency),
            ParseText("language", SubscriberRules.Language),
            ParseText("country", SubscriberRules.Country) is { Length: > 0 } country ? country : null,
            Text("member"),
            Text("topic"),
            sort,
            Text("desc") is "1" or "true");
        return form;
    }

    /// <summary>The values as given, for the form's fields.</summary>
    public ScriptObject Values()
    {
        var o = new ScriptObject();
        foreach (var (k, v) in raw) o[k] = v;
        return o;
    }

    /// <summary>The page's own address with this segment, another page and sort when given.</summary>
    public string Href(int page, SubscriberSort? sort = null, bool? descending = null)
        => "/api/console/subscribers" + QueryString(page, true, sort, descending);

    /// <summary>"?q=…&amp;status=…": the segment's non-empty values (the page when asked and not 1).</summary>
    public string QueryString(int page, bool includePage = true, SubscriberSort? sort = null, bool? descending = null)
    {
        var parts = new List<string>();
        foreach (var field in Fields)
        {
            var value = field switch
            {
                "sort" => sort is { } s ? SubscriberSearchPage.Lower(s) : raw[field],
                "desc" => descending is { } d ? (d ? "1" : "") : raw[field],
                "page" => includePage && page > 1 ? page.ToString(CultureInfo.InvariantCulture) : "",
                _ => raw[field],
            };
            if (value.Length > 0) parts.Add(field + "=" + Uri.EscapeDataString(value));
        }
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
