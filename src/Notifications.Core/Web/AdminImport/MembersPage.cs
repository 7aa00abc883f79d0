using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// Member administrations (<c>/api/console/members</c>, Admin role): the coverage report from the configured member list with
/// canonical names per language (which administrations have no active contact, which only bounced ones), and linking subscribers
/// to an administration. CLI twin: <c>notify subscribers coverage</c>, <c>notify subscribers link</c>.
/// </summary>
public sealed class MembersPage
{
    public Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("import helper");
}
