using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>The answers every page shares: not found, wrong method, unreadable or too large a body, too many requests, a link that is not valid.</summary>
internal sealed class MessagePages(PageRenderer renderer, IOptions<RequestLimitOptions> requestLimits, TimeProvider time, ILogger logger)
{
    public IResult NotFound(string lang)
        => renderer.Message(404, lang, PageWords.For(lang)["not_found_title"], "error", [PageWords.For(lang)["not_found_text"]],
            offerManageLink: true);

    public IResult MethodNotAllowed(string lang, string allow)
        => PageResults.WithHeader(
            renderer.Message(405, lang, PageWords.For(lang)["method_title"], "error", [PageWords.For(lang)["method_text"]]), "Allow", allow);

    /// <summary>A request the page cannot read (<paramref name="status"/> 400 or 415).</summary>
    public IResult Unreadable(int status, string lang)
        => renderer.Message(status, lang, PageWords.For(lang)["error_title"], "error", [PageWords.For(lang)["error_body"]]);

    /// <summary>413: a page in the page's language (the form is far smaller than the cap, so this is no ordinary visitor's mistake).</summary>
    public IResult TooLarge(string lang, (string Href, string Text)? link = null)
    {
        var t = PageWords.For(lang);
        return renderer.Message(413, lang, t["toolarge_title"], "error",
            [t["toolarge_text"].Replace(
                "{size}", (requestLimits.Value.PageMaxBytes / 1024).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)],
            link);
    }

    /// <summary>429 with when to try again: a page in the page's language, or a problem for JSON; Retry-After in seconds either way.</summary>
    public IResult RateLimited(string lang, bool json, string reasonKey, DateTimeOffset retryAt)
    {
        var wait = retryAt - time.GetUtcNow();
        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        var minutes = Math.Max(1, (long)Math.Ceiling(wait.TotalMinutes));
        var at = retryAt.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
        var retryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (json)
            return PageResults.WithHeader(Problems.Problem(429, "Too many requests.",
                $"{PageWords.Texts["en"][reasonKey]} Try again after {at} UTC ({retryAt.UtcDateTime:yyyy-MM-dd}), in {minutes} " +
                    $"minute{(minutes == 1 ? "" : "s")}.", null),
                "Retry-After", retryAfter);
        var t = PageWords.For(lang);
        var when = t["ratelimit_retry"].Replace("{time}", at, StringComparison.Ordinal)
            .Replace("{minutes}", minutes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return PageResults.WithHeader(renderer.Message(429, lang, t["ratelimit_title"], "error", [t[reasonKey], when]), "Retry-After", retryAfter);
    }

    /// <summary>A link whose token is not valid: 410 when it expired, else 400, saying why in the page's language.</summary>
    public IResult InvalidLink(string lang, InvalidTokenException e, TokenPurpose purpose)
    {
        // Never log the token; the problem kind is enough to see patterns (a mail client that cuts links, an old key).
        logger.LogInformation("A {Purpose} link was refused: {Problem}", purpose, e.Problem);
        var t = PageWords.For(lang);
        var message = lang == "en" ? e.Message : e.Problem switch
        {
            TokenProblem.UnknownKey => t["token_unknown_key"],
            TokenProblem.BadSignature => t["token_bad_signature"],
            TokenProblem.WrongPurpose => t["token_wrong_purpose"],
            TokenProblem.Expired => purpose == TokenPurpose.Confirm ? t["token_expired_confirm"] : t["token_expired_other"],
            _ => t["token_malformed"],
        };
        var paragraphs = new List<string> { message, t["invalid_link_help"] };
        (string Href, string Text)? link = e.Problem == TokenProblem.Expired && purpose == TokenPurpose.Confirm
            ? ($"subscribe?lang={lang}", t["subscribe_again_link"])
            : null;
        return renderer.Message(e.Problem == TokenProblem.Expired ? 410 : 400, lang, t["invalid_link_title"], "error", paragraphs, link,
            offerManageLink: true);
    }

    /// <summary>The digest web view's 404, in <paramref name="lang"/>.</summary>
    public IResult DigestNotFound(string lang)
    {
        var t = PageWords.For(lang);
        return renderer.Message(404, lang, t["digest_not_found_title"], "error", [t["digest_not_found_text"]]);
    }
}
