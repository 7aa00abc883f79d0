using Microsoft.AspNetCore.Http;
using Notifications.Pipeline;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// The admins' dashboard (<c>/api/console/dashboard</c>, Admin role): what needs attention first, the next digests due, the last
/// runs with their rates, and subscriber growth and churn as server-rendered SVG charts. CLI twin: <c>notify dashboard</c>.
/// Read-only: every action it points to is on its own page (the runs archive) or in the CLI.
/// </summary>
public sealed class DashboardPage(ConsoleGate gate, ConsoleRenderer renderer, Dashboard dashboard)
{
    public async Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        var report = await dashboard.ReadAsync(ct);
        return renderer.Page(entered, "dashboard.title", "admin-dashboard.html.sbn", DashboardModel.For(report, entered.Language));
    }
}
