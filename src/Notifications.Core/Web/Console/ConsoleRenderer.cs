using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Localization;
using Notifications.Mail;
using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// Renders console pages: a body template (<c>console-*.html.sbn</c>, <c>desk-*.html.sbn</c>) inside <c>console-layout.html.sbn</c>
/// (navigation by role, the signed-in user, the language switch posting back to <c>return_to</c>), in the request's language,
/// with the console's security headers
/// (<see cref="ContentSecurityPolicy"/>: scripts and styles only from the app itself, no framing, no referrer, no caching).
/// Every model gets <c>lang</c>, <c>user</c>, <c>token</c> and <c>token_field</c>: a state-changing form writes
/// <c>&lt;input type="hidden" name="{{ token_field }}" value="{{ token }}"&gt;</c>.
/// </summary>
public sealed class ConsoleRenderer(TemplateSet templates, IOptions<SenderOptions> sender)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>A console page for a request that passed the gate.</summary>
    public IResult Page(ConsoleRequest request, string titleKey, string template, ScriptObject model, int status = StatusCodes.Status200OK)
        => Render(request.Http, request.User, request.Language, request.Token, status, titleKey, template, model);

    /// <summary>A 303 to another console page (after a POST: reloading the result does not post again).</summary>
    public static IResult SeeOther(string pathAndQuery) => new SecuredRedirect(pathAndQuery);

    /// <summary>401: nobody is signed in, with how to sign in (platform sign-in, or notify serve --as locally).</summary>
    public IResult SignInRequired(HttpRequest request, string language, bool platformAuthentication)
        => Render(request, null, language, "", StatusCodes.Status401Unauthorized, "console.sign_in.title", "console-message.html.sbn",
            new ScriptObject
            {
                ["message_key"] = platformAuthentication ? "console.sign_in.platform" : "console.sign_in.local",
                ["detail"] = "",
                ["sign_in_url"] = platformAuthentication
                ? "/.auth/login/aad?post_login_redirect_uri=" + Uri.EscapeDataString(request.Path + request.QueryString)
                : "",
            });

    /// <summary>
    /// A refusal for a signed-in user (403 role, forged form; 413; …): <paramref name="messageKey"/> says why, with <paramref name="detail"/>.
    /// </summary>
    public IResult Refused(HttpRequest request, ConsoleUser user, string language, int status, string messageKey, string detail)
        => Render(request, user, language, "", status, "console.refused.title", "console-message.html.sbn", new ScriptObject
        {
            ["message_key"] = messageKey,
            ["detail"] = detail,
            ["sign_in_url"] = "",
        });

    private HtmlResult Render(HttpRequest request, ConsoleUser? user, string language, string token, int status, string titleKey,
        string template, ScriptObject model)
    {
        var translation = Translations.For(language);
        model["lang"] = language;
        model["user"] = user?.Name ?? "";
        model["token"] = token;
        model["token_field"] = ConsoleAntiForgery.Field;
        var body = templates.RenderHtml(template, model);
        var html = templates.RenderHtml("console-layout.html.sbn", new ScriptObject
        {
            ["lang"] = language,
            ["title"] = translation[titleKey],
            ["sender"] = sender.Value.Sender,
            ["user"] = user?.Name ?? "",
            ["is_editor"] = user?.Has(ConsoleRole.Editor) ?? false,
            ["is_admin"] = user?.Has(ConsoleRole.Admin) ?? false,
            ["token"] = token,
            ["token_field"] = ConsoleAntiForgery.Field,
            ["path"] = request.Path.Value ?? "",
            ["return_to"] = ConsolePages.LocalReturnPath((request.Path.Value ?? "") + request.QueryString.Value),
            ["body"] = new RawHtml(body),
        });
        return new HtmlResult(status, html, language, ApplySecurityHeaders);
    }

    /// <summary>The console's headers on any answer.</summary>
    public static void ApplySecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    private sealed class SecuredRedirect(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            ApplySecurityHeaders(context.Response.Headers);
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
