using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// CSV import (<c>/api/console/import</c>, Admin role): upload, a per-row preview before anything is written, the choice to
/// overwrite preferences subscribers chose themselves (off by default), apply; the result as CSV (<c>/api/console/import/result</c>).
/// CLI twin: <c>notify subscribers import --dry-run --json</c>.
/// </summary>
public sealed class ImportPage
{
    public Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("import helper");

    public Task<IResult> ResultAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("import helper");
}
