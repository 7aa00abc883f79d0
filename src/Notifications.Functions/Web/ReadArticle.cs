using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Notifications.Web;

namespace Notifications.Functions.Web;

/// <summary>An accepted article's public page (digest items without a url link here). CLI twin: <c>notify serve</c>.</summary>
public sealed class ReadArticle(ArticlePages pages)
{
    [Function(nameof(ReadArticle))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "articles/{*name}")] HttpRequest request,
        string name,
        CancellationToken ct)
        => pages.ShowAsync(request, name, ct);
}
