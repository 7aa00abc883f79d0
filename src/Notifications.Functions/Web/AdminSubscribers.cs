using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// Subscribers in the console (search, segment export, profile with actions), their admin-API twins, and the page where a new
/// address confirms an address change. Anonymous to the Functions host: App Service authentication stands in front and the page
/// checks the Admin role (<see cref="ConsoleGate"/>).
/// </summary>
public sealed class AdminSubscribers(SubscriberSearchPage list, SubscriberProfilePage profile, AddressChangePage address, SubscriberActionsApi api)
{
    [Function("ConsoleSubscribers")]
    public Task<IResult> Subscribers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/subscribers")] HttpRequest request, CancellationToken ct)
        => list.ShowAsync(request, ct);

    [Function("ConsoleSegmentExport")]
    public Task<IResult> SegmentExport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/subscribers/export")] HttpRequest request, CancellationToken ct)
        => list.ExportAsync(request, ct);

    [Function("ConsoleSubscriber")]
    public Task<IResult> Subscriber(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/subscribers/{id}")] HttpRequest request, string id, CancellationToken ct)
        => profile.ShowAsync(request, id, ct);

    [Function("SendManageLink")]
    public Task<IResult> SendManageLink(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "manage/subscribers/{id}/manage-link")] HttpRequest request, string id, CancellationToken ct)
        => api.SendManageLinkAsync(request, id, ct);

    [Function("ChangeSubscriberAddress")]
    public Task<IResult> ChangeSubscriberAddress(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "manage/subscribers/{id}/address")] HttpRequest request, string id, CancellationToken ct)
        => api.ChangeAddressAsync(request, id, ct);

    [Function("ConfirmAddress")]
    public Task<IResult> ConfirmAddress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "address")] HttpRequest request, CancellationToken ct)
        => address.ShowAsync(request, ct);
}
