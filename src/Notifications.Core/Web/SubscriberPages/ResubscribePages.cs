using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The ways back on the token pages, so that no page is a dead end: the unsubscribed page (undo with one click within the grace
/// period, or "send me weekly instead"), the preferences page of an inactive subscription (subscribe again, double opt-in where
/// the status requires it), and what such a click did. Each shows the subscriber's own address, unmasked: the link is theirs.
/// </summary>
internal sealed class ResubscribePages(
    SubscriptionSelfService service, IOptions<SelfServiceRecoveryOptions> options, PageRenderer renderer, MessagePages messages)
{
    /// <summary>The unsubscribed page of the unsubscribe link: <paramref name="justNow"/> says whether this request unsubscribed them.</summary>
    public async Task<IResult> UnsubscribedAsync(Subscriber subscriber, string token, bool justNow, CancellationToken ct)
    {
        var lang = Language(subscriber);
        var t = PageWords.For(lang);
        var undoable = await service.CanUndoUnsubscribeAsync(subscriber, ct);
        var paragraphs = new List<string> { justNow ? t["unsubscribed_text"] : t["already_unsubscribed_text"] };
        paragraphs.Add(undoable ? UndoUntil(t, subscriber, lang) : t["resubscribe_confirm_text"]);
        return Page(lang, t["unsubscribed_title"], paragraphs, subscriber, $"unsubscribe?token={token}",
            undoable ? t["undo_button"] : t["resubscribe_button"], showUndo: true, showWeekly: subscriber.Frequency != DigestFrequency.Weekly);
    }

    /// <summary>The preferences link of a subscription that is not active: why, and the way back where there is one.</summary>
    public async Task<IResult> InactiveAsync(Subscriber subscriber, string token, string? saved, CancellationToken ct)
    {
        var lang = Language(subscriber);
        var t = PageWords.For(lang);
        var undoable = await service.CanUndoUnsubscribeAsync(subscriber, ct);
        var paragraphs = new List<string>();
        if (saved is not null) paragraphs.Add(saved);
        paragraphs.Add(subscriber.Status switch
        {
            SubscriberStatus.Unsubscribed when undoable => UndoUntil(t, subscriber, lang),
            SubscriberStatus.Unsubscribed => t["inactive_unsubscribed"] + " " + t["resubscribe_confirm_text"],
            SubscriberStatus.Pending => t["inactive_pending"],
            SubscriberStatus.Bounced => t["inactive_bounced"],
            SubscriberStatus.Complained => t["inactive_complained"],
            _ => t["inactive_suspended"],
        });
        var label = subscriber.Status == SubscriberStatus.Pending ? t["resend_confirmation_button"] : undoable ? t["undo_button"] : t["resubscribe_button"];
        return Page(lang, t["inactive_title"], paragraphs, subscriber, $"preferences?token={token}", label,
            showUndo: subscriber.Status is SubscriberStatus.Unsubscribed or SubscriberStatus.Pending, showWeekly: false);
    }

    /// <summary>What a "keep my subscription", "subscribe again" or "weekly instead" click did, in the subscriber's language.</summary>
    public IResult Outcome(ResubscribeResult result, string fallback)
    {
        if (result.Subscriber is not { } subscriber) return messages.NotFound(fallback);
        var lang = Language(subscriber);
        var t = PageWords.For(lang);
        var weekly = subscriber.Frequency == DigestFrequency.Weekly;
        return result.Outcome switch
        {
            ResubscribeOutcome.Reactivated or ResubscribeOutcome.StillActive => renderer.Message(200, lang,
                t["resubscribed_title"], "notice", [weekly ? t["weekly_now_text"] : t["resubscribed_text"], t["your_address"] + " " + subscriber.Email]),
            ResubscribeOutcome.ConfirmationSent => renderer.Message(200, lang, t["pending_title"], "notice",
                [t["resubscribe_pending_text"], t["pending_text2"]]),
            _ => renderer.Message(409, lang, t["inactive_title"], "warning", [t["resubscribe_not_possible"]]),
        };
    }

    private string UndoUntil(IReadOnlyDictionary<string, string> t, Subscriber subscriber, string lang)
    {
        var until = (subscriber.StatusChangedAt ?? subscriber.CreatedAt) + options.Value.ResubscribeGracePeriod;
        var culture = CultureInfo.GetCultureInfo(lang);
        return t["undo_text"].Replace("{date}", until.ToString("d MMMM yyyy", culture), StringComparison.Ordinal);
    }

    private IResult Page(string lang, string heading, IReadOnlyList<string> paragraphs, Subscriber subscriber, string action, string undoLabel,
        bool showUndo, bool showWeekly)
        => renderer.Page(200, lang, heading, "page-resubscribe.html.sbn", new ScriptObject
        {
            ["heading"] = heading,
            ["kind"] = "notice",
            ["paragraphs"] = paragraphs,
            ["email"] = subscriber.Email,
            ["action"] = action,
            ["undo_label"] = undoLabel,
            ["show_undo"] = showUndo,
            ["show_weekly"] = showWeekly,
        });

    private static string Language(Subscriber subscriber)
        => SubscriberRules.Languages.Contains(subscriber.Language) ? subscriber.Language : "en";
}
