using System.Text;
using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>
/// The headers every answer of the subscriber pages and the digest web view gets, HTML or JSON: a policy that allows no script,
/// no external resource and no framing, no sniffing, no referrer, no caching.
/// </summary>
public static class PageResults
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The headers every answer gets, HTML or JSON.</summary>
    public static void ApplySecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    /// <summary>Any answer with the headers of these pages (<see cref="ApplySecurityHeaders"/>).</summary>
    public static IResult WithSecurityHeaders(IResult inner) => new SecuredResult(inner, null, null);

    /// <summary>Any answer with the headers of these pages and one header more (Allow, Retry-After).</summary>
    internal static IResult WithHeader(IResult inner, string name, string value) => new SecuredResult(inner, name, value);

    private sealed class SecuredResult(IResult inner, string? header, string? value) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            ApplySecurityHeaders(context.Response.Headers);
            if (header is not null) context.Response.Headers[header] = value;
            return inner.ExecuteAsync(context);
        }
    }
}
