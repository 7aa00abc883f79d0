using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>"View in browser": a run's archived digest as a page. CLI twin: <c>notify serve</c>.</summary>
public sealed class ViewDigest(DigestWebView view)
{
    [Function(nameof(ViewDigest))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "digests/{run}/{variant}")] HttpRequest request,
        string run,
        string variant,
        CancellationToken ct)
        => view.ViewAsync(request, run, variant, ct);
}
