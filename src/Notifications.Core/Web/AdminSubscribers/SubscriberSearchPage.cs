using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// The subscribers page (<c>/api/console/subscribers</c>, Admin role): search as you type, filters with the segment's live count,
/// paging and sort, over <see cref="Notifications.Subscribers.SubscriberSearchIndex"/>; and the segment's CSV export
/// (<c>/api/console/subscribers/export</c>, the same query string). CLI twin: <c>notify subscribers list --search</c>, <c>export</c>.
/// </summary>
public sealed class SubscriberSearchPage
{
    public Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("profile helper");

    public Task<IResult> ExportAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("profile helper");
}
