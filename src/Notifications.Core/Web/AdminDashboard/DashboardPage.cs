using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// The admins' dashboard (<c>/api/console/dashboard</c>, Admin role): what needs attention first, the next digests due, the last
/// runs with their rates, and subscriber growth and churn as server-rendered SVG charts. CLI twin: <c>notify dashboard</c>.
/// </summary>
public sealed class DashboardPage
{
    public Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("dashboard helper");
}
