using System.Text;
using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// A rendered page, as every server-rendered adapter answers (subscriber pages, console, article pages): UTF-8 HTML with its
/// status, language and length, and the headers its adapter sets (<paramref name="headers"/>: security policy, caching); no body
/// for HEAD.
/// </summary>
internal sealed class HtmlResult(int status, string html, string lang, Action<IHeaderDictionary> headers) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = status;
        headers(response.Headers);
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentLanguage = lang;
        var bytes = Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
