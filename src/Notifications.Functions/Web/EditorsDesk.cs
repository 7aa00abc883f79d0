using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// The editors' desk of the secretariat console. Anonymous at the Functions level: App Service authentication signs people in,
/// and <see cref="DeskPages"/> lets through only an Editor (or Admin) the platform names (<see cref="ConsoleGate"/>).
/// </summary>
public sealed class EditorsDesk(DeskPages desk)
{
    [Function("DeskArticles")]
    public Task<IResult> Articles([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "console/articles")] HttpRequest request,
        CancellationToken ct)
        => desk.ListAsync(request, ct);

    [Function("DeskWrite")]
    public Task<IResult> Write([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", Route = "console/articles/write")] HttpRequest request,
        CancellationToken ct)
        => desk.WriteAsync(request, ct);

    [Function("DeskWithdraw")]
    public Task<IResult> Withdraw(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", Route = "console/articles/withdraw")] HttpRequest request, CancellationToken ct)
        => desk.WithdrawAsync(request, ct);

    [Function("DeskResult")]
    public Task<IResult> Result([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "console/articles/result")] HttpRequest request,
        CancellationToken ct)
        => desk.ResultAsync(request, ct);
}
