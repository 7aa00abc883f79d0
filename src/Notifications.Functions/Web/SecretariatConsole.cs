using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>
/// The secretariat console's foundation routes. Anonymous to the Functions host: App Service authentication (Entra ID) stands in
/// front and the app authorizes every page by role (<see cref="ConsoleGate"/>); the static files are public. The logic is
/// <see cref="ConsolePages"/> and <see cref="MaintenancePage"/>. CLI twin: <c>notify serve --as you@example.org --role editor</c>.
/// </summary>
public sealed class SecretariatConsole(ConsolePages pages, MaintenancePage maintenance)
{
    [Function("ConsoleHome")]
    public Task<IResult> Home([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request, CancellationToken ct)
        => pages.HomeAsync(request, ct);

    [Function("ConsoleLanguage")]
    public Task<IResult> Language([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/language")] HttpRequest request,
        CancellationToken ct)
        => pages.LanguageAsync(request, ct);

    [Function("ConsoleStatic")]
    public Task<IResult> Static([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/static/{file}")] HttpRequest request,
        string file)
        => Task.FromResult(ConsolePages.Static(file));

    [Function("ConsoleMaintenance")]
    public Task<IResult> Maintenance(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/maintenance")] HttpRequest request, CancellationToken ct)
        => maintenance.ShowAsync(request, ct);
}
