using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// The anti-forgery token every state-changing console form carries (field <see cref="Field"/>). The platform's session cookie
/// goes with any cross-site POST, so a form must prove it came from a console page: a <see cref="SignedFormToken"/> bound to the
/// signed-in user and valid for <see cref="Lifetime"/>. Stateless: any instance of the app checks it.
/// </summary>
public sealed class ConsoleAntiForgery(IOptions<TokenOptions> options, TimeProvider time)
{
    /// <summary>The form field that carries the token.</summary>
    public const string Field = "__console_token";

    /// <summary>How long a page's forms stay usable (a long editing session included).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly SignedFormToken tokens = new(options, time, "notifications console anti-forgery v1", Lifetime);

    /// <summary>A token for <paramref name="user"/>'s forms, issued now.</summary>
    public string Issue(ConsoleUser user) => tokens.Issue(user.Name);

    /// <summary>True when <paramref name="token"/> was issued by this app for <paramref name="user"/> within <see cref="Lifetime"/>.</summary>
    public bool IsValid(ConsoleUser user, string? token) => tokens.IsValid(user.Name, token);
}
