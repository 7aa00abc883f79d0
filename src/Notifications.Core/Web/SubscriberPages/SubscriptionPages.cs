using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Templates;
using Notifications.Topics;

namespace Notifications.Web;

/// <summary>
/// The subscriber's pages (<c>/api/subscribe</c>, <c>/api/confirm</c>, <c>/api/unsubscribe</c>, <c>/api/preferences</c>, <c>/api/manage-link</c>):
/// server-rendered HTML from the <c>page-*.html.sbn</c> templates, in English, Russian or French, with no script, no cookie
/// and no external resource. Links carry their signed token in the query string; forms post back to the same address.
/// The functions and <c>notify serve</c> call these methods; each page is its own class (<see cref="SubscribePage"/>,
/// <see cref="ConfirmPage"/>, <see cref="UnsubscribePage"/>, <see cref="PreferencesPage"/>, <see cref="ManageLinkPage"/>), and the behaviour behind them is
/// <see cref="SubscriptionSelfService"/>.
/// </summary>
public sealed class SubscriptionPages
{
    private readonly IOptions<RequestLimitOptions> _requestLimits;
    private readonly MessagePages _messages;
    private readonly SubscribePage _subscribe;
    private readonly ConfirmPage _confirm;
    private readonly UnsubscribePage _unsubscribe;
    private readonly PreferencesPage _preferences;
    private readonly ManageLinkPage _manageLink;

    public SubscriptionPages(
        SubscriptionSelfService service,
        SubscriptionTokens tokens,
        SubscribeRateLimits limits,
        IOptions<RequestLimitOptions> requestLimits,
        TemplateSet templates,
        TopicCatalog catalog,
        IOptions<SenderOptions> sender,
        IOptions<ScheduleOptions> schedule,
        IOptions<SelfServiceRecoveryOptions> recovery,
        IOptions<TokenOptions> tokenOptions,
        TimeProvider time,
        ILogger<SubscriptionPages> logger,
        MemberDirectory members,
        DigestSchedule digestSchedule)
    {
        var renderer = new PageRenderer(templates, sender);
        var forms = new FormPages(renderer, catalog, members, schedule, time);
        _requestLimits = requestLimits;
        _messages = new MessagePages(renderer, requestLimits, time, logger);
        _subscribe = new SubscribePage(service, limits, requestLimits, renderer, forms, _messages);
        _confirm = new ConfirmPage(service, tokens, sender, renderer, _messages, digestSchedule, time);
        var resubscribe = new ResubscribePages(service, recovery, renderer, _messages);
        _unsubscribe = new UnsubscribePage(service, requestLimits, renderer, _messages, resubscribe);
        _preferences = new PreferencesPage(service, requestLimits, forms, _messages, resubscribe);
        _manageLink = new ManageLinkPage(service, requestLimits, recovery, renderer, _messages, new PageFormToken(tokenOptions, time), time, logger);
    }

    /// <summary>GET: the subscribe form. POST (form or JSON): a subscribe request; the answer never tells whether the address was known.</summary>
    public Task<IResult> SubscribeAsync(HttpRequest request, CancellationToken ct) => _subscribe.HandleAsync(request, ct);

    /// <summary>GET: a page with one button (nothing changes yet: link scanners open links). POST: confirms.</summary>
    public Task<IResult> ConfirmAsync(HttpRequest request, CancellationToken ct) => _confirm.HandleAsync(request, ct);

    /// <summary>GET: a page with one button that posts back. POST: unsubscribes at once (also the RFC 8058 one-click address).</summary>
    public Task<IResult> UnsubscribeAsync(HttpRequest request, CancellationToken ct) => _unsubscribe.HandleAsync(request, ct);

    /// <summary>GET: the preferences form. POST: saves it and shows it again, saved, with a message.</summary>
    public Task<IResult> PreferencesAsync(HttpRequest request, CancellationToken ct) => _preferences.HandleAsync(request, ct);

    /// <summary>
    /// GET: "Email me a link to manage my subscription" (one address field). POST: the link is mailed to that address if it is a
    /// subscriber's; the answer is the same either way.
    /// </summary>
    public Task<IResult> ManageLinkAsync(HttpRequest request, CancellationToken ct) => _manageLink.HandleAsync(request, ct);

    /// <summary>
    /// For a page that reads no body of its own (confirm: the token is in the query): a declared body over
    /// <see cref="RequestLimitOptions.PageMaxBytes"/> is refused with 413 before anything else; a body of unknown length is never read.
    /// </summary>
    public Task<IResult> WithBodyLimitAsync(HttpRequest request, Func<HttpRequest, CancellationToken, Task<IResult>> page, CancellationToken ct)
        => BoundedBody.DeclaredTooLarge(request, _requestLimits.Value.PageMaxBytes)
            ? Task.FromResult(_messages.TooLarge(PageLanguage.Of(request)))
            : page(request, ct);

    /// <summary>The digest web view's 404: a page in <paramref name="language"/> when it is one of ours, else in the request's.</summary>
    public IResult DigestNotFound(HttpRequest request, string? language) => _messages.DigestNotFound(PageLanguage.Preferring(language, request));
}
