using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// The admins' dashboard. Anonymous to the Functions host: App Service authentication stands in front and the page checks the Admin
/// role (<see cref="ConsoleGate"/>).
/// </summary>
public sealed class AdminDashboard(DashboardPage page)
{
    [Function("ConsoleDashboard")]
    public Task<IResult> Dashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/dashboard")] HttpRequest request, CancellationToken ct)
        => page.ShowAsync(request, ct);
}
