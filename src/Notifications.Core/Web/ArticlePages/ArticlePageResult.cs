using System.Text;
using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// An article page: UTF-8 HTML with the subscriber pages' security headers (<see cref="PageResults"/>), a policy that also lets
/// the article's inline images show (<see cref="ArticlePages.ContentSecurityPolicy"/>), its language, its length and its cache
/// lifetime; no body for HEAD.
/// </summary>
internal sealed class ArticlePageResult(int status, string html, string lang, string cacheControl) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = status;
        PageResults.ApplySecurityHeaders(response.Headers);
        response.Headers.ContentSecurityPolicy = ArticlePages.ContentSecurityPolicy;
        response.Headers.CacheControl = cacheControl;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentLanguage = lang;
        var bytes = Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
