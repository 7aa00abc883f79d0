using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Notifications.Digests;
using Notifications.Templates;
using Notifications.Topics;
using Scriban.Runtime;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// The subscriber's pages (<c>/api/subscribe</c>, <c>/api/confirm</c>, <c>/api/unsubscribe</c>, <c>/api/preferences</c>):
/// server-rendered HTML from the <c>page-*.html.sbn</c> templates, in English, Russian or French, with no script, no cookie
/// and no external resource. Links carry their signed token in the query string; forms post back to the same address.
/// The functions and <c>notify serve</c> call these methods; the behaviour behind them is <see cref="SubscriptionSelfService"/>.
/// </summary>
public sealed class SubscriptionPages(
    SubscriptionSelfService service,
    SubscriptionTokens tokens,
    SubscribeRateLimits limits,
    IOptions<RequestLimitOptions> requestLimits,
    TemplateSet templates,
    TopicCatalog catalog,
    IOptions<SenderOptions> sender,
    IOptions<ScheduleOptions> schedule,
    TimeProvider time,
    ILogger<SubscriptionPages> logger)
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

    private static readonly string[] SubscribeFields = ["email", "name", "organization", "country", "language", "frequency", "topics"];

    /// <summary>GET: the subscribe form. POST (form or JSON): a subscribe request; the answer never tells whether the address was known.</summary>
    public async Task<IResult> SubscribeAsync(HttpRequest request, CancellationToken ct)
    {
        var lang = PageLanguage(request, null);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            return SubscribeForm(200, lang, SubscribeValues.Empty(lang), null, null);
        if (!HttpMethods.IsPost(request.Method))
            return MethodNotAllowed(lang, "GET, POST");

        // Before a byte of the body is read: the client's share of posts, then the declared size.
        var json = request.HasJsonContentType();
        if (!limits.TryAcquireClient(request, out var retryAt))
            return RateLimited(lang, json, "ratelimit_text", retryAt);
        if (json)
            return await SubscribeJsonAsync(request, ct);
        if (!request.HasFormContentType)
            return Message(415, lang, PageWords.For(lang)["error_title"], "error", [PageWords.For(lang)["error_body"]]);

        IFormCollection form;
        try
        {
            if (await BoundedBody.ReadFormAsync(request, PageMaxBytes, ct) is not { } bounded)
                return TooLarge(lang, ($"subscribe?lang={lang}", PageWords.For(lang)["toolarge_back"]));
            form = bounded;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Message(400, lang, PageWords.For(lang)["error_title"], "error", [PageWords.For(lang)["error_body"]]);
        }
        var values = new SubscribeValues(
            form["email"].ToString(), form["name"].ToString(), form["organization"].ToString(), form["country"].ToString(),
            form["language"].ToString() is { Length: > 0 } l ? l : lang, form["frequency"].ToString(),
            form["topics"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList());
        if (!limits.TryAcquireAddress(request, values.Email, out retryAt))
            return RateLimited(lang, json: false, "ratelimit_address_text", retryAt);
        try
        {
            await service.SubscribeAsync(values.Email, values.Name, values.Organization, values.Country, values.Language,
                ParseFrequency(values.Frequency), values.Topics, SubscribeRateLimits.ClientAddressOf(request), ct);
            return Message(200, lang, PageWords.For(lang)["pending_title"], "notice", [PageWords.For(lang)["pending_text1"], PageWords.For(lang)["pending_text2"]]);
        }
        catch (InvalidSubscriberException e)
        {
            return SubscribeForm(400, lang, values, e.Field, FieldError(lang, e.Field));
        }
    }

    /// <summary>
    /// GET: the link from the confirmation email shows a page with one button; nothing changes yet, because mailbox
    /// link scanners open every link in a message and would otherwise confirm on the subscriber's behalf.
    /// POST (the button): pending → active; active → "already confirmed"; anything else stays as it is.
    /// </summary>
    public async Task<IResult> ConfirmAsync(HttpRequest request, CancellationToken ct)
    {
        var fallback = PageLanguage(request, null);
        var token = TokenOf(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            try
            {
                tokens.Verify(token, TokenPurpose.Confirm);
            }
            catch (InvalidTokenException e)
            {
                return InvalidLink(fallback, e, TokenPurpose.Confirm);
            }
            var t0 = PageWords.For(fallback);
            return Page(200, fallback, t0["confirm_title"], "page-confirm.html.sbn", new ScriptObject { ["token"] = token });
        }
        if (!HttpMethods.IsPost(request.Method))
            return MethodNotAllowed(fallback, "GET, POST");
        ConfirmResult result;
        try
        {
            result = await service.ConfirmAsync(token, ct);
        }
        catch (InvalidTokenException e)
        {
            return InvalidLink(fallback, e, TokenPurpose.Confirm);
        }
        var subscriber = result.Subscriber;
        var lang = PageLanguage(request, subscriber);
        var t = PageWords.For(lang);
        return result.Outcome switch
        {
            // No preferences link here: a confirmation link may be in other hands (forwarded, or a scanner's), and a manage link
            // never expires. Manage links go only by mail to the address itself, in every digest.
            ConfirmOutcome.Confirmed => Message(200, lang, t["confirmed_title"], "notice", [t["confirmed_text"], t["confirmed_manage"]]),
            ConfirmOutcome.AlreadyConfirmed => Message(200, lang, t["already_title"], "notice", [t["already_text"], t["confirmed_manage"]]),
            ConfirmOutcome.NotReactivated => Message(200, lang, t["not_reactivated_title"], "warning", [t["not_reactivated_text"], t["not_reactivated_help"] + " " + sender.Value.Sender + "."]),
            _ => NotFound(lang),
        };
    }

    /// <summary>
    /// GET: a page with one button that posts back. POST: unsubscribes at once, with no further step: this is also the
    /// RFC 8058 one-click address (body <c>List-Unsubscribe=One-Click</c>, no cookie, no script), answered 200.
    /// </summary>
    public async Task<IResult> UnsubscribeAsync(HttpRequest request, CancellationToken ct)
    {
        var fallback = PageLanguage(request, null);
        var token = TokenOf(request);
        try
        {
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                var found = await service.FindForUnsubscribeAsync(token, ct);
                if (found is null) return NotFound(fallback);
                var lang = PageLanguage(request, found);
                var t = PageWords.For(lang);
                if (found.Status == SubscriberStatus.Unsubscribed)
                    return Message(200, lang, t["unsubscribed_title"], "notice", [t["already_unsubscribed_text"]]);
                return Page(200, lang, t["unsubscribe_title"], "page-unsubscribe.html.sbn", new ScriptObject
                {
                    ["email"] = EmailAddress.Mask(found.Email),
                    ["token"] = token,
                });
            }
            if (!HttpMethods.IsPost(request.Method))
                return MethodNotAllowed(fallback, "GET, POST");

            // The token is the authority; the body (List-Unsubscribe=One-Click from a mailbox provider, or our own button) only says how.
            if (BoundedBody.DeclaredTooLarge(request, PageMaxBytes))
                return TooLarge(fallback);
            var via = "one-click";
            if (request.HasFormContentType)
            {
                try
                {
                    if (await BoundedBody.ReadFormAsync(request, PageMaxBytes, ct) is not { } form)
                        return TooLarge(fallback);
                    if (form["via"].ToString() == "page") via = "page";
                }
                catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
                {
                    // An unreadable body does not stop an unsubscribe.
                }
            }
            var result = await service.UnsubscribeAsync(token, via, ct);
            var language = PageLanguage(request, result.Subscriber);
            var text = PageWords.For(language);
            return Message(200, language, text["unsubscribed_title"], "notice",
                [result.Changed || result.Subscriber is null ? text["unsubscribed_text"] : text["already_unsubscribed_text"]]);
        }
        catch (InvalidTokenException e)
        {
            return InvalidLink(fallback, e, TokenPurpose.Unsubscribe);
        }
    }

    /// <summary>GET: the preferences form. POST: saves it and shows it again, saved, with a message.</summary>
    public async Task<IResult> PreferencesAsync(HttpRequest request, CancellationToken ct)
    {
        var fallback = PageLanguage(request, null);
        var token = TokenOf(request);
        try
        {
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                var found = await service.GetPreferencesAsync(token, ct);
                return found is null ? NotFound(fallback) : PreferencesForm(200, found, token, null, null);
            }
            if (!HttpMethods.IsPost(request.Method))
                return MethodNotAllowed(fallback, "GET, POST");
            if (BoundedBody.DeclaredTooLarge(request, PageMaxBytes))
                return TooLarge(fallback);

            var current = await service.GetPreferencesAsync(token, ct);
            if (current is null) return NotFound(fallback);
            if (!request.HasFormContentType)
                return PreferencesForm(415, current, token, null, PageWords.For(current.Language)["error_body"]);
            IFormCollection form;
            try
            {
                if (await BoundedBody.ReadFormAsync(request, PageMaxBytes, ct) is not { } bounded)
                    return TooLarge(current.Language);
                form = bounded;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return PreferencesForm(400, current, token, null, PageWords.For(current.Language)["error_body"]);
            }
            var change = new PreferencesChange(
                NullIfEmpty(form["frequency"]),
                form["topics"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList(),
                NullIfEmpty(form["language"]),
                NullIfEmpty(form["time_zone"]),
                form["unsubscribe"].ToString() == "all",
                // Present and empty is "Default"; a form without the field (an older page) leaves the hour as it is.
                form.ContainsKey("delivery_hour") ? form["delivery_hour"].ToString() : null);
            try
            {
                var result = await service.UpdatePreferencesAsync(token, change, ct);
                if (result is null) return NotFound(fallback);
                var t = PageWords.For(result.After.Language);
                var unsubscribedNow = result.Before.Status != SubscriberStatus.Unsubscribed && result.After.Status == SubscriberStatus.Unsubscribed;
                return PreferencesForm(200, result.After, token, unsubscribedNow ? t["saved_unsubscribed"] : t["saved_text"], null);
            }
            catch (InvalidSubscriberException e)
            {
                return PreferencesForm(400, current, token, null, FieldError(current.Language, e.Field));
            }
        }
        catch (InvalidTokenException e)
        {
            return InvalidLink(fallback, e, TokenPurpose.Preferences);
        }
    }

    /// <summary>
    /// For a page that reads no body of its own (confirm: the token is in the query): a declared body over
    /// <see cref="RequestLimitOptions.PageMaxBytes"/> is refused with 413 before anything else; a body of unknown length is never read.
    /// </summary>
    public Task<IResult> WithBodyLimitAsync(HttpRequest request, Func<HttpRequest, CancellationToken, Task<IResult>> page, CancellationToken ct)
        => BoundedBody.DeclaredTooLarge(request, PageMaxBytes) ? Task.FromResult(TooLarge(PageLanguage(request, null))) : page(request, ct);

    /// <summary>The page language: the subscriber's, else <c>?lang=</c>, else the best of Accept-Language, else English.</summary>
    public static string PageLanguage(HttpRequest request, Subscriber? subscriber)
    {
        if (subscriber is not null && SubscriberRules.Languages.Contains(subscriber.Language))
            return subscriber.Language;
        var query = request.Query["lang"].ToString().Trim().ToLowerInvariant();
        if (SubscriberRules.Languages.Contains(query))
            return query;
        foreach (var value in request.GetTypedHeaders().AcceptLanguage.OrderByDescending(v => v.Quality ?? 1))
        {
            if (value.Quality is 0) continue;
            var primary = (value.Value.Value ?? "").Split('-')[0].ToLowerInvariant();
            if (SubscriberRules.Languages.Contains(primary))
                return primary;
        }
        return "en";
    }

    private async Task<IResult> SubscribeJsonAsync(HttpRequest request, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            if (await BoundedBody.ReadAsync(request, PageMaxBytes, ct) is not { } bytes)
                return Secure(BoundedBody.TooLarge(PageMaxBytes));
            using var document = JsonDocument.Parse(bytes);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Secure(Problems.BadRequest("body", $"The body is not valid JSON: {e.Message}"));
        }
        if (body.ValueKind != JsonValueKind.Object)
            return Secure(Problems.BadRequest("body", "The body must be a JSON object."));
        foreach (var property in body.EnumerateObject())
        {
            if (!SubscribeFields.Contains(property.Name))
                return Secure(Problems.BadRequest(property.Name, $"'{property.Name}' is not a field; use {string.Join(", ", SubscribeFields)}."));
            var ok = property.Name == "topics"
                ? property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String)
                : property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null;
            if (!ok)
                return Secure(Problems.BadRequest(property.Name, property.Name == "topics" ? "topics must be an array of strings." : $"{property.Name} must be a string."));
        }
        string? Field(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (!limits.TryAcquireAddress(request, Field("email"), out var retryAt))
            return RateLimited(PageLanguage(request, null), json: true, "ratelimit_address_text", retryAt);
        try
        {
            await service.SubscribeAsync(Field("email"), Field("name"), Field("organization"), Field("country"),
                Field("language") ?? PageLanguage(request, null), ParseFrequency(Field("frequency")),
                body.TryGetProperty("topics", out var topics) ? topics.EnumerateArray().Select(t => t.GetString()!).ToList() : null,
                SubscribeRateLimits.ClientAddressOf(request), ct);
            return Secure(Results.Json(new { status = "pending-confirmation" }, Problems.Json, statusCode: 202));
        }
        catch (InvalidSubscriberException e)
        {
            return Secure(Problems.BadRequest(e.Field, e.Message));
        }
    }

    private static DigestFrequency ParseFrequency(string? value)
        => string.IsNullOrWhiteSpace(value) ? DigestFrequency.Daily : SubscriberRules.Frequency(value);

    private static string TokenOf(HttpRequest request) => request.Query["token"].ToString();

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value)
        => string.IsNullOrWhiteSpace(value.ToString()) ? null : value.ToString();

    // ---- Pages ----

    private IResult SubscribeForm(int status, string lang, SubscribeValues values, string? errorField, string? error)
    {
        var t = PageWords.For(lang);
        var frequency = string.IsNullOrWhiteSpace(values.Frequency) ? "daily" : values.Frequency.Trim().ToLowerInvariant();
        var language = SubscriberRules.Languages.Contains(values.Language.Trim().ToLowerInvariant()) ? values.Language.Trim().ToLowerInvariant() : lang;
        return Page(status, lang, t["subscribe_title"], "page-subscribe.html.sbn", new ScriptObject
        {
            ["error"] = error ?? "",
            ["error_field"] = errorField ?? "",
            ["email"] = values.Email,
            ["name"] = values.Name,
            ["organization"] = values.Organization,
            ["country"] = values.Country,
            ["languages"] = LanguageChoices(language),
            ["frequencies"] = FrequencyChoices(t, frequency),
            ["topics"] = TopicChoices(lang, values.Topics.Select(v => catalog.Resolve(v) ?? v).ToHashSet()),
        });
    }

    private IResult PreferencesForm(int status, Subscriber subscriber, string token, string? saved, string? error)
    {
        var lang = subscriber.Language;
        var t = PageWords.For(lang);
        var note = subscriber.Status switch
        {
            SubscriberStatus.Active => "",
            SubscriberStatus.Pending => t["status_pending"],
            SubscriberStatus.Unsubscribed when saved is not null => "",
            _ => t["status_inactive"],
        };
        return Page(status, lang, t["preferences_title"], "page-preferences.html.sbn", new ScriptObject
        {
            ["email"] = EmailAddress.Mask(subscriber.Email),
            ["token"] = token,
            ["saved"] = saved ?? "",
            ["error"] = error ?? "",
            ["status_note"] = note,
            ["can_unsubscribe"] = subscriber.Status != SubscriberStatus.Unsubscribed,
            ["frequencies"] = FrequencyChoices(t, subscriber.Frequency.ToString().ToLowerInvariant()),
            ["topics"] = TopicChoices(lang, subscriber.TopicList.ToHashSet()),
            ["languages"] = LanguageChoices(subscriber.Language),
            ["time_zones"] = TimeZoneChoices(subscriber.TimeZone),
            ["delivery_hours"] = DeliveryHourChoices(t, subscriber.DeliveryHour),
        });
    }

    private IResult InvalidLink(string lang, InvalidTokenException e, TokenPurpose purpose)
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
        return Message(e.Problem == TokenProblem.Expired ? 410 : 400, lang, t["invalid_link_title"], "error", paragraphs, link);
    }

    private int PageMaxBytes => requestLimits.Value.PageMaxBytes;

    /// <summary>413: a page in the page's language (the form is far smaller than the cap, so this is no ordinary visitor's mistake).</summary>
    private IResult TooLarge(string lang, (string Href, string Text)? link = null)
    {
        var t = PageWords.For(lang);
        return Message(413, lang, t["toolarge_title"], "error",
            [t["toolarge_text"].Replace("{size}", (PageMaxBytes / 1024).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)], link);
    }

    /// <summary>429 with when to try again: a page in the page's language, or a problem for JSON; Retry-After in seconds either way.</summary>
    private IResult RateLimited(string lang, bool json, string reasonKey, DateTimeOffset retryAt)
    {
        var wait = retryAt - time.GetUtcNow();
        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        var minutes = Math.Max(1, (long)Math.Ceiling(wait.TotalMinutes));
        var at = retryAt.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
        var retryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (json)
            return WithHeader(Problems.Problem(429, "Too many requests.",
                $"{PageWords.Texts["en"][reasonKey]} Try again after {at} UTC ({retryAt.UtcDateTime:yyyy-MM-dd}), in {minutes} minute{(minutes == 1 ? "" : "s")}.", null),
                "Retry-After", retryAfter);
        var t = PageWords.For(lang);
        var when = t["ratelimit_retry"].Replace("{time}", at, StringComparison.Ordinal).Replace("{minutes}", minutes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return WithHeader(Message(429, lang, t["ratelimit_title"], "error", [t[reasonKey], when]), "Retry-After", retryAfter);
    }

    /// <summary>The digest web view's 404: a page in <paramref name="language"/> when it is one of ours, else in the request's.</summary>
    public IResult DigestNotFound(HttpRequest request, string? language)
    {
        var lang = language is not null && SubscriberRules.Languages.Contains(language) ? language : PageLanguage(request, null);
        var t = PageWords.For(lang);
        return Message(404, lang, t["digest_not_found_title"], "error", [t["digest_not_found_text"]]);
    }

    /// <summary>Any answer with the headers of these pages (<see cref="ApplySecurityHeaders"/>).</summary>
    public static IResult WithSecurityHeaders(IResult inner) => Secure(inner);

    private IResult NotFound(string lang)
        => Message(404, lang, PageWords.For(lang)["not_found_title"], "error", [PageWords.For(lang)["not_found_text"]]);

    private IResult MethodNotAllowed(string lang, string allow)
        => WithHeader(Message(405, lang, PageWords.For(lang)["method_title"], "error", [PageWords.For(lang)["method_text"]]), "Allow", allow);

    private IResult Message(int status, string lang, string heading, string kind, IReadOnlyList<string> paragraphs, (string Href, string Text)? link = null)
        => Page(status, lang, heading, "page-message.html.sbn", new ScriptObject
        {
            ["heading"] = heading,
            ["kind"] = kind,
            ["paragraphs"] = paragraphs,
            ["link_href"] = link?.Href ?? "",
            ["link_text"] = link?.Text ?? "",
        });

    /// <summary>Renders a body template, then the layout around it (the templates have no includes).</summary>
    private IResult Page(int status, string lang, string title, string template, ScriptObject model)
    {
        var t = PageWords.ObjectFor(lang);
        model["lang"] = lang;
        model["t"] = t;
        var body = templates.RenderHtml(template, model);
        var html = templates.RenderHtml("page-layout.html.sbn", new ScriptObject
        {
            ["lang"] = lang,
            ["title"] = title,
            ["sender"] = sender.Value.Sender,
            ["body"] = new RawHtml(body),
            ["t"] = t,
        });
        return new HtmlPage(status, html, lang);
    }

    private static List<ScriptObject> LanguageChoices(string selected)
        => SubscriberRules.Languages.Select(l => new ScriptObject
        {
            ["value"] = l,
            ["label"] = PageWords.LanguageNames[l],
            ["selected"] = l == selected,
        }).ToList();

    private static List<ScriptObject> FrequencyChoices(IReadOnlyDictionary<string, string> t, string selected)
        => new[] { "instant", "daily", "weekly" }.Select(f => new ScriptObject
        {
            ["value"] = f,
            ["label"] = t["frequency_" + f],
            ["selected"] = f == selected,
        }).ToList();

    private List<ScriptObject> TopicChoices(string lang, IReadOnlySet<string> selected)
        => catalog.Keys
            .Select(k => (Key: k, Label: PageWords.TopicLabel(lang, k)))
            .OrderBy(k => k.Label, StringComparer.Create(CultureInfo.GetCultureInfo(lang), ignoreCase: true))
            .Select((k, i) => new ScriptObject
            {
                ["id"] = $"topic-{i}",
                ["value"] = k.Key,
                ["label"] = k.Label,
                ["selected"] = selected.Contains(k.Key),
            }).ToList();

    /// <summary>"Default (08:00)", with the configured Schedule:DeliveryHour, then every hour of the day, 00:00 to 23:00.</summary>
    private List<ScriptObject> DeliveryHourChoices(IReadOnlyDictionary<string, string> t, int? current)
    {
        var choices = new List<ScriptObject>
        {
            new() { ["value"] = "", ["label"] = t["delivery_hour_default"].Replace("{time}", Clock(schedule.Value.DeliveryHour), StringComparison.Ordinal), ["selected"] = current is null },
        };
        for (var hour = 0; hour < 24; hour++)
            choices.Add(new ScriptObject { ["value"] = hour.ToString(CultureInfo.InvariantCulture), ["label"] = Clock(hour), ["selected"] = current == hour });
        return choices;

        static string Clock(int hour) => hour.ToString("00", CultureInfo.InvariantCulture) + ":00";
    }

    /// <summary>Member administrations' zones from Western Europe to Central Asia, and the subscriber's own if it is not among them.</summary>
    private List<ScriptObject> TimeZoneChoices(string current)
    {
        var now = time.GetUtcNow();
        var ids = MemberTimeZones.Append(current).Distinct(StringComparer.Ordinal);
        var zones = new List<(string Id, TimeSpan Offset)>();
        foreach (var id in ids)
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
                zones.Add((id, zone.GetUtcOffset(now)));
            else if (id == current)
                zones.Add((id, TimeSpan.Zero));
        }
        return zones.OrderBy(z => z.Offset).ThenBy(z => z.Id, StringComparer.Ordinal).Select(z => new ScriptObject
        {
            ["value"] = z.Id,
            ["label"] = $"UTC{(z.Offset < TimeSpan.Zero ? "−" : "+")}{z.Offset.Duration():hh\\:mm} · {z.Id.Replace('_', ' ')}",
            ["selected"] = z.Id == current,
        }).ToList();
    }

    public static readonly IReadOnlyList<string> MemberTimeZones =
    [
        "UTC", "Atlantic/Reykjavik", "Europe/Lisbon", "Europe/Dublin", "Europe/London", "Europe/Madrid", "Europe/Paris",
        "Europe/Brussels", "Europe/Amsterdam", "Europe/Luxembourg", "Europe/Berlin", "Europe/Zurich", "Europe/Vienna",
        "Europe/Rome", "Europe/Copenhagen", "Europe/Oslo", "Europe/Stockholm", "Europe/Prague", "Europe/Warsaw",
        "Europe/Budapest", "Europe/Belgrade", "Europe/Athens", "Europe/Bucharest", "Europe/Sofia", "Europe/Helsinki",
        "Europe/Tallinn", "Europe/Riga", "Europe/Vilnius", TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Kyiv", out _) ? "Europe/Kyiv" : "Europe/Kiev",
        "Europe/Chisinau", "Europe/Minsk", "Europe/Istanbul", "Europe/Moscow", "Europe/Samara", "Asia/Tbilisi", "Asia/Yerevan",
        "Asia/Baku", "Asia/Yekaterinburg", "Asia/Aqtau", "Asia/Aqtobe", "Asia/Tashkent", "Asia/Samarkand", "Asia/Dushanbe",
        "Asia/Ashgabat", "Asia/Bishkek", "Asia/Almaty", "Asia/Omsk",
    ];

    private static string FieldError(string lang, string field)
        => PageWords.For(lang).TryGetValue("error_" + (field == "deliveryHour" ? "delivery_hour" : field), out var message) ? message : PageWords.For(lang)["error_body"];

    private static IResult Secure(IResult inner) => new SecuredResult(inner, null, null);

    private static IResult WithHeader(IResult inner, string name, string value) => new SecuredResult(inner, name, value);

    /// <summary>The headers every answer gets, HTML or JSON.</summary>
    public static void ApplySecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    private sealed class HtmlPage(int status, string html, string lang) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = status;
            ApplySecurityHeaders(response.Headers);
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentLanguage = lang;
            var bytes = Encoding.UTF8.GetBytes(html);
            response.ContentLength = bytes.Length;
            if (!HttpMethods.IsHead(context.Request.Method))
                await response.Body.WriteAsync(bytes, context.RequestAborted);
        }
    }

    private sealed class SecuredResult(IResult inner, string? header, string? value) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            ApplySecurityHeaders(context.Response.Headers);
            if (header is not null) context.Response.Headers[header] = value;
            return inner.ExecuteAsync(context);
        }
    }

    private sealed record SubscribeValues(string Email, string Name, string Organization, string Country, string Language, string Frequency, IReadOnlyList<string> Topics)
    {
        public static SubscribeValues Empty(string lang) => new("", "", "", "", lang, "daily", []);
    }
}
