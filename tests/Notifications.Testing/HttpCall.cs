using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Notifications.Testing;

/// <summary>What a function answered: status, headers and body, as a client would see them.</summary>
public sealed record HttpAnswer(int Status, IHeaderDictionary Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>Calls an HTTP function method (HttpRequest in, IResult out) as the host would, and executes its result.</summary>
public static class HttpCall
{
    public static async Task<HttpAnswer> InvokeAsync(IServiceProvider services, Func<HttpRequest, Task<IResult>> function,
        string method, string query = "", string? body = null, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.QueryString = new QueryString(query.Length == 0 || query.StartsWith('?') ? query : "?" + query);
        if (body is not null)
        {
            context.Request.ContentType = contentType;
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            context.Request.Headers[name] = value;
        var response = new MemoryStream();
        context.Response.Body = response;

        var result = await function(context.Request);
        await result.ExecuteAsync(context);
        return new HttpAnswer(context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(response.ToArray()));
    }
}
