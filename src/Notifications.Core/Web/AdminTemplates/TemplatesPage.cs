using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Notifications.Digests;
using Notifications.Localization;
using Notifications.Pipeline;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The template editor (<c>/api/console/templates</c>, Admin role): built-in and overridden templates per language; one template
/// (<c>/api/console/templates/{name}</c>): edit an override with validation on save, preview with sample data in each language at
/// desktop and phone width (<c>…/{name}/preview</c>), send a test to yourself, history of versions and rollback.
/// CLI twin: <c>notify templates</c>. All it does goes through <see cref="TemplateWorkbench"/>.
/// <para>
/// The template page's POST carries <c>action</c>: <c>check</c> (the checks only), <c>save</c>, <c>rollback</c> (with <c>version</c>),
/// <c>remove</c>, <c>send-test</c> (with <c>test_language</c>); a save or rollback also carries the <c>etag</c> of the override as it
/// was opened. A refused text comes back in the form with each problem (line, column, language). Rollback and removal show a
/// confirmation step first (<c>?rollback=&lt;id&gt;</c>, <c>?remove=1</c>), whose form posts with <c>confirmed=yes</c>.
/// </para>
/// </summary>
public sealed partial class TemplatesPage(
    ConsoleGate gate,
    ConsoleRenderer renderer,
    TemplateWorkbench workbench,
    TimeProvider time,
    ILogger<TemplatesPage> logger)
{
    /// <summary>
    /// The cap of a template form: the largest override (<see cref="DigestTemplateOverrides.MaxTemplateBytes"/>) URL-encoded (up to three
    /// characters a byte: Cyrillic text is all %XX) with room for the other fields; a larger text is refused by the checks, with a message.
    /// </summary>
    public const int FormMaxBytes = DigestTemplateOverrides.MaxTemplateBytes * 3 + 16 * 1024;

    /// <summary>The preview's own headers: it may be framed by the console (same origin) only, and runs no script.</summary>
    public const string PreviewPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'";

    private readonly SendTestLimit _limit = new(time);

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        return await ListPageAsync(entered, "", StatusCodes.Status200OK, ct);
    }

    public async Task<IResult> ShowAsync(HttpRequest request, string name, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct, FormMaxBytes);
        if (entered is null) return refusal!;
        if (name == "new")
        {
            var partial = (request.Query["partial"].ToString() ?? "").Trim();
            return DigestTemplateOverrides.IsDigestTemplateName(partial)
                ? ConsoleRenderer.SeeOther("/api/console/templates/" + partial)
                : await ListPageAsync(entered, partial, StatusCodes.Status422UnprocessableEntity, ct);
        }
        if (await workbench.OpenAsync(name, ct) is not { } document) return await NotFoundAsync(entered, ct);
        if (!HttpMethods.IsPost(request.Method))
            return await EditAsync(entered, document, new TemplateForm(document.Source, document.Entry.ETag ?? ""), ct);

        var form = new TemplateForm(entered.Form?["source"].ToString() ?? document.Source, entered.Field("etag"));
        switch (entered.Field("action"))
        {
            case "check":
            {
                var problems = await workbench.CheckAsync(name, form.Source, ct);
                return await EditAsync(entered, document, form with { Problems = problems, Checked = problems.Count == 0 }, ct,
                    problems.Count > 0 ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
            }
            case "save":
            {
                var change = await workbench.SaveAsync(name, form.Source, form.ETag, entered.User.Name, ct);
                if (change.Done)
                {
                    LogChanged("saved", name);
                    return ConsoleRenderer.SeeOther($"/api/console/templates/{name}?done=saved");
                }
                return await EditAsync(entered, document, form with { Problems = change.Problems, Conflict = change.Conflict }, ct,
                    change.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity);
            }
            case "rollback" when entered.Field("confirmed") == "yes":
            {
                var version = entered.Field("version");
                if (await workbench.RollBackAsync(name, version, form.ETag, entered.User.Name, ct) is not { } change)
                    return await NotFoundAsync(entered, ct);
                if (change.Done)
                {
                    LogChanged("rolled back", name);
                    return ConsoleRenderer.SeeOther($"/api/console/templates/{name}?done=rolled_back");
                }
                return await EditAsync(entered, document, new TemplateForm(document.Source, document.Entry.ETag ?? "")
                { Problems = change.Problems, Conflict = change.Conflict, Version = version }, ct,
                    change.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity);
            }
            case "remove" when entered.Field("confirmed") == "yes":
            {
                var change = await workbench.RemoveAsync(name, form.ETag, entered.User.Name, ct);
                if (change.Done)
                {
                    LogChanged("removed", name);
                    return ConsoleRenderer.SeeOther($"/api/console/templates/{name}?done=removed");
                }
                return await EditAsync(entered, document, new TemplateForm(document.Source, document.Entry.ETag ?? "") { Conflict = true }, ct,
                    StatusCodes.Status409Conflict);
            }
            case "send-test":
                return await SendTestAsync(entered, document, form, ct);
            default:
                return await EditAsync(entered, document, form with { Error = "admin_templates.errors.action" }, ct, StatusCodes.Status400BadRequest);
        }
    }

    public async Task<IResult> PreviewAsync(HttpRequest request, string name, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        if (!DigestTemplateOverrides.IsDigestTemplateName(name)) return await NotFoundAsync(entered, ct);
        var language = LanguageOf(request.Query["language"].ToString());
        var (preview, problems) = await workbench.PreviewAsync(name, language, request.Query["version"].ToString(), "recipient@example.org", ct);
        if (preview is null)
        {
            var message = problems.Count > 0 ? string.Join("\n", problems.Select(p => Where(p, Translations.For(entered.Language)) + p.Message))
                : Translations.For(entered.Language)["admin_templates.errors.no_version"];
            return new HtmlResult(problems.Count > 0 ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status404NotFound,
                $"<!doctype html><html lang=\"{entered.Language}\"><title>{name}</title><pre>{System.Net.WebUtility.HtmlEncode(message)}</pre></html>",
                entered.Language, PreviewHeaders);
        }
        return new HtmlResult(StatusCodes.Status200OK, preview.Html, preview.Language, PreviewHeaders);
    }

    private static void PreviewHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = PreviewPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "SAMEORIGIN";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    private async Task<IResult> SendTestAsync(ConsoleRequest request, TemplateDocument document, TemplateForm form, CancellationToken ct)
    {
        var name = document.Entry.Name;
        if (request.User.Email is not { } to)
            return await EditAsync(request, document, form with { Error = "admin_templates.errors.no_address" }, ct, StatusCodes.Status422UnprocessableEntity);
        var language = LanguageOf(request.Field("test_language"));
        try
        {
            _limit.Take(to);
        }
        catch (SendTestLimitException)
        {
            return await EditAsync(request, document, form with { Error = "admin_templates.errors.test_limit" }, ct, StatusCodes.Status429TooManyRequests);
        }
        try
        {
            var (id, problems) = await workbench.SendTestAsync(name, language, null, to, ct);
            if (id is null)
            {
                _limit.Return(to);
                return await EditAsync(request, document, form with { Problems = problems }, ct, StatusCodes.Status422UnprocessableEntity);
            }
        }
        catch
        {
            _limit.Return(to);
            throw;
        }
        LogTestSent(name, language);
        return await EditAsync(request, document, form with { SentTo = to, SentLanguage = language }, ct);
    }

    /// <summary>What the edit form holds: the text as sent (kept whatever happens) and the ETag it was opened with, and what to say.</summary>
    private sealed record TemplateForm(string Source, string ETag)
    {
        public IReadOnlyList<Digests.TemplateOverrideProblem> Problems { get; init; } = [];
        public bool Conflict { get; init; }
        public bool Checked { get; init; }
        public string Error { get; init; } = "";
        public string SentTo { get; init; } = "";
        public string SentLanguage { get; init; } = "";
        public string Version { get; init; } = "";
    }

    private async Task<IResult> EditAsync(ConsoleRequest request, TemplateDocument document, TemplateForm form, CancellationToken ct,
        int status = StatusCodes.Status200OK)
    {
        var t = Translations.For(request.Language);
        var entry = document.Entry;
        var query = request.Http.Query;
        var previewLanguage = LanguageOf(query["preview"].ToString() is { Length: > 0 } p ? p : request.Language);
        var version = query["version"].ToString();
        if (version != "builtin" && !TemplateHistory.IsVersionId(version)) version = "";
        var (preview, previewProblems) = await workbench.PreviewAsync(entry.Name, previewLanguage, version, "recipient@example.org", ct);
        var rollback = query["rollback"].ToString();
        var basePath = "/api/console/templates/" + entry.Name;
        var previewQuery = $"?language={previewLanguage}" + (version.Length > 0 ? "&version=" + version : "");
        var model = new ScriptObject
        {
            ["name"] = entry.Name,
            ["what_key"] = "admin_templates.what." + What(entry.Name),
            ["status_key"] = "admin_templates.status." + Status(entry),
            ["status_class"] = entry.Overridden ? entry.InUse ? "ok" : "bad" : "",
            ["overridden"] = entry.Overridden,
            ["built_in"] = entry.BuiltIn,
            ["saved"] = entry.SavedAt is { } at ? Time(at) : "",
            ["saved_by"] = entry.SavedBy ?? "",
            ["rejections"] = entry.Problems.Select(x => Problem(x, t)).ToList(),
            ["source"] = form.Source,
            ["etag"] = form.ETag,
            ["problems"] = form.Problems.Select(x => Problem(x, t)).ToList(),
            ["conflict"] = form.Conflict,
            ["checked"] = form.Checked,
            ["error"] = form.Error,
            ["done"] = query["done"].ToString() is "saved" or "rolled_back" or "removed" && !HttpMethods.IsPost(request.Http.Method)
                ? "admin_templates.done." + query["done"] : "",
            ["sent_to"] = form.SentTo,
            ["sent_language"] = form.SentLanguage.Length > 0 ? t["admin_templates.languages." + form.SentLanguage] : "",
            ["base_path"] = basePath,
            ["preview_language"] = previewLanguage,
            ["preview_version"] = version,
            ["preview_version_label"] = version == "builtin" ? t["admin_templates.builtin_version"] : version,
            ["languages"] = Translations.Languages.Select(l => new ScriptObject
            {
                ["code"] = l,
                ["name"] = t["admin_templates.languages." + l],
                ["current"] = l == previewLanguage,
                ["url"] = basePath + "?preview=" + l + (version.Length > 0 ? "&version=" + version : "") + "#preview",
            }).ToList(),
            ["frame_url"] = basePath + "/preview" + previewQuery,
            ["has_preview"] = preview is not null,
            ["preview_problems"] = previewProblems.Select(x => Problem(x, t)).ToList(),
            ["subject"] = preview?.Subject ?? "",
            ["text_body"] = preview?.Text ?? "",
            ["history"] = document.History.Select(v => new ScriptObject
            {
                ["id"] = v.Id,
                ["saved"] = Time(v.SavedAt),
                ["saved_by"] = v.SavedBy ?? "",
                ["replaced"] = Time(v.ReplacedAt),
                ["replaced_by"] = v.ReplacedBy ?? "",
                ["bytes"] = v.Bytes.ToString("N0", CultureInfo.InvariantCulture),
                ["preview_url"] = basePath + "?version=" + v.Id + "#preview",
                ["rollback_url"] = basePath + "?rollback=" + v.Id + "#confirm",
            }).ToList(),
            ["builtin_preview_url"] = entry.BuiltIn && entry.Overridden ? basePath + "?version=builtin#preview" : "",
            ["confirm_rollback"] = document.History.Any(v => v.Id == rollback) && !HttpMethods.IsPost(request.Http.Method) ? rollback : form.Version,
            ["confirm_remove"] = query["remove"] == "1" && entry.Overridden && !HttpMethods.IsPost(request.Http.Method),
            ["limit"] = SendTestLimit.PerHour,
        };
        return renderer.Page(request, "admin_templates.edit.title", "admin-templates-edit.html.sbn", model, status);
    }

    private async Task<IResult> ListPageAsync(ConsoleRequest request, string partial, int status, CancellationToken ct)
    {
        var t = Translations.For(request.Language);
        var entries = await workbench.ListAsync(ct);
        var model = new ScriptObject
        {
            ["templates"] = entries.Select(e => new ScriptObject
            {
                ["name"] = e.Name,
                ["what_key"] = "admin_templates.what." + What(e.Name),
                ["status_key"] = "admin_templates.status." + Status(e),
                ["status_class"] = e.Overridden ? e.InUse ? "ok" : "bad" : "",
                ["saved"] = e.SavedAt is { } at ? Time(at) : "",
                ["saved_by"] = e.SavedBy ?? "",
                ["problem"] = e.Problems.FirstOrDefault() is { } first ? Where(first, t) + first.Message : "",
                ["url"] = "/api/console/templates/" + e.Name,
                ["previews"] = Translations.Languages.Select(l => new ScriptObject
                {
                    ["name"] = t["admin_templates.languages." + l],
                    ["url"] = $"/api/console/templates/{e.Name}?preview={l}#preview",
                }).ToList(),
            }).ToList(),
            ["partial"] = partial,
            ["partial_invalid"] = status == StatusCodes.Status422UnprocessableEntity,
        };
        return renderer.Page(request, "admin_templates.list.title", "admin-templates.html.sbn", model, status);
    }

    private Task<IResult> NotFoundAsync(ConsoleRequest request, CancellationToken ct)
        => Task.FromResult(renderer.Page(request, "admin_templates.not_found.title", "console-message.html.sbn", new ScriptObject
        {
            ["message_key"] = "admin_templates.not_found.message",
            ["detail"] = "",
            ["sign_in_url"] = "",
        }, StatusCodes.Status404NotFound));

    private static string LanguageOf(string? language)
        => Translations.Languages.Contains(language ?? "") ? language! : "en";

    private static string Status(TemplateEntry entry)
        => !entry.Overridden ? "builtin" : !entry.InUse ? "rejected" : entry.BuiltIn ? "overridden" : "added";

    /// <summary>The key of what a template is for (digest.html.sbn → layout_html); an added partial is "partial".</summary>
    private static string What(string name)
        => name switch
        {
            "digest.html.sbn" => "layout_html",
            "digest.txt.sbn" => "layout_text",
            "digest.subject.sbn" => "subject",
            "digest-header.html.sbn" => "header",
            "digest-article.html.sbn" => "article_html",
            "digest-article.txt.sbn" => "article_text",
            "digest-footer.html.sbn" => "footer",
            _ => "partial",
        };

    private static ScriptObject Problem(Digests.TemplateOverrideProblem problem, Translation t) => new()
    {
        ["where"] = Where(problem, t),
        ["message"] = problem.Message,
        ["stage"] = t["admin_templates.stages." + problem.Stage],
    };

    /// <summary>"digest.html.sbn, line 3, column 7, in Russian: " (whichever parts the problem has).</summary>
    private static string Where(Digests.TemplateOverrideProblem problem, Translation t)
    {
        var parts = new List<string>();
        if (problem.Template is { } template) parts.Add(template);
        if (problem.Line is { } line)
            parts.Add(t["admin_templates.line"].Replace("{line}", line.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{column}", (problem.Column ?? 0).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        if (problem.Language is { } language) parts.Add(t["admin_templates.in_language." + language]);
        return parts.Count == 0 ? "" : string.Join(", ", parts) + t["admin_templates.colon"];
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console templates: {Template} {Change}")]
    private partial void LogChanged(string change, string template);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console templates: a test of {Template} in {Language} went to the signed-in admin")]
    private partial void LogTestSent(string template, string language);
}
