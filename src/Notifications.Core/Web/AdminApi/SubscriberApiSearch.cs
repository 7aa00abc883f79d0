using Microsoft.AspNetCore.Http;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// One page of a search (<c>GET /api/manage/subscribers?q=…</c>): how many match in all (the segment's count), the page, and the
/// continuation for the next page (null on the last).
/// </summary>
public sealed record SubscriberSearchApiPage(int Total, IReadOnlyList<SubscriberJson> Items, string? Continuation);

/// <summary>
/// The admin API's list in search mode, through the <see cref="SubscriberSearchIndex"/>: taken when the request has <c>q</c> (a
/// substring of the address, name or organisation, ignoring case and accents), <c>organization</c> (a substring of it), <c>member</c>,
/// <c>sort</c> (name, email, organization, country, status, created, updated) or <c>order</c> (asc, desc); the other filters as
/// in the plain list. The continuation is the number of subscribers to skip.
/// </summary>
internal static class SubscriberApiSearch
{
    private static readonly string[] Parameters = ["q", "organization", "member", "sort", "order"];

    /// <summary>True when the request asks for a search rather than the plain (table) list.</summary>
    public static bool Asks(IQueryCollection q) => Parameters.Any(p => !string.IsNullOrWhiteSpace(q[p]));

    /// <summary>The page; <see cref="InvalidSubscriberException"/> names the parameter that is not valid.</summary>
    public static async Task<SubscriberSearchApiPage> SearchAsync(IQueryCollection q, SubscriberFilter filter, int pageSize,
        SubscriberSearchIndex index, SubscriberStore store, CancellationToken ct)
    {
        var skip = 0;
        if (Value(q["continuation"]) is { } continuation && (!int.TryParse(continuation, out skip) || skip < 0))
            throw new InvalidSubscriberException("continuation", "The continuation is not valid: start again without it.");
        var sort = SubscriberSort.Name;
        if (Value(q["sort"]) is { } sortText && (!Enum.TryParse(sortText, ignoreCase: true, out sort) || !Enum.IsDefined(sort)))
            throw new InvalidSubscriberException("sort", $"sort '{sortText}' is not supported; use one of " +
                string.Join(", ", Enum.GetNames<SubscriberSort>().Select(n => n.ToLowerInvariant())) + ".");
        var descending = Value(q["order"]) switch
        {
            null or "asc" => false,
            "desc" => true,
            var order => throw new InvalidSubscriberException("order", $"order '{order}' is not supported; use asc or desc."),
        };
        var result = await index.SearchAsync(new SubscriberQuery(Value(q["q"]), filter.Status, filter.Frequency, filter.Language,
            filter.Country, Value(q["member"]), filter.Topic, sort, descending, skip, pageSize, filter.Organization), ct);
        // The page's full records (consent and all, as in the plain list): a point read each; one removed meanwhile is left out.
        var records = await store.GetManyAsync(result.Items.Select(c => c.Id).ToList(), ct);
        var items = result.Items.Where(c => records.ContainsKey(c.Id)).Select(c => SubscriberJson.From(records[c.Id])).ToList();
        var next = skip + result.Items.Count;
        return new SubscriberSearchApiPage(result.Total, items, next < result.Total ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    private static string? Value(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
