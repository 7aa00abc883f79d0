using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// Where a subscriber's new address confirms an address change an admin started (<c>/api/address?token=…</c>, signed link in the
/// mail to the new address): GET shows what will change, POST applies it.
/// </summary>
public sealed class AddressChangePage
{
    public Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("profile helper");
}
