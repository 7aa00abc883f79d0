using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// The admin API's twins of the console's profile actions: send the manage link (<c>POST /api/manage/subscribers/{id}/manage-link</c>)
/// and start an address change (<c>POST /api/manage/subscribers/{id}/address</c>).
/// </summary>
public sealed class SubscriberActionsApi
{
    public Task<IResult> SendManageLinkAsync(HttpRequest request, string id, CancellationToken ct)
        => throw new NotImplementedException("profile helper");

    public Task<IResult> ChangeAddressAsync(HttpRequest request, string id, CancellationToken ct)
        => throw new NotImplementedException("profile helper");
}
