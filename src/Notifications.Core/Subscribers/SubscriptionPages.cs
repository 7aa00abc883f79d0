using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Http;
using Notifications.Templates;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Subscribers;

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
    IOptions<DigestOptions> digest,
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
            return Message(415, lang, Text(lang)["error_title"], "error", [Text(lang)["error_body"]]);

        IFormCollection form;
        try
        {
            if (await BoundedBody.ReadFormAsync(request, PageMaxBytes, ct) is not { } bounded)
                return TooLarge(lang, ($"subscribe?lang={lang}", Text(lang)["toolarge_back"]));
            form = bounded;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Message(400, lang, Text(lang)["error_title"], "error", [Text(lang)["error_body"]]);
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
            return Message(200, lang, Text(lang)["pending_title"], "notice", [Text(lang)["pending_text1"], Text(lang)["pending_text2"]]);
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
            var t0 = Text(fallback);
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
        var t = Text(lang);
        return result.Outcome switch
        {
            // No preferences link here: a confirmation link may be in other hands (forwarded, or a scanner's), and a manage link
            // never expires. Manage links go only by mail to the address itself, in every digest.
            ConfirmOutcome.Confirmed => Message(200, lang, t["confirmed_title"], "notice", [t["confirmed_text"], t["confirmed_manage"]]),
            ConfirmOutcome.AlreadyConfirmed => Message(200, lang, t["already_title"], "notice", [t["already_text"], t["confirmed_manage"]]),
            ConfirmOutcome.NotReactivated => Message(200, lang, t["not_reactivated_title"], "warning", [t["not_reactivated_text"], t["not_reactivated_help"] + " " + digest.Value.Sender + "."]),
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
                var t = Text(lang);
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
            var text = Text(language);
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
                return PreferencesForm(415, current, token, null, Text(current.Language)["error_body"]);
            IFormCollection form;
            try
            {
                if (await BoundedBody.ReadFormAsync(request, PageMaxBytes, ct) is not { } bounded)
                    return TooLarge(current.Language);
                form = bounded;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return PreferencesForm(400, current, token, null, Text(current.Language)["error_body"]);
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
                var t = Text(result.After.Language);
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
        var t = Text(lang);
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
        var t = Text(lang);
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
        var t = Text(lang);
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
        var t = Text(lang);
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
                $"{Texts["en"][reasonKey]} Try again after {at} UTC ({retryAt.UtcDateTime:yyyy-MM-dd}), in {minutes} minute{(minutes == 1 ? "" : "s")}.", null),
                "Retry-After", retryAfter);
        var t = Text(lang);
        var when = t["ratelimit_retry"].Replace("{time}", at, StringComparison.Ordinal).Replace("{minutes}", minutes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return WithHeader(Message(429, lang, t["ratelimit_title"], "error", [t[reasonKey], when]), "Retry-After", retryAfter);
    }

    /// <summary>The digest web view's 404: a page in <paramref name="language"/> when it is one of ours, else in the request's.</summary>
    public IResult DigestNotFound(HttpRequest request, string? language)
    {
        var lang = language is not null && SubscriberRules.Languages.Contains(language) ? language : PageLanguage(request, null);
        var t = Text(lang);
        return Message(404, lang, t["digest_not_found_title"], "error", [t["digest_not_found_text"]]);
    }

    /// <summary>Any answer with the headers of these pages (<see cref="ApplySecurityHeaders"/>).</summary>
    public static IResult WithSecurityHeaders(IResult inner) => Secure(inner);

    private IResult NotFound(string lang)
        => Message(404, lang, Text(lang)["not_found_title"], "error", [Text(lang)["not_found_text"]]);

    private IResult MethodNotAllowed(string lang, string allow)
        => WithHeader(Message(405, lang, Text(lang)["method_title"], "error", [Text(lang)["method_text"]]), "Allow", allow);

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
        var t = TextObject(lang);
        model["lang"] = lang;
        model["t"] = t;
        var body = templates.RenderHtml(template, model);
        var html = templates.RenderHtml("page-layout.html.sbn", new ScriptObject
        {
            ["lang"] = lang,
            ["title"] = title,
            ["sender"] = digest.Value.Sender,
            ["body"] = new RawHtml(body),
            ["t"] = t,
        });
        return new HtmlPage(status, html, lang);
    }

    private static List<ScriptObject> LanguageChoices(string selected)
        => SubscriberRules.Languages.Select(l => new ScriptObject
        {
            ["value"] = l,
            ["label"] = LanguageNames[l],
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
            .Select(k => (Key: k, Label: TopicLabel(lang, k)))
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
        => Text(lang).TryGetValue("error_" + (field == "deliveryHour" ? "delivery_hour" : field), out var message) ? message : Text(lang)["error_body"];

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

    // ---- Words ----

    private static readonly Dictionary<string, string> LanguageNames = new() { ["en"] = "English", ["ru"] = "Русский", ["fr"] = "Français" };

    private static string TopicLabel(string lang, string topic)
        => TopicNames.Label(topic, lang);


    private static IReadOnlyDictionary<string, string> Text(string lang) => Texts.TryGetValue(lang, out var t) ? t : Texts["en"];

    private static ScriptObject TextObject(string lang)
    {
        var o = new ScriptObject();
        foreach (var (key, value) in Text(lang)) o[key] = value;
        return o;
    }

    /// <summary>Every page's words in en, ru and fr; every language has every key (a test checks).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Texts = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["en"] = new Dictionary<string, string>
        {
            ["skip"] = "Skip to content",
            ["service"] = "Digest subscription",
            ["footer"] = "This page uses no cookies and no scripts.",
            ["subscribe_title"] = "Subscribe to the digests",
            ["subscribe_intro"] = "Receive short digests of new committee session reports by email. First we send you a link to confirm your address.",
            ["email_label"] = "Email address",
            ["name_label"] = "Full name",
            ["organization_label"] = "Administration or organisation",
            ["country_label"] = "Country (optional)",
            ["country_hint"] = "Two-letter code, for example UZ, AZ or BE.",
            ["language_label"] = "Language of the emails",
            ["language_label_prefs"] = "Language of emails and pages",
            ["frequency_legend"] = "How often",
            ["frequency_instant"] = "As soon as a report is published",
            ["frequency_daily"] = "Once a day",
            ["frequency_weekly"] = "Once a week",
            ["topics_legend"] = "Topics",
            ["topics_hint"] = "Choose none to receive every topic.",
            ["subscribe_button"] = "Subscribe",
            ["subscribe_privacy"] = "We use your address only to send these digests. You can unsubscribe at any time with the link in every email.",
            ["pending_title"] = "Check your inbox",
            ["pending_text1"] = "If this address can receive our digests, we have sent it a message with a confirmation link. Open the link to start your subscription.",
            ["pending_text2"] = "Nothing after a few minutes? Look in your spam folder, or send the form again in 10 minutes.",
            ["ratelimit_title"] = "Too many requests",
            ["ratelimit_text"] = "We received too many subscription requests from your network.",
            ["ratelimit_address_text"] = "We received too many subscription requests for this address from your network.",
            ["ratelimit_retry"] = "Please try again after {time} UTC (in {minutes} min).",
            ["toolarge_title"] = "The request is too large",
            ["toolarge_text"] = "What was sent is larger than {size} KB, far more than this form needs, so it was not read. Nothing was changed. Please fill in the form again and send it.",
            ["toolarge_back"] = "Back to the form",
            ["digest_not_found_title"] = "Digest not found",
            ["digest_not_found_text"] = "There is no such digest. The link may be incomplete: copy the whole link from the email into your browser.",
            ["error_title"] = "The request could not be read",
            ["error_body"] = "The form could not be read. Please send it again.",
            ["error_email"] = "Enter a valid email address, for example name@customs.example.",
            ["error_name"] = "Enter your name (at most 200 characters, on one line).",
            ["error_organization"] = "Enter your administration or organisation (at most 200 characters, on one line).",
            ["error_country"] = "Enter the country as a two-letter code, for example UZ, or leave it empty.",
            ["error_language"] = "Choose English, Russian or French.",
            ["error_frequency"] = "Choose how often you want to receive digests.",
            ["error_topics"] = "Choose topics from the list.",
            ["error_time_zone"] = "Choose a time zone from the list.",
            ["error_delivery_hour"] = "Choose a delivery time from the list.",
            ["confirm_title"] = "Confirm your subscription",
            ["confirm_text"] = "Press the button to start receiving the digests.",
            ["confirm_button"] = "Confirm my subscription",
            ["confirmed_title"] = "Subscription confirmed",
            ["confirmed_text"] = "Thank you. Your subscription is active: the next digest will come to your inbox.",
            ["confirmed_manage"] = "Every digest we send you ends with links to change your preferences or to unsubscribe.",
            ["already_title"] = "Already confirmed",
            ["already_text"] = "Your subscription was already confirmed. Nothing has changed.",
            ["not_reactivated_title"] = "This subscription is not active",
            ["not_reactivated_text"] = "This address was unsubscribed or paused after the link was sent, so the link does not start the subscription again.",
            ["not_reactivated_help"] = "To receive the digests again, please contact",
            ["not_found_title"] = "Subscription not found",
            ["not_found_text"] = "There is no subscription for this link. It may have been deleted.",
            ["invalid_link_title"] = "This link cannot be used",
            ["invalid_link_help"] = "Nothing was changed.",
            ["subscribe_again_link"] = "Subscribe again to get a new link",
            ["token_malformed"] = "This link is incomplete or damaged. Copy the whole link from the email into your browser, or ask for a new one.",
            ["token_unknown_key"] = "This link is no longer valid. Use the link in a more recent email from us, or ask for a new one.",
            ["token_bad_signature"] = "This link is not valid. Copy the whole link from the email, or ask for a new one.",
            ["token_wrong_purpose"] = "This link is meant for a different action. Use the matching link in the email.",
            ["token_expired_confirm"] = "This link has expired. Ask for a new confirmation email.",
            ["token_expired_other"] = "This link has expired. Use the link in a more recent email from us.",
            ["unsubscribe_title"] = "Unsubscribe",
            ["unsubscribe_question"] = "Stop all digest emails to this address?",
            ["unsubscribe_button"] = "Unsubscribe",
            ["unsubscribed_title"] = "You are unsubscribed",
            ["unsubscribed_text"] = "We will send no more digests to this address.",
            ["already_unsubscribed_text"] = "This address is already unsubscribed: we send it no digests.",
            ["preferences_title"] = "Subscription preferences",
            ["preferences_for"] = "Preferences for",
            ["time_zone_label"] = "Time zone",
            ["time_zone_hint"] = "Your local time zone.",
            ["delivery_hour_label"] = "Delivery time",
            ["delivery_hour_hint"] = "When daily and weekly digests arrive, in your time zone.",
            ["delivery_hour_default"] = "Default ({time})",
            ["stop_legend"] = "Stop all emails",
            ["stop_label"] = "Unsubscribe from all digests",
            ["save_button"] = "Save preferences",
            ["saved_text"] = "Your preferences are saved.",
            ["saved_unsubscribed"] = "Your preferences are saved, and you are unsubscribed: we will send no more digests to this address.",
            ["status_inactive"] = "You are not receiving digests at the moment (the subscription is not active). Saving preferences does not change that.",
            ["status_pending"] = "Your subscription is not confirmed yet: open the link in the confirmation email to start it.",
            ["method_title"] = "Not available",
            ["method_text"] = "This address does not accept that kind of request.",
            ["manage_link"] = "Manage your subscription",
        },
        ["ru"] = new Dictionary<string, string>
        {
            ["skip"] = "Перейти к содержанию",
            ["service"] = "Подписка на обзоры",
            ["footer"] = "Эта страница не использует файлы cookie и скрипты.",
            ["subscribe_title"] = "Подписка на обзоры",
            ["subscribe_intro"] = "Получайте по электронной почте краткие обзоры новых отчётов о сессиях комитетов. Сначала мы пришлём ссылку для подтверждения адреса.",
            ["email_label"] = "Адрес электронной почты",
            ["name_label"] = "Имя и фамилия",
            ["organization_label"] = "Администрация или организация",
            ["country_label"] = "Страна (необязательно)",
            ["country_hint"] = "Двухбуквенный код, например UZ, AZ или BE.",
            ["language_label"] = "Язык писем",
            ["language_label_prefs"] = "Язык писем и страниц",
            ["frequency_legend"] = "Как часто",
            ["frequency_instant"] = "Сразу после публикации отчёта",
            ["frequency_daily"] = "Раз в день",
            ["frequency_weekly"] = "Раз в неделю",
            ["topics_legend"] = "Темы",
            ["topics_hint"] = "Не отмечайте ничего, чтобы получать все темы.",
            ["subscribe_button"] = "Подписаться",
            ["subscribe_privacy"] = "Мы используем ваш адрес только для рассылки этих обзоров. Отписаться можно в любой момент по ссылке в каждом письме.",
            ["pending_title"] = "Проверьте почту",
            ["pending_text1"] = "Если на этот адрес можно отправлять наши обзоры, мы отправили на него письмо со ссылкой для подтверждения. Откройте ссылку, чтобы начать подписку.",
            ["pending_text2"] = "Письмо не пришло через несколько минут? Проверьте папку «Спам» или отправьте форму ещё раз через 10 минут.",
            ["ratelimit_title"] = "Слишком много запросов",
            ["ratelimit_text"] = "Из вашей сети поступило слишком много запросов на подписку.",
            ["ratelimit_address_text"] = "Из вашей сети поступило слишком много запросов на подписку для этого адреса.",
            ["ratelimit_retry"] = "Повторите попытку после {time} UTC (через {minutes} мин).",
            ["toolarge_title"] = "Слишком большой запрос",
            ["toolarge_text"] = "Отправленные данные больше {size} КБ — намного больше, чем нужно для этой формы, поэтому они не были прочитаны. Ничего не изменено. Заполните форму ещё раз и отправьте её.",
            ["toolarge_back"] = "Вернуться к форме",
            ["digest_not_found_title"] = "Обзор не найден",
            ["digest_not_found_text"] = "Такого обзора нет. Возможно, ссылка неполная: скопируйте ссылку из письма в браузер целиком.",
            ["error_title"] = "Не удалось прочитать запрос",
            ["error_body"] = "Не удалось прочитать форму. Отправьте её ещё раз.",
            ["error_email"] = "Введите действительный адрес электронной почты, например name@customs.example.",
            ["error_name"] = "Введите имя (не более 200 символов, в одну строку).",
            ["error_organization"] = "Введите администрацию или организацию (не более 200 символов, в одну строку).",
            ["error_country"] = "Укажите страну двухбуквенным кодом, например UZ, или оставьте поле пустым.",
            ["error_language"] = "Выберите английский, русский или французский.",
            ["error_frequency"] = "Выберите, как часто получать обзоры.",
            ["error_topics"] = "Выберите темы из списка.",
            ["error_time_zone"] = "Выберите часовой пояс из списка.",
            ["error_delivery_hour"] = "Выберите время отправки из списка.",
            ["confirm_title"] = "Подтвердите подписку",
            ["confirm_text"] = "Нажмите кнопку, чтобы начать получать обзоры.",
            ["confirm_button"] = "Подтвердить подписку",
            ["confirmed_title"] = "Подписка подтверждена",
            ["confirmed_text"] = "Спасибо! Подписка активна: следующий обзор придёт на вашу почту.",
            ["confirmed_manage"] = "В конце каждого обзора есть ссылки, чтобы изменить настройки или отписаться.",
            ["already_title"] = "Подписка уже подтверждена",
            ["already_text"] = "Ваша подписка уже была подтверждена. Ничего не изменилось.",
            ["not_reactivated_title"] = "Подписка не активна",
            ["not_reactivated_text"] = "После отправки ссылки этот адрес был отписан или приостановлен, поэтому ссылка не возобновляет подписку.",
            ["not_reactivated_help"] = "Чтобы снова получать обзоры, свяжитесь с отправителем:",
            ["not_found_title"] = "Подписка не найдена",
            ["not_found_text"] = "Для этой ссылки подписки нет. Возможно, она была удалена.",
            ["invalid_link_title"] = "Эту ссылку нельзя использовать",
            ["invalid_link_help"] = "Ничего не изменено.",
            ["subscribe_again_link"] = "Подписаться снова и получить новую ссылку",
            ["token_malformed"] = "Ссылка неполная или повреждена. Скопируйте ссылку из письма целиком в браузер или запросите новую.",
            ["token_unknown_key"] = "Эта ссылка больше не действует. Воспользуйтесь ссылкой из более позднего письма или запросите новую.",
            ["token_bad_signature"] = "Эта ссылка недействительна. Скопируйте ссылку из письма целиком или запросите новую.",
            ["token_wrong_purpose"] = "Эта ссылка предназначена для другого действия. Воспользуйтесь соответствующей ссылкой в письме.",
            ["token_expired_confirm"] = "Срок действия ссылки истёк. Запросите новое письмо с подтверждением.",
            ["token_expired_other"] = "Срок действия ссылки истёк. Воспользуйтесь ссылкой из более позднего письма.",
            ["unsubscribe_title"] = "Отписка",
            ["unsubscribe_question"] = "Прекратить отправку всех обзоров на этот адрес?",
            ["unsubscribe_button"] = "Отписаться",
            ["unsubscribed_title"] = "Вы отписаны",
            ["unsubscribed_text"] = "Мы больше не будем отправлять обзоры на этот адрес.",
            ["already_unsubscribed_text"] = "Этот адрес уже отписан: мы не отправляем на него обзоры.",
            ["preferences_title"] = "Настройки подписки",
            ["preferences_for"] = "Настройки для",
            ["time_zone_label"] = "Часовой пояс",
            ["time_zone_hint"] = "Ваш местный часовой пояс.",
            ["delivery_hour_label"] = "Время отправки",
            ["delivery_hour_hint"] = "Когда приходят ежедневные и еженедельные обзоры, по вашему часовому поясу.",
            ["delivery_hour_default"] = "По умолчанию ({time})",
            ["stop_legend"] = "Прекратить все письма",
            ["stop_label"] = "Отписаться от всех обзоров",
            ["save_button"] = "Сохранить настройки",
            ["saved_text"] = "Настройки сохранены.",
            ["saved_unsubscribed"] = "Настройки сохранены, и вы отписаны: мы больше не будем отправлять обзоры на этот адрес.",
            ["status_inactive"] = "Сейчас вы не получаете обзоры (подписка не активна). Сохранение настроек этого не меняет.",
            ["status_pending"] = "Подписка ещё не подтверждена: откройте ссылку в письме с подтверждением.",
            ["method_title"] = "Недоступно",
            ["method_text"] = "Этот адрес не принимает такой запрос.",
            ["manage_link"] = "Управление подпиской",
        },
        ["fr"] = French(new Dictionary<string, string>
        {
            ["skip"] = "Aller au contenu",
            ["service"] = "Abonnement aux synthèses",
            ["footer"] = "Cette page n'utilise ni cookies ni scripts.",
            ["subscribe_title"] = "S'abonner aux synthèses",
            ["subscribe_intro"] = "Recevez par courriel de courtes synthèses des nouveaux rapports de session des comités. Nous vous envoyons d'abord un lien pour confirmer votre adresse.",
            ["email_label"] = "Adresse électronique",
            ["name_label"] = "Nom complet",
            ["organization_label"] = "Administration ou organisation",
            ["country_label"] = "Pays (facultatif)",
            ["country_hint"] = "Code à deux lettres, par exemple UZ, AZ ou BE.",
            ["language_label"] = "Langue des courriels",
            ["language_label_prefs"] = "Langue des courriels et des pages",
            ["frequency_legend"] = "Fréquence",
            ["frequency_instant"] = "Dès la publication d'un rapport",
            ["frequency_daily"] = "Une fois par jour",
            ["frequency_weekly"] = "Une fois par semaine",
            ["topics_legend"] = "Thèmes",
            ["topics_hint"] = "Ne cochez rien pour recevoir tous les thèmes.",
            ["subscribe_button"] = "S'abonner",
            ["subscribe_privacy"] = "Nous utilisons votre adresse uniquement pour envoyer ces synthèses. Vous pouvez vous désabonner à tout moment grâce au lien présent dans chaque courriel.",
            ["pending_title"] = "Consultez votre boîte de réception",
            ["pending_text1"] = "Si cette adresse peut recevoir nos synthèses, nous lui avons envoyé un message contenant un lien de confirmation. Ouvrez ce lien pour activer votre abonnement.",
            ["pending_text2"] = "Rien reçu après quelques minutes ? Regardez dans le dossier des courriers indésirables, ou renvoyez le formulaire dans 10 minutes.",
            ["ratelimit_title"] = "Trop de demandes",
            ["ratelimit_text"] = "Nous avons reçu trop de demandes d'abonnement depuis votre réseau.",
            ["ratelimit_address_text"] = "Nous avons reçu trop de demandes d'abonnement pour cette adresse depuis votre réseau.",
            ["ratelimit_retry"] = "Veuillez réessayer après {time} UTC (dans {minutes} min).",
            ["toolarge_title"] = "La demande est trop volumineuse",
            ["toolarge_text"] = "Les données envoyées dépassent {size} Ko, bien plus que ce formulaire ne demande : elles n'ont donc pas été lues. Rien n'a été modifié. Veuillez remplir le formulaire à nouveau et l'envoyer.",
            ["toolarge_back"] = "Revenir au formulaire",
            ["digest_not_found_title"] = "Synthèse introuvable",
            ["digest_not_found_text"] = "Cette synthèse n'existe pas. Le lien est peut-être incomplet : copiez le lien entier depuis le courriel dans votre navigateur.",
            ["error_title"] = "La demande n'a pas pu être lue",
            ["error_body"] = "Le formulaire n'a pas pu être lu. Veuillez le renvoyer.",
            ["error_email"] = "Saisissez une adresse électronique valide, par exemple nom@douane.example.",
            ["error_name"] = "Saisissez votre nom (200 caractères au plus, sur une ligne).",
            ["error_organization"] = "Saisissez votre administration ou organisation (200 caractères au plus, sur une ligne).",
            ["error_country"] = "Indiquez le pays par un code à deux lettres, par exemple UZ, ou laissez le champ vide.",
            ["error_language"] = "Choisissez l'anglais, le russe ou le français.",
            ["error_frequency"] = "Choisissez la fréquence des synthèses.",
            ["error_topics"] = "Choisissez des thèmes dans la liste.",
            ["error_time_zone"] = "Choisissez un fuseau horaire dans la liste.",
            ["error_delivery_hour"] = "Choisissez une heure d'envoi dans la liste.",
            ["confirm_title"] = "Confirmez votre abonnement",
            ["confirm_text"] = "Appuyez sur le bouton pour commencer à recevoir les synthèses.",
            ["confirm_button"] = "Confirmer mon abonnement",
            ["confirmed_title"] = "Abonnement confirmé",
            ["confirmed_text"] = "Merci. Votre abonnement est actif : la prochaine synthèse arrivera dans votre boîte de réception.",
            ["confirmed_manage"] = "Chaque synthèse que nous vous envoyons se termine par des liens pour modifier vos préférences ou vous désabonner.",
            ["already_title"] = "Déjà confirmé",
            ["already_text"] = "Votre abonnement était déjà confirmé. Rien n'a changé.",
            ["not_reactivated_title"] = "Cet abonnement n'est pas actif",
            ["not_reactivated_text"] = "Cette adresse a été désabonnée ou suspendue après l'envoi du lien ; le lien ne relance donc pas l'abonnement.",
            ["not_reactivated_help"] = "Pour recevoir à nouveau les synthèses, contactez",
            ["not_found_title"] = "Abonnement introuvable",
            ["not_found_text"] = "Aucun abonnement ne correspond à ce lien. Il a peut-être été supprimé.",
            ["invalid_link_title"] = "Ce lien ne peut pas être utilisé",
            ["invalid_link_help"] = "Rien n'a été modifié.",
            ["subscribe_again_link"] = "Vous réabonner pour recevoir un nouveau lien",
            ["token_malformed"] = "Ce lien est incomplet ou endommagé. Copiez le lien entier depuis le courriel dans votre navigateur, ou demandez-en un nouveau.",
            ["token_unknown_key"] = "Ce lien n'est plus valable. Utilisez le lien d'un courriel plus récent, ou demandez-en un nouveau.",
            ["token_bad_signature"] = "Ce lien n'est pas valable. Copiez le lien entier depuis le courriel, ou demandez-en un nouveau.",
            ["token_wrong_purpose"] = "Ce lien est destiné à une autre action. Utilisez le lien correspondant dans le courriel.",
            ["token_expired_confirm"] = "Ce lien a expiré. Demandez un nouveau courriel de confirmation.",
            ["token_expired_other"] = "Ce lien a expiré. Utilisez le lien d'un courriel plus récent.",
            ["unsubscribe_title"] = "Se désabonner",
            ["unsubscribe_question"] = "Arrêter l'envoi de toutes les synthèses à cette adresse ?",
            ["unsubscribe_button"] = "Se désabonner",
            ["unsubscribed_title"] = "Vous êtes désabonné(e)",
            ["unsubscribed_text"] = "Nous n'enverrons plus de synthèses à cette adresse.",
            ["already_unsubscribed_text"] = "Cette adresse est déjà désabonnée : nous ne lui envoyons aucune synthèse.",
            ["preferences_title"] = "Préférences d'abonnement",
            ["preferences_for"] = "Préférences pour",
            ["time_zone_label"] = "Fuseau horaire",
            ["time_zone_hint"] = "Votre fuseau horaire local.",
            ["delivery_hour_label"] = "Heure d'envoi",
            ["delivery_hour_hint"] = "L'heure à laquelle arrivent les synthèses quotidiennes et hebdomadaires, dans votre fuseau horaire.",
            ["delivery_hour_default"] = "Par défaut ({time})",
            ["stop_legend"] = "Arrêter tous les courriels",
            ["stop_label"] = "Me désabonner de toutes les synthèses",
            ["save_button"] = "Enregistrer les préférences",
            ["saved_text"] = "Vos préférences sont enregistrées.",
            ["saved_unsubscribed"] = "Vos préférences sont enregistrées et vous êtes désabonné(e) : nous n'enverrons plus de synthèses à cette adresse.",
            ["status_inactive"] = "Vous ne recevez pas de synthèses actuellement (l'abonnement n'est pas actif). L'enregistrement des préférences n'y change rien.",
            ["status_pending"] = "Votre abonnement n'est pas encore confirmé : ouvrez le lien du courriel de confirmation pour l'activer.",
            ["method_title"] = "Non disponible",
            ["method_text"] = "Cette adresse n'accepte pas ce type de demande.",
            ["manage_link"] = "Gérer votre abonnement",
        }),
    };

    /// <summary>French puts a no-break space before : ; ? ! so they never start a line.</summary>
    private static Dictionary<string, string> French(Dictionary<string, string> words)
        => words.ToDictionary(w => w.Key, w => w.Value.Replace(" :", "\u00A0:").Replace(" ;", "\u00A0;").Replace(" ?", "\u00A0?").Replace(" !", "\u00A0!"));
}
