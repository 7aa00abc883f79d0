using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// The runs archive (<c>/api/console/runs</c>, Admin role): every run with its figures and rates; one run
/// (<c>/api/console/runs/{run}</c>) with its articles, variants, batches, per-article clicks and actions (resume, resend uncertain
/// after review, cancel a planned run); its rendered digests (<c>/api/console/runs/{run}/digest/{variant}</c>); and starting a run
/// for a time, with the far-from-now guard. CLI twin: <c>notify digest status --since</c>, <c>resume</c>, <c>cancel</c>, <c>run --at</c>.
/// </summary>
public sealed class RunsPage
{
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("runs helper");

    public Task<IResult> ShowAsync(HttpRequest request, string run, CancellationToken ct)
        => throw new NotImplementedException("runs helper");

    public Task<IResult> DigestAsync(HttpRequest request, string run, string variant, CancellationToken ct)
        => throw new NotImplementedException("runs helper");
}
