using System.Globalization;
using Microsoft.AspNetCore.Http;
using Notifications.Localization;
using Notifications.Subscribers;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The subscribers page (<c>/api/console/subscribers</c>, Admin role): search as you type, filters with the segment's live count,
/// paging and sort, over <see cref="SubscriberSearchIndex"/>; and the segment's CSV export
/// (<c>/api/console/subscribers/export</c>, the same query string). A GET form: it works without JavaScript; with htmx the form
/// asks again as the admin types (debounced), swaps only the results and pushes the URL, so the address bar always holds the
/// segment (shareable, and Back works). CLI twin: <c>notify subscribers list --search</c>, <c>export</c>.
/// </summary>
public sealed class SubscriberSearchPage(ConsoleGate gate, ConsoleRenderer renderer, SubscriberSearchIndex index, SubscriberStore store,
    TopicCatalog topics)
{
    /// <summary>Subscribers per page.</summary>
    public const int PageSize = 25;

    public async Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        var form = SegmentForm.Read(request.Query);
        var query = form.Query with { Skip = (form.Page - 1) * PageSize, Take = PageSize };
        var result = form.Errors.Count == 0 ? await index.SearchAsync(query, ct) : new SubscriberSearchResult(0, []);
        var t = Translations.For(entered.Language);
        var pages = Math.Max(1, (result.Total + PageSize - 1) / PageSize);
        var model = new ScriptObject
        {
            ["form"] = form.Values(),
            ["erased"] = request.Query["erased"] == "1",
            ["errors"] = form.Errors.Select(e => new ScriptObject { ["field"] = e.Key, ["message"] = e.Value }).ToList(),
            ["invalid"] = form.Errors.Keys.ToList(),
            ["total"] = result.Total,
            ["from"] = result.Total == 0 ? 0 : query.Skip + 1,
            ["to"] = query.Skip + result.Items.Count,
            ["page"] = form.Page,
            ["pages"] = pages,
            ["prev_href"] = form.Page > 1 ? form.Href(page: form.Page - 1) : "",
            ["next_href"] = form.Page < pages ? form.Href(page: form.Page + 1) : "",
            ["export_href"] = "/api/console/subscribers/export" + form.QueryString(page: 1, includePage: false),
            ["statuses"] = Options(Enum.GetValues<SubscriberStatus>().Select(s => Lower(s)), v => t["admin_subscribers.status." + v]),
            ["frequencies"] = Options(Enum.GetValues<DigestFrequency>().Select(f => Lower(f)), v => t["admin_subscribers.frequency." + v]),
            ["languages"] = Options(Translations.Languages, v => PageWords.LanguageNames[v]),
            ["topics"] = Options(topics.Keys, v => TopicCatalog.Label(v, entered.Language)),
            ["sorts"] = Columns.Select(c => SortLink(form, c, t)).ToList(),
            ["items"] = result.Items.Select(c => Row(c, t)).ToList(),
        };
        return renderer.Page(entered, "admin_subscribers.search.title", "admin-subscribers.html.sbn", model,
            form.Errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>The whole segment (every match, not one page) as CSV in <see cref="SubscriberCsv.ExportColumns"/>.</summary>
    public async Task<IResult> ExportAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        var form = SegmentForm.Read(request.Query);
        if (form.Errors.Count > 0)
            return renderer.Refused(request, entered.User, entered.Language, StatusCodes.Status400BadRequest, "admin_subscribers.export.bad_query",
                string.Join(" ", form.Errors.Values));
        var bytes = await SegmentExport.WriteAsync(index, store, form.Query, ct);
        var name = $"subscribers-{DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.csv";
        return new SecuredFile(bytes, name);
    }

    private static readonly SubscriberSort[] Columns =
        [SubscriberSort.Email, SubscriberSort.Name, SubscriberSort.Organization, SubscriberSort.Country, SubscriberSort.Status, SubscriberSort.Updated];

    private static ScriptObject SortLink(SegmentForm form, SubscriberSort column, Translation t)
    {
        var current = form.Query.Sort == column;
        return new ScriptObject
        {
            ["label"] = t["admin_subscribers.column." + Lower(column)],
            ["href"] = form.Href(page: 1, sort: column, descending: current && !form.Query.Descending),
            ["aria_sort"] = current ? (form.Query.Descending ? "descending" : "ascending") : "none",
            ["arrow"] = current ? (form.Query.Descending ? "▼" : "▲") : "",
        };
    }

    private static ScriptObject Row(SubscriberCard c, Translation t) => new()
    {
        ["href"] = "/api/console/subscribers/" + c.Id,
        ["email"] = c.Email,
        ["name"] = c.Name,
        ["organization"] = c.Organization,
        ["country"] = c.Country,
        ["language"] = c.Language,
        ["frequency"] = t["admin_subscribers.frequency." + Lower(c.Frequency)],
        ["status"] = Lower(c.Status),
        ["status_label"] = t["admin_subscribers.status." + Lower(c.Status)],
        ["updated"] = c.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private static List<ScriptObject> Options(IEnumerable<string> values, Func<string, string> label)
        => values.Select(v => new ScriptObject { ["value"] = v, ["label"] = label(v) }).ToList();

    internal static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    /// <summary>A CSV download with the console's headers (no caching: it holds personal data).</summary>
    private sealed class SecuredFile(byte[] bytes, string name) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            ConsoleRenderer.ApplySecurityHeaders(context.Response.Headers);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }
}
