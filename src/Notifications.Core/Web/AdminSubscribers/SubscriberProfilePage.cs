using System.Globalization;
using Microsoft.AspNetCore.Http;
using Notifications.Delivery;
using Notifications.Localization;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// One subscriber (<c>/api/console/subscribers/{id}</c>, Admin role): details, preferences (those the subscriber chose themselves
/// marked), status and why (<see cref="Subscriber.StatusReason"/>, <see cref="Subscriber.StatusChangedAt"/>), audit history, a
/// waiting address change; actions (POST with the anti-forgery token, field <c>action</c>): <c>save</c> (edit: every field checked, errors
/// per field, values kept), <c>suspend</c>/<c>activate</c>, <c>send_link</c> (<see cref="ManageLinkMailer"/>), <c>change_address</c>
/// (<see cref="AddressChanges"/>: the new address confirms), <c>erase</c> (typed confirmation: the address). A done action answers
/// 303 to the profile with what was done (reloading does not post again). Full addresses: this is the admin's own screen.
/// </summary>
public sealed class SubscriberProfilePage(
    ConsoleGate gate,
    ConsoleRenderer renderer,
    SubscriberAdmin admin,
    SubscriberAudit audit,
    SubscriberRules rules,
    ManageLinkMailer mailer,
    AddressChanges addressChanges,
    RecipientTimeline digests,
    Topics.TopicCatalog topics)
{
    private static readonly string[] Done = ["saved", "suspended", "activated", "link_sent", "address_requested"];

    public async Task<IResult> ShowAsync(HttpRequest request, string id, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        var key = Uri.UnescapeDataString(id ?? "").Trim();
        var subscriber = key.Length is > 0 and <= 320 && (SubscriberIds.IsId(key) || key.Contains('@')) ? await FindAsync(key, ct) : null;
        if (subscriber is null)
            return renderer.Refused(request, entered.User, entered.Language, StatusCodes.Status404NotFound, "admin_subscribers.profile.not_found", "");
        var actor = "user:" + entered.User.Name;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (HttpMethods.IsPost(request.Method))
        {
            var action = entered.Field("action");
            switch (action)
            {
                case "save":
                    var patch = ReadPatch(entered, errors);
                    if (errors.Count == 0 && await TryAsync(() => admin.UpdateAsync(subscriber.Id, patch!, actor, ct), errors, "name"))
                        return Back(subscriber.Id, "saved");
                    break;
                case "suspend" or "activate":
                    if (await TryAsync(() => action == "suspend" ? admin.SuspendAsync(subscriber.Id, actor, ct) : admin.ActivateAsync(subscriber.Id, actor, ct),
                        errors, "status"))
                        return Back(subscriber.Id, action == "suspend" ? "suspended" : "activated");
                    break;
                case "send_link":
                    if (await TryAsync(() => mailer.SendAsync(subscriber.Id, actor, ct), errors, "status"))
                        return Back(subscriber.Id, "link_sent");
                    break;
                case "change_address":
                    if (entered.Field("new_email") is not { Length: > 0 } newEmail)
                        errors["newEmail"] = Translations.For(entered.Language)["admin_subscribers.profile.new_email_missing"];
                    else if (await TryAsync(() => addressChanges.StartAsync(subscriber, newEmail, actor, ct), errors, "newEmail"))
                        return Back(subscriber.Id, "address_requested");
                    break;
                case "erase":
                    if (!string.Equals(entered.Field("confirm_email"), subscriber.Email, StringComparison.OrdinalIgnoreCase))
                        errors["confirm"] = Translations.For(entered.Language)["admin_subscribers.erase.mismatch"];
                    else if (await admin.EraseAsync(subscriber.Id, actor, ct) is not null)
                        return ConsoleRenderer.SeeOther("/api/console/subscribers?erased=1");
                    break;
                default:
                    errors["action"] = Translations.For(entered.Language)["admin_subscribers.profile.unknown_action"];
                    break;
            }
            subscriber = await admin.FindAsync(subscriber.Id, ct) ?? subscriber;
        }
        var done = request.Query["done"].ToString();
        var model = await ModelAsync(entered, subscriber, errors, Done.Contains(done) ? done : "", ct);
        return renderer.Page(entered, "admin_subscribers.profile.title", "admin-subscribers-profile.html.sbn", model,
            errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    private async Task<Subscriber?> FindAsync(string key, CancellationToken ct)
    {
        try
        {
            return await admin.FindAsync(key, ct);
        }
        catch (InvalidSubscriberException)
        {
            return null; // not a usable address: no such subscriber
        }
    }

    private static IResult Back(string id, string done) => ConsoleRenderer.SeeOther($"/api/console/subscribers/{id}?done={done}");

    /// <summary>Runs an action; a refusal (<see cref="InvalidSubscriberException"/>) becomes an error of its field, its address in full.</summary>
    private static async Task<bool> TryAsync<T>(Func<Task<T>> action, Dictionary<string, string> errors, string fallbackField)
    {
        try
        {
            return await action() is not null;
        }
        catch (InvalidSubscriberException e)
        {
            errors[e.Field is { Length: > 0 } f && f != "email" ? f : fallbackField] = e.ForAdmin;
            return false;
        }
    }

    /// <summary>The edit form as a patch, every field checked on its own so that each error is named; null fields have errors.</summary>
    private SubscriberPatch? ReadPatch(ConsoleRequest r, Dictionary<string, string> errors)
    {
        string? Check(string field, Func<string, object?> rule)
        {
            var value = r.Field(field);
            try
            {
                rule(value);
                return value;
            }
            catch (InvalidSubscriberException e)
            {
                errors[field] = e.Message;
                return null;
            }
        }
        var topicList = r.Form?["topics"].Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim()).ToList() ?? [];
        try
        {
            rules.Topics(topicList);
        }
        catch (InvalidSubscriberException e)
        {
            errors["topics"] = e.Message;
        }
        var patch = new SubscriberPatch(
            Check("name", v => rules.Name(v)),
            Check("organization", v => rules.Organization(v)),
            Check("country", SubscriberRules.Country),
            Check("language", SubscriberRules.Language),
            Check("frequency", v => SubscriberRules.Frequency(v)),
            topicList,
            Check("time_zone", SubscriberRules.TimeZone),
            null,
            Check("delivery_hour", v => SubscriberRules.DeliveryHour(v)));
        return errors.Count == 0 ? patch : null;
    }

    private async Task<ScriptObject> ModelAsync(ConsoleRequest r, Subscriber s, Dictionary<string, string> errors, string done, CancellationToken ct)
    {
        var t = Translations.For(r.Language);
        var posted = r.Form is not null && r.Field("action") == "save";
        string Value(string field, string current) => posted ? r.Field(field) : current;
        var chosenTopics = posted ? r.Form!["topics"].Select(v => v ?? "").ToHashSet(StringComparer.Ordinal) : s.TopicList.ToHashSet(StringComparer.Ordinal);
        var history = await audit.ListAsync(s.Id, ct);
        var pending = await addressChanges.PendingOfAsync(s.Id, ct);
        var runs = await digests.OfAsync(s.Id, ct);
        var chosen = s.ChosenFields.ToHashSet(StringComparer.Ordinal);
        var status = SubscriberSearchPage.Lower(s.Status);
        return new ScriptObject
        {
            ["id"] = s.Id,
            ["email"] = s.Email,
            ["name"] = s.Name,
            ["organization"] = s.Organization,
            ["country"] = s.Country,
            ["member"] = s.Member,
            ["status"] = status,
            ["status_label"] = t["admin_subscribers.status." + status],
            ["status_reason"] = s.StatusReason,
            ["status_changed"] = Time(s.StatusChangedAt ?? s.CreatedAt),
            ["created"] = Time(s.CreatedAt),
            ["updated"] = Time(s.UpdatedAt),
            ["consent"] = s.Consent is { } c
                ? $"{c.Source}, {Time(c.GivenAt)}" + (c.ConfirmedAt is { } at ? " → " + Time(at) : "")
                : "",
            ["can_suspend"] = s.Status is SubscriberStatus.Active or SubscriberStatus.Pending or SubscriberStatus.Bounced,
            ["can_activate"] = s.Status is SubscriberStatus.Suspended or SubscriberStatus.Bounced or SubscriberStatus.Pending,
            ["can_mail"] = s.Status is not (SubscriberStatus.Bounced or SubscriberStatus.Complained),
            ["preferences"] = new List<ScriptObject>
            {
                Preference(t, SubscriberFields.Frequency, t["admin_subscribers.frequency." + SubscriberSearchPage.Lower(s.Frequency)], chosen),
                Preference(t, SubscriberFields.Topics, s.TopicList.Count == 0 ? t["admin_subscribers.profile.all_topics"]
                    : string.Join(", ", s.TopicList.Select(k => Topics.TopicCatalog.Label(k, r.Language))), chosen),
                Preference(t, SubscriberFields.Language, PageWords.LanguageNames.GetValueOrDefault(s.Language, s.Language), chosen),
                Preference(t, SubscriberFields.TimeZone, s.TimeZone, chosen),
                Preference(t, SubscriberFields.DeliveryHour, s.DeliveryHour is { } h ? $"{h:00}:00" : t["admin_subscribers.profile.default_hour"], chosen),
            },
            ["edit"] = new ScriptObject
            {
                ["name"] = Value("name", s.Name),
                ["organization"] = Value("organization", s.Organization),
                ["country"] = Value("country", s.Country),
                ["language"] = Value("language", s.Language),
                ["frequency"] = Value("frequency", SubscriberSearchPage.Lower(s.Frequency)),
                ["time_zone"] = Value("time_zone", s.TimeZone),
                ["delivery_hour"] = Value("delivery_hour", s.DeliveryHour?.ToString(CultureInfo.InvariantCulture) ?? ""),
            },
            ["languages"] = Translations.Languages.Select(l => new ScriptObject { ["value"] = l, ["label"] = PageWords.LanguageNames[l] }).ToList(),
            ["frequencies"] = Enum.GetValues<DigestFrequency>().Select(f => SubscriberSearchPage.Lower(f))
                .Select(f => new ScriptObject { ["value"] = f, ["label"] = t["admin_subscribers.frequency." + f] }).ToList(),
            ["topics"] = topics.Keys.Select(k => new ScriptObject
            {
                ["value"] = k, ["label"] = Topics.TopicCatalog.Label(k, r.Language), ["checked"] = chosenTopics.Contains(k),
            }).ToList(),
            ["errors"] = errors.Select(e => new ScriptObject { ["field"] = e.Key, ["message"] = e.Value }).ToList(),
            ["error"] = ErrorsByField(errors),
            ["new_email"] = r.Field("new_email"),
            ["done"] = done,
            ["pending_email"] = pending?.NewEmail ?? "",
            ["pending_expires"] = pending is null ? "" : Time(pending.ExpiresAt),
            ["history"] = history.Select(h => new ScriptObject
            {
                ["at"] = Time(h.At),
                ["actor"] = h.Actor,
                ["action"] = h.Action,
                ["changes"] = string.Join(", ", h.Changes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")),
            }).ToList(),
            ["digests"] = runs.Select(d => new ScriptObject
            {
                ["run"] = d.RunId,
                ["at"] = Time(d.At),
                ["events"] = string.Join(", ", d.Events),
            }).ToList(),
        };
    }

    /// <summary>Every field the template may ask about (templates are strict: an unknown member is an error), "" when it has no error.</summary>
    private static ScriptObject ErrorsByField(Dictionary<string, string> errors)
    {
        var o = new ScriptObject();
        foreach (var field in FormFields) o[field] = "";
        foreach (var (field, message) in errors) o[field] = message;
        return o;
    }

    private static readonly string[] FormFields =
        ["name", "organization", "country", "language", "frequency", "time_zone", "delivery_hour", "topics", "newEmail", "confirm", "status", "action"];

    private static ScriptObject Preference(Translation t, string field, string value, HashSet<string> chosen) => new()
    {
        ["label"] = t["admin_subscribers.preference." + field],
        ["value"] = value,
        ["chosen"] = chosen.Contains(field),
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
