using Microsoft.AspNetCore.Http;
using Notifications.Articles;

namespace Notifications.Web;

/// <summary>
/// The public page of every accepted article (<c>/api/articles/{blob name}</c>, anonymous): its sanitised body, session line,
/// links to its translations, in the site's look; 410 for a withdrawn article, 404 for one that is not (yet) public.
/// Digest items without a <c>url</c> link here, so every item links somewhere.
/// [GROUNDWORK: helper "pages" implements this; the signatures are the contract.]
/// </summary>
public sealed class ArticlePages(ArticleIndex index)
{
    /// <summary>GET/HEAD of <c>/api/articles/{*name}</c>.</summary>
    public Task<IResult> ShowAsync(HttpRequest request, string name, CancellationToken ct = default)
        => throw new NotImplementedException($"helper pages: {index}{request}{name}");

    /// <summary>The page's HTML for an article and its body (the desk previews a draft with it); <paramref name="translations"/>
    /// are the other articles of its group.</summary>
    public string Render(IndexedArticle article, string bodyHtml, IReadOnlyList<IndexedArticle> translations)
        => throw new NotImplementedException($"helper pages: {article}{bodyHtml}{translations}");
}
