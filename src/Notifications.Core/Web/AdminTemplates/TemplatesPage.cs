using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// The template editor (<c>/api/console/templates</c>, Admin role): built-in and overridden templates per language; one template
/// (<c>/api/console/templates/{name}</c>): edit an override with validation on save, preview with sample data in each language at
/// desktop and phone width (<c>…/{name}/preview</c>), send a test to yourself, history of versions and rollback.
/// CLI twin: <c>notify templates</c>.
/// </summary>
public sealed class TemplatesPage
{
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => throw new NotImplementedException("templates helper");

    public Task<IResult> ShowAsync(HttpRequest request, string name, CancellationToken ct)
        => throw new NotImplementedException("templates helper");

    public Task<IResult> PreviewAsync(HttpRequest request, string name, CancellationToken ct)
        => throw new NotImplementedException("templates helper");
}
