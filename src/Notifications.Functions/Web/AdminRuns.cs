using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// The runs archive and its actions. Anonymous to the Functions host: App Service authentication stands in front and the page checks
/// the Admin role (<see cref="ConsoleGate"/>).
/// </summary>
public sealed class AdminRuns(RunsPage page)
{
    [Function("ConsoleRuns")]
    public Task<IResult> Runs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/runs")] HttpRequest request, CancellationToken ct)
        => page.ListAsync(request, ct);

    [Function("ConsoleRun")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/runs/{run}")] HttpRequest request, string run, CancellationToken ct)
        => page.ShowAsync(request, run, ct);

    [Function("ConsoleRunDigest")]
    public Task<IResult> RunDigest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/runs/{run}/digest/{variant}")] HttpRequest request, string run, string variant,
        CancellationToken ct)
        => page.DigestAsync(request, run, variant, ct);
}
