using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// One subscriber (<c>/api/console/subscribers/{id}</c>, Admin role): details, preferences, status and why, audit history, the
/// digests they were in with delivery events; actions (POST with the anti-forgery token): edit, suspend/activate, send the manage
/// link, change the address (the new address confirms), erase (typed confirmation).
/// </summary>
public sealed class SubscriberProfilePage
{
    public Task<IResult> ShowAsync(HttpRequest request, string id, CancellationToken ct)
        => throw new NotImplementedException("profile helper");
}
