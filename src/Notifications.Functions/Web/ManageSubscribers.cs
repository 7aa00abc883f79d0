using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Subscribers;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// The admin API, function-key protected (in production, put App Service authentication with Entra ID in front; see docs/subscribers.md,
/// "Production authentication with Entra ID").
/// Routes are under /api/manage: the Functions host reserves every route that starts with "admin".
/// CLI twins: <c>notify subscribers ...</c>, and <c>notify serve</c> for the same endpoints on 127.0.0.1.
/// </summary>
public sealed class ManageSubscribers(SubscriberApi api)
{
    [Function("ListSubscribers")]
    public Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/subscribers")] HttpRequest request, CancellationToken ct)
        => api.ListAsync(request, ct);

    [Function("CreateSubscriber")]
    public Task<IResult> Create([HttpTrigger(AuthorizationLevel.Function, "post", Route = "manage/subscribers")] HttpRequest request, CancellationToken ct)
        => api.CreateAsync(request, ct);

    [Function("ImportSubscribers")]
    public Task<IResult> Import([HttpTrigger(AuthorizationLevel.Function, "post", Route = "manage/subscribers/import")] HttpRequest request,
        CancellationToken ct)
        => api.ImportAsync(request, ct);

    [Function("ExportSubscribers")]
    public Task<IResult> Export([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/subscribers/export")] HttpRequest request,
        CancellationToken ct)
        => api.ExportAsync(request, ct);

    [Function("Coverage")]
    public Task<IResult> Coverage([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/coverage")] HttpRequest request, CancellationToken ct)
        => api.CoverageAsync(request, ct);

    [Function("GetSubscriber")]
    public Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/subscribers/{id}")] HttpRequest request,
        string id, CancellationToken ct)
        => api.GetAsync(request, id, ct);

    [Function("UpdateSubscriber")]
    public Task<IResult> Update([HttpTrigger(AuthorizationLevel.Function, "patch", Route = "manage/subscribers/{id}")] HttpRequest request,
        string id, CancellationToken ct)
        => api.UpdateAsync(request, id, ct);

    [Function("EraseSubscriber")]
    public Task<IResult> Erase([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "manage/subscribers/{id}")] HttpRequest request,
        string id, CancellationToken ct)
        => api.EraseAsync(request, id, ct);
}
