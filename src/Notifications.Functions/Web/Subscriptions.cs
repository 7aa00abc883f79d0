using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Subscribers;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// The subscriber's own pages, anonymous: every link carries a signed token, and the subscribe form is rate-limited and
/// double opt-in. Unsubscribe also answers the RFC 8058 one-click POST that mailbox providers send.
/// The logic is <see cref="SubscriptionPages"/> over <see cref="SubscriptionSelfService"/>.
/// </summary>
public sealed class Subscriptions(SubscriptionPages pages)
{
    [Function("Subscribe")]
    public Task<IResult> Subscribe([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "subscribe")] HttpRequest request, CancellationToken ct)
        => pages.SubscribeAsync(request, ct);

    [Function("Confirm")]
    public Task<IResult> Confirm([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "confirm")] HttpRequest request, CancellationToken ct)
        => pages.WithBodyLimitAsync(request, pages.ConfirmAsync, ct);

    [Function("Unsubscribe")]
    public Task<IResult> Unsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "unsubscribe")] HttpRequest request,
        CancellationToken ct)
        => pages.UnsubscribeAsync(request, ct);

    [Function("Preferences")]
    public Task<IResult> Preferences([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "preferences")] HttpRequest request,
        CancellationToken ct)
        => pages.PreferencesAsync(request, ct);

    [Function("ManageLink")]
    public Task<IResult> ManageLink([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "manage-link")] HttpRequest request,
        CancellationToken ct)
        => pages.ManageLinkAsync(request, ct);
}
