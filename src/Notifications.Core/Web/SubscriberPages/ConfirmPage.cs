using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Digests;
using Notifications.Localization;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// <c>/api/confirm</c>. GET: the link from the confirmation email shows a page with one button; nothing changes yet, because
/// mailbox link scanners open every link in a message and would otherwise confirm on the subscriber's behalf.
/// POST (the button): pending → active; active → "already confirmed"; anything else stays as it is. Both speak the language the
/// person chose on the form (the subscribe request's, else the subscriber's), not only the browser's; the confirmed page says when
/// the first digest comes.
/// </summary>
internal sealed class ConfirmPage(
    SubscriptionSelfService service, SubscriptionTokens tokens, IOptions<SenderOptions> sender, PageRenderer renderer, MessagePages messages,
    DigestSchedule schedule, TimeProvider time)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var fallback = PageLanguage.Of(request);
        var token = PageRequests.TokenOf(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            VerifiedToken verified;
            try
            {
                verified = tokens.Verify(token, TokenPurpose.Confirm);
            }
            catch (InvalidTokenException e)
            {
                return messages.InvalidLink(fallback, e, TokenPurpose.Confirm);
            }
            var language = PageLanguage.Preferring(await service.LanguageOfAsync(verified, ct), request);
            var t0 = PageWords.For(language);
            return renderer.Page(200, language, t0["confirm_title"], "page-confirm.html.sbn", new ScriptObject { ["token"] = token });
        }
        if (!HttpMethods.IsPost(request.Method))
            return messages.MethodNotAllowed(fallback, "GET, POST");
        ConfirmResult result;
        try
        {
            result = await service.ConfirmAsync(token, ct);
        }
        catch (InvalidTokenException e)
        {
            return messages.InvalidLink(fallback, e, TokenPurpose.Confirm);
        }
        var subscriber = result.Subscriber;
        var lang = PageLanguage.Of(request, subscriber);
        var t = PageWords.For(lang);
        return result.Outcome switch
        {
            // No preferences link here: a confirmation link may be in other hands (forwarded, or a scanner's), and a manage link
            // never expires. Manage links go only by mail to the address itself, in every digest.
            ConfirmOutcome.Confirmed => renderer.Message(200, lang, t["confirmed_title"], "notice",
                [t["confirmed_text"], FirstDigest(subscriber!, lang), t["confirmed_manage"]]),
            ConfirmOutcome.AlreadyConfirmed => renderer.Message(200, lang, t["already_title"], "notice",
                [t["already_text"], FirstDigest(subscriber!, lang), t["confirmed_manage"]]),
            ConfirmOutcome.NotReactivated => renderer.Message(200, lang, t["not_reactivated_title"], "warning",
                [t["not_reactivated_text"], t["not_reactivated_help"] + " " + sender.Value.SenderIn(lang) + "."]),
            _ => messages.NotFound(lang),
        };
    }

    /// <summary>When the subscriber's next digest comes, in their language and time zone: "Your first digest comes on Monday,
    /// 7 December 2026 at 08:00 (Tashkent)."; for instant alerts, that they come as reports are published.</summary>
    private string FirstDigest(Subscriber subscriber, string lang)
    {
        var t = PageWords.For(lang);
        if (subscriber.Frequency == DigestFrequency.Instant)
            return t["confirmed_first_alert"];
        DateTimeOffset next;
        try
        {
            next = schedule.NextSlot(subscriber.Frequency, subscriber.TimeZone, subscriber.DeliveryHour, time.GetUtcNow(), subscriber.WeeklyDay);
        }
        catch (ArgumentException)
        {
            return t["confirmed_first_alert"];
        }
        var local = TimeZoneInfo.ConvertTime(next, DigestSchedule.FindZone(subscriber.TimeZone));
        var culture = CultureInfo.GetCultureInfo(lang);
        var zone = subscriber.TimeZone is "UTC" or "" ? "UTC" : IcuNames.ExemplarCity(subscriber.TimeZone, lang) ?? subscriber.TimeZone;
        return t["confirmed_first_digest"]
            // Russian without the weekday: «придёт 9 декабря 2026» needs no case the day name would (в среду).
            .Replace("{date}", local.ToString(lang == "ru" ? "d MMMM yyyy" : "D", culture), StringComparison.Ordinal)
            .Replace("{time}", local.ToString("HH:mm", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{zone}", zone, StringComparison.Ordinal);
    }
}
