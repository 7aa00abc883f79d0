using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// CSV import with a per-row preview, and the member administrations. Anonymous to the Functions host: App Service authentication
/// stands in front and the page checks the Admin role (<see cref="ConsoleGate"/>).
/// </summary>
public sealed class AdminImport(ImportPage import, MembersPage members)
{
    [Function("ConsoleImport")]
    public Task<IResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/import")] HttpRequest request, CancellationToken ct)
        => import.ShowAsync(request, ct);

    [Function("ConsoleImportResult")]
    public Task<IResult> ImportResult(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/import/result")] HttpRequest request, CancellationToken ct)
        => import.ResultAsync(request, ct);

    [Function("ConsoleMembers")]
    public Task<IResult> Members(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/members")] HttpRequest request, CancellationToken ct)
        => members.ShowAsync(request, ct);
}
