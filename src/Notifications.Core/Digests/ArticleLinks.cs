using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>
/// Where a digest item links: the article's own <c>url</c> when it has one, else its hosted page on this app
/// (<c>{Links:BaseUrl}/api/articles/{blob name}</c>, each path segment escaped), so every item links somewhere.
/// Reads <see cref="LinkOptions"/> on every call, as <see cref="SubscriptionLinks"/> does.
/// </summary>
public sealed class ArticleLinks(IOptionsMonitor<LinkOptions> options)
{
    /// <summary>The route of the article pages under the base address.</summary>
    public const string Route = "/api/articles/";

    /// <summary>The hosted page of the article stored as <paramref name="blobName"/> ("2026/ptc-243.en.md").</summary>
    public string Page(string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        var path = string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
        return options.CurrentValue.BaseUrl.Trim().TrimEnd('/') + Route + path;
    }

    /// <summary>
    /// Where the web view of a digest sends a reader who wants to manage a subscription (the manage-link request page) or to
    /// subscribe, in the view's language: "{BaseUrl}/api/manage-link?lang=ru", "{BaseUrl}/api/subscribe?lang=ru".
    /// </summary>
    public string ManageLinkRequest(string language) => SubscriberPage("/api/manage-link", language);

    /// <inheritdoc cref="ManageLinkRequest"/>
    public string Subscribe(string language) => SubscriberPage("/api/subscribe", language);

    private string SubscriberPage(string route, string language)
        => options.CurrentValue.BaseUrl.Trim().TrimEnd('/') + route + "?lang=" + Uri.EscapeDataString(language);

    /// <summary>The article's <c>url</c> when it has an absolute http(s) one, else its hosted page.</summary>
    public string For(IndexedArticle article)
        => article.Url is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? url
            : Page(article.BlobName);
}
