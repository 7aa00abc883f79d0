using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// The anti-forgery token of a public form that no link token authorises (the manage-link request): the form proves it came from our
/// page within <see cref="Lifetime"/>, bound to the form's name (<see cref="SignedFormToken"/>).
/// </summary>
internal sealed class PageFormToken(IOptions<TokenOptions> options, TimeProvider time)
{
    /// <summary>The form field that carries it.</summary>
    public const string Field = "form_token";

    /// <summary>How long a form stays usable after the page was served.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    private readonly SignedFormToken tokens = new(options, time, "notifications page form v1", Lifetime);

    /// <summary>A token for the form <paramref name="form"/>, issued now.</summary>
    public string Issue(string form) => tokens.Issue(form);

    /// <summary>True when <paramref name="token"/> was issued by this app for <paramref name="form"/> within <see cref="Lifetime"/>.</summary>
    public bool IsValid(string form, string? token) => tokens.IsValid(form, token);
}
