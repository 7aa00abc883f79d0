using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// The template editor. Anonymous to the Functions host: App Service authentication stands in front and the page checks the Admin role
/// (<see cref="ConsoleGate"/>).
/// </summary>
public sealed class AdminTemplates(TemplatesPage page)
{
    [Function("ConsoleTemplates")]
    public Task<IResult> Templates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/templates")] HttpRequest request, CancellationToken ct)
        => page.ListAsync(request, ct);

    [Function("ConsoleTemplate")]
    public Task<IResult> Template(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/templates/{name}")] HttpRequest request, string name, CancellationToken ct)
        => page.ShowAsync(request, name, ct);

    [Function("ConsoleTemplatePreview")]
    public Task<IResult> TemplatePreview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/templates/{name}/preview")] HttpRequest request, string name, CancellationToken ct)
        => page.PreviewAsync(request, name, ct);
}
