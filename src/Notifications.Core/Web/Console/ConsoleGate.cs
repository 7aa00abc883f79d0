using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Notifications.Localization;

namespace Notifications.Web;

/// <summary>A console request that passed <see cref="ConsoleGate"/>: who, in which language, their form token, and the form (POST).</summary>
public sealed record ConsoleRequest(HttpRequest Http, ConsoleUser User, string Language, string Token, IFormCollection? Form)
{
    /// <summary>A form field, trimmed; empty when absent.</summary>
    public string Field(string name) => Form?[name].ToString().Trim() ?? "";
}

/// <summary>
/// The one door of every console route: who is signed in (<see cref="ConsolePrincipal"/>, only when the platform's authentication
/// is on), whether they hold the route's role, and for a state-changing request (anything but GET and HEAD) a bounded form whose
/// anti-forgery token (<see cref="ConsoleAntiForgery"/>) is theirs. Refusals are console pages: 401 with how to sign in, 403 for a
/// missing role or a forged or expired form, 413 for a body over the route's cap.
/// </summary>
public sealed class ConsoleGate(IConfiguration configuration, ConsoleAntiForgery antiForgery, ConsoleRenderer renderer)
{
    /// <summary>The cookie that remembers the console language the user chose.</summary>
    public const string LanguageCookie = "console-lang";

    /// <summary>The cap of a console form without a file.</summary>
    public const int FormMaxBytes = 256 * 1024;

    public bool PlatformAuthentication
        => string.Equals(configuration[ConsolePrincipal.PlatformAuthenticationSetting], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The request as the route may use it, or the refusal to send instead. <paramref name="maxBodyBytes"/> caps a POST's body
    /// (<see cref="FormMaxBytes"/> unless the route takes a file).
    /// </summary>
    public async Task<(ConsoleRequest? Request, IResult? Refusal)> EnterAsync(HttpRequest request, ConsoleRole role, CancellationToken ct,
        int maxBodyBytes = FormMaxBytes)
    {
        var language = LanguageOf(request);
        if (ConsolePrincipal.Read(request, PlatformAuthentication) is not { } user)
            return (null, renderer.SignInRequired(request, language, PlatformAuthentication));
        if (!user.Has(role))
            return (null, renderer.Refused(request, user, language, StatusCodes.Status403Forbidden, "console.refused.role",
                Translations.For(language)[$"console.roles.{role}"]));
        IFormCollection? form = null;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            if (!request.HasFormContentType)
                return (null, renderer.Refused(request, user, language, StatusCodes.Status415UnsupportedMediaType, "console.refused.not_a_form", ""));
            try
            {
                form = await BoundedBody.ReadFormAsync(request, maxBodyBytes, ct);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return (null, renderer.Refused(request, user, language, StatusCodes.Status400BadRequest, "console.refused.unreadable", ""));
            }
            if (form is null)
                return (null, renderer.Refused(request, user, language, StatusCodes.Status413PayloadTooLarge, "console.refused.too_large",
                    (maxBodyBytes / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (!antiForgery.IsValid(user, form[ConsoleAntiForgery.Field].ToString()))
                return (null, renderer.Refused(request, user, language, StatusCodes.Status403Forbidden, "console.refused.forged", ""));
        }
        return (new ConsoleRequest(request, user, language, antiForgery.Issue(user), form), null);
    }

    /// <summary>The language the user chose (<see cref="LanguageCookie"/>), else <c>?lang=</c> or the browser's, else English.</summary>
    public static string LanguageOf(HttpRequest request)
        => PageLanguage.Preferring(request.Cookies[LanguageCookie], request);
}
