using Microsoft.Extensions.Options;

namespace Notifications.Subscribers;

/// <summary>Where the subscriber pages are served (section <c>Links</c>), for the links in emails. Checked by <see cref="LinkOptionsValidator"/>.</summary>
public sealed class LinkOptions
{
    public const string Section = "Links";

    /// <summary>
    /// The absolute http(s) address under which <c>/api/...</c> is served, e.g. <c>https://notify.secretariat.example</c>
    /// (the function app's address or a custom domain in front of it). A path prefix is kept; a trailing slash is ignored.
    /// </summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:7071";
}

/// <summary>Checks <see cref="LinkOptions.BaseUrl"/> at start, so a broken link is not mailed to every subscriber.</summary>
public sealed class LinkOptionsValidator : IValidateOptions<LinkOptions>
{
    public ValidateOptionsResult Validate(string? name, LinkOptions options)
    {
        var value = options.BaseUrl?.Trim() ?? "";
        if (value.Length == 0)
            return ValidateOptionsResult.Fail(
                "Links:BaseUrl is empty: set it to the absolute address where /api/... is served, e.g. https://notify.secretariat.example.");
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            return ValidateOptionsResult.Fail(
                $"Links:BaseUrl '{value}' is not an absolute http(s) address: use one such as https://notify.secretariat.example.");
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            return ValidateOptionsResult.Fail(
                $"Links:BaseUrl '{value}' must not have a query, a fragment or credentials: give only scheme, host, port and path.");
        if (uri.AbsolutePath.TrimEnd('/').EndsWith("/api", StringComparison.OrdinalIgnoreCase))
            return ValidateOptionsResult.Fail($"Links:BaseUrl '{value}' ends with /api: give the address without it (links add /api/...).");
        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// The signed links a subscriber's emails carry: confirm, unsubscribe (also for the RFC 8058 <c>List-Unsubscribe</c> header)
/// and preferences. Reads <see cref="LinkOptions"/> on every call, so a changed setting applies without a restart.
/// </summary>
public sealed class SubscriptionLinks(IOptionsMonitor<LinkOptions> options, SubscriptionTokens tokens)
{
    /// <summary>The value of the <c>List-Unsubscribe-Post</c> header (RFC 8058) that goes with <see cref="ListUnsubscribe"/>.</summary>
    public const string ListUnsubscribePost = "List-Unsubscribe=One-Click";

    public string BaseUrl => options.CurrentValue.BaseUrl.Trim().TrimEnd('/');

    public string Confirm(string subscriberId) => Link("confirm", tokens.Issue(subscriberId, TokenPurpose.Confirm));

    /// <summary>The confirmation link of one subscribe request: confirming it applies that request and no other.</summary>
    public string Confirm(string subscriberId, string requestId) => Link("confirm", tokens.IssueConfirm(subscriberId, requestId));

    /// <summary>The link that confirms one pending address change, mailed to the new address (<see cref="AddressChanges"/>).</summary>
    public string AddressChange(string subscriberId, string requestId) => Link("address", tokens.IssueAddressChange(subscriberId, requestId));

    public string Unsubscribe(string subscriberId) => Link("unsubscribe", tokens.Issue(subscriberId, TokenPurpose.Unsubscribe));

    public string Preferences(string subscriberId) => Link("preferences", tokens.Issue(subscriberId, TokenPurpose.Preferences));

    /// <summary>The value of the <c>List-Unsubscribe</c> header: the one-click unsubscribe address in angle brackets.</summary>
    public string ListUnsubscribe(string subscriberId) => $"<{Unsubscribe(subscriberId)}>";

    /// <summary>"View in browser": the archived rendering of a run's variant (the same for everyone who got it).</summary>
    public string ViewDigest(string runId, string variant) => $"{BaseUrl}/api/digests/{Uri.EscapeDataString(runId)}/{Uri.EscapeDataString(variant)}";

    /// <summary>The subscribe form, in a language when given.</summary>
    public string Subscribe(string? language = null)
        => $"{BaseUrl}/api/subscribe" + (language is { Length: > 0 } ? "?lang=" + Uri.EscapeDataString(language) : "");

    // Tokens are base64url, safe in a query string as they are.
    private string Link(string route, string token) => $"{BaseUrl}/api/{route}?token={token}";
}
