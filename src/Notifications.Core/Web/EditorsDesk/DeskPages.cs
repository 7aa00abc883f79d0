using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Localization;
using Notifications.Pipeline;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The editors' desk (Editor role; Admin includes it), every route through <see cref="ConsoleGate"/>: the articles list
/// (<c>console/articles</c>), write/paste/upload with the checks at once, the three-language preview and the actions
/// (<c>console/articles/write</c>: check, preview, send a test, save as draft, publish now or at a date, correct), the
/// withdrawal with its confirmation (<c>console/articles/withdraw</c>) and the result page after each of them
/// (<c>console/articles/result</c>), over <see cref="ArticleDesk"/>. Blob names contain slashes: they travel as <c>?name=</c>
/// (or the form's <c>name</c>). A state-changing POST answers 303 to the result page, so reloading it posts nothing again.
/// </summary>
public sealed class DeskPages(ConsoleGate gate, ConsoleRenderer renderer, ArticleDesk desk, ArticlePages pages, ArticleIndex index,
    TopicCatalog catalog, IOptions<ArticleOptions> options, TimeProvider time, ILogger<DeskPages> logger, ArticleParser parser)
{
    public const string ListPath = "/api/console/articles";
    public const string WritePath = "/api/console/articles/write";
    public const string WithdrawPath = "/api/console/articles/withdraw";
    public const string ResultPath = "/api/console/articles/result";

    /// <summary>The longest blob name the desk takes from outside (Azure's limit is 1024).</summary>
    public const int MaxNameLength = 1024;

    /// <summary>The write form's cap: the largest article file, and room for the fields around it.</summary>
    public int WriteMaxBytes => options.Value.MaxBytes * 2 + ConsoleGate.FormMaxBytes;

    /// <summary>GET <c>console/articles</c>: the list, filtered by the GET form.</summary>
    public async Task<IResult> ListAsync(HttpRequest http, CancellationToken ct)
    {
        var (request, refusal) = await gate.EnterAsync(http, ConsoleRole.Editor, ct);
        if (request is null) return refusal!;
        var all = await index.ListAsync(ct: ct);
        var trails = await desk.TrailsAsync(ct);
        var model = DeskArticleList.Model(all, trails, DeskArticleList.Filter.From(http.Query, catalog), catalog, request.Language, time.GetUtcNow());
        return renderer.Page(request, "desk.list.title", "desk-list.html.sbn", model);
    }

    /// <summary>
    /// GET <c>console/articles/write</c>: an empty form, or with <c>?name=</c> the stored article to correct. POST: the form's
    /// <c>action</c> (check when none: what the live check sends), always re-rendering what the editor typed unless it wrote.
    /// </summary>
    public async Task<IResult> WriteAsync(HttpRequest http, CancellationToken ct)
    {
        var (request, refusal) = await gate.EnterAsync(http, ConsoleRole.Editor, ct, WriteMaxBytes);
        if (request is null) return refusal!;
        if (request.Form is null) return await OpenAsync(request, ct);

        var form = DeskForm.Read(request, options.Value.MaxBytes, out var error);
        var name = ValidName(request.Field("name"));
        if (form.Editor.Length == 0 && request.User.Email is { } email) form = form with { Editor = email };
        var action = request.Field("action");
        if (action.Length == 0 && request.Field("preview_language").Length > 0) action = "preview";
        if (error is not null) return Write(request, form, name, null, error, StatusCodes.Status422UnprocessableEntity);
        if (Empty(form)) return Write(request, form, name, null, action.Length == 0 ? null : "desk.errors.empty", StatusCodes.Status422UnprocessableEntity);

        ArticleDraft draft;
        try
        {
            draft = Draft(form with { Draft = action == "draft" || (action is not ("publish" or "schedule") && form.Draft) }, name);
        }
        catch (ArticleFormException e)
        {
            var model = WriteModel(request, form, name, null, "desk.errors.field");
            model["error_detail"] = FormProblem(e, request.Language);
            model["invalid"] = e.Field;
            return renderer.Page(request, name is null ? "desk.write.title" : "desk.write.edit_title", "desk-write.html.sbn", model,
                StatusCodes.Status422UnprocessableEntity);
        }
        switch (action)
        {
            case "preview":
                return await PreviewAsync(request, form, name, draft, ct);
            case "test":
                return await SendTestAsync(request, form, name, draft, ct);
            case "draft":
            case "publish":
            case "schedule":
                if (action == "schedule" && !(DateTimeOffset.TryParse(form.Published, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    && at > time.GetUtcNow()))
                    return Write(request, form, name, await desk.CheckAsync(draft, ct), "desk.errors.schedule", StatusCodes.Status422UnprocessableEntity);
                if (name is null) draft = draft with { BlobName = await FreeNameAsync(draft.BlobName, ct) };
                var outcome = await desk.PublishAsync(draft, ct);
                logger.LogInformation("Desk: {Action} of {BlobName} by an editor: {Outcome}.", action, outcome.BlobName, outcome.Outcome);
                return ConsoleRenderer.SeeOther(ResultUrl(outcome));
            default:
                return Write(request, form, name, await desk.CheckAsync(draft, ct), null);
        }
    }

    /// <summary>GET <c>console/articles/withdraw?name=</c>: the confirmation; POST: withdraws, then 303 to the result.</summary>
    public async Task<IResult> WithdrawAsync(HttpRequest http, CancellationToken ct)
    {
        var (request, refusal) = await gate.EnterAsync(http, ConsoleRole.Editor, ct);
        if (request is null) return refusal!;
        var name = ValidName(request.Form is null ? http.Query["name"].ToString() : request.Field("name"));
        var row = name is null ? null : await index.GetAsync(name, ct);
        if (name is null || row is null)
            return renderer.Page(request, "desk.missing.title", "desk-missing.html.sbn", new ScriptObject { ["name"] = name ?? "" },
                StatusCodes.Status404NotFound);
        if (request.Form is null)
            return renderer.Page(request, "desk.withdraw.title", "desk-withdraw.html.sbn", new ScriptObject
            {
                ["name"] = name,
                ["article_title"] = row.Value.Article.Title,
                ["status"] = DeskArticleList.StatusOf(row.Value.Article, time.GetUtcNow()),
            });
        var outcome = await desk.WithdrawAsync(name, ct);
        logger.LogInformation("Desk: withdrawal of {BlobName} by an editor: {Outcome}.", outcome.BlobName, outcome.Outcome);
        return ConsoleRenderer.SeeOther(ResultUrl(outcome));
    }

    /// <summary>GET <c>console/articles/result?name=…</c>: what publishing, saving or withdrawing did (after the 303).</summary>
    public async Task<IResult> ResultAsync(HttpRequest http, CancellationToken ct)
    {
        var (request, refusal) = await gate.EnterAsync(http, ConsoleRole.Editor, ct);
        if (request is null) return refusal!;
        var query = http.Query;
        if (ValidName(query["name"].ToString()) is not { } name)
            return renderer.Page(request, "desk.missing.title", "desk-missing.html.sbn", new ScriptObject { ["name"] = "" }, StatusCodes.Status404NotFound);
        var outcome = Enum.TryParse<IngestOutcome>(query["outcome"], out var o) && Enum.IsDefined(o) ? o.ToString().ToLowerInvariant() : "";
        int? recipients = int.TryParse(query["alert"], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;
        DateTimeOffset? waits = long.TryParse(query["waits"], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && w < DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds(w) : null;
        var row = await index.GetAsync(name, ct);
        var model = DeskModels.Outcome(name, outcome, row?.Article, recipients, query["correction"] == "1", query["mailed"] == "1", time.GetUtcNow(),
            request.Language, waits);
        return renderer.Page(request, "desk.result.title", "desk-result.html.sbn", model);
    }

    private async Task<IResult> OpenAsync(ConsoleRequest request, CancellationToken ct)
    {
        var asked = request.Http.Query["name"].ToString();
        if (asked.Length == 0) return Write(request, new ArticleForm(Editor: request.User.Email ?? ""), null, null, null);
        if (ValidName(asked) is not { } name || await desk.OpenAsync(name, ct) is not { } stored)
            return renderer.Page(request, "desk.missing.title", "desk-missing.html.sbn",
                new ScriptObject { ["name"] = asked.Length > MaxNameLength ? "" : asked },
                StatusCodes.Status404NotFound);
        var form = ArticleFile.Read(stored.BlobName, stored.Content) with { Resend = false };
        return Write(request, form, stored.BlobName, await desk.CheckAsync(stored, ct), null);
    }

    private async Task<IResult> PreviewAsync(ConsoleRequest request, ArticleForm form, string? name, ArticleDraft draft, CancellationToken ct)
    {
        var check = await desk.CheckAsync(draft, ct);
        if (check.Article is null) return Write(request, form, name, check, "desk.errors.rejected_preview", StatusCodes.Status422UnprocessableEntity);
        var previews = await desk.PreviewAsync(draft, ct);
        var translations = check.Article.TranslationKey is { } key
            ? (await index.ListAsync(ArticleStatus.Accepted, ct)).Where(a => a.TranslationKey == key && a.BlobName != check.Article.BlobName).ToList()
            : [];
        var model = WriteModel(request, form, name, check, null);
        var shown = Localization.Translations.Languages.Contains(request.Field("preview_language")) ? request.Field("preview_language") : request.Language;
        model.Import(DeskModels.Preview(previews, shown, pages.Render(check.Article, check.BodyHtml, translations), check.Article));
        return renderer.Page(request, "desk.preview.title", "desk-preview.html.sbn", model);
    }

    private async Task<IResult> SendTestAsync(ConsoleRequest request, ArticleForm form, string? name, ArticleDraft draft, CancellationToken ct)
    {
        var check = await desk.CheckAsync(draft, ct);
        if (request.User.Email is not { } to) return Write(request, form, name, check, "desk.errors.no_address", StatusCodes.Status422UnprocessableEntity);
        if (check.Article is null) return Write(request, form, name, check, "desk.errors.rejected_test", StatusCodes.Status422UnprocessableEntity);
        var language = Localization.Translations.Languages.Contains(request.Field("test_language")) ? request.Field("test_language") : request.Language;
        var alert = request.Field("test_kind") != "digest";
        try
        {
            await desk.SendTestAsync(draft, alert, language, to, ct);
        }
        catch (SendTestLimitException)
        {
            return Write(request, form, name, check, "desk.errors.test_limit", StatusCodes.Status429TooManyRequests);
        }
        logger.LogInformation("Desk: a test {Kind} in {Language} of {BlobName} went to the signed-in editor.", alert ? "alert" : "digest", language,
            draft.BlobName);
        var model = WriteModel(request, form, name, check, null);
        model["sent_to"] = to;
        model["sent_kind"] = alert ? "alert" : "digest";
        model["sent_language"] = language;
        return renderer.Page(request, "desk.write.title", "desk-write.html.sbn", model);
    }

    private IResult Write(ConsoleRequest request, ArticleForm form, string? name, DraftCheck? check, string? error, int status = StatusCodes.Status200OK)
        => renderer.Page(request, name is null ? "desk.write.title" : "desk.write.edit_title", "desk-write.html.sbn",
            WriteModel(request, form, name, check, error), status);

    private ScriptObject WriteModel(ConsoleRequest request, ArticleForm form, string? name, DraftCheck? check, string? error)
    {
        var model = DeskForm.Model(form, name, catalog, request.Language);
        model["error"] = error ?? "";
        model["error_detail"] = "";
        model["invalid"] = error switch
        {
            "desk.errors.published" or "desk.errors.schedule" => "published",
            "desk.errors.upload_type" => "file",
            _ => "",
        };
        model["max_kb"] = options.Value.MaxBytes / 1024;
        model["has_address"] = request.User.Email is not null;
        model["address"] = request.User.Email ?? "";
        model["editing"] = name is not null;
        model["name_query"] = name is null ? "" : Uri.EscapeDataString(name);
        model["sent_to"] = "";
        model["test_language"] = request.Language;
        model.Import(check is null ? new ScriptObject { ["checked"] = false } : DeskModels.Check(check, request.Language));
        return model;
    }

    private ArticleDraft Draft(ArticleForm form, string? name)
    {
        var (content, extension) = ArticleFile.Compose(form);
        return new ArticleDraft(name ?? NewName(form, content, extension), content);
    }

    /// <summary>
    /// A new article's name from its title and language; from the ones the pipeline reads in the file when the editor typed none
    /// (a pasted page names itself by its headline and detected language), with the extension of the file as composed.
    /// </summary>
    private string NewName(ArticleForm form, byte[] content, string extension)
    {
        var naming = form;
        if (form.Slug.Length == 0 && (form.Title.Length == 0 || form.Language.Length == 0))
        {
            try
            {
                var parsed = parser.Parse("draft" + extension, content);
                naming = form with
                {
                    Title = form.Title.Length > 0 ? form.Title : parsed.Title,
                    Language = form.Language.Length > 0 ? form.Language : parsed.Language,
                };
            }
            catch (ArticleRejectedException)
            {
                // The check shows why; the name falls back to the body's first line.
            }
        }
        return Path.ChangeExtension(ArticleFile.NameFor(naming, time.GetUtcNow()), extension);
    }

    /// <summary>
    /// <paramref name="proposed"/>, or the first of <c>slug-2.en.md</c>, <c>slug-3.en.md</c>, … that no article has: a new
    /// article never overwrites another one that happens to have the same title (that would be a correction of the wrong article).
    /// </summary>
    private async Task<string> FreeNameAsync(string proposed, CancellationToken ct)
    {
        var slash = proposed.LastIndexOf('/');
        var dot = proposed.IndexOf('.', slash + 1);
        var (stem, rest) = dot > 0 ? (proposed[..dot], proposed[dot..]) : (proposed, "");
        var candidate = proposed;
        for (var n = 2; await index.GetAsync(candidate, ct) is not null; n++)
            candidate = $"{stem}-{n.ToString(CultureInfo.InvariantCulture)}{rest}";
        return candidate;
    }

    /// <summary>What is wrong with one field, in the editor's language (the exception's own message is English, for the CLI and logs).</summary>
    private static string FormProblem(ArticleFormException e, string language)
    {
        var words = Translations.For(language);
        if (e.Line is { } line)
            return words["desk.errors.session_line"].Replace("{line}", line, StringComparison.Ordinal);
        var label = words.TryGet($"desk.write.{e.Field}_label", out var text) ? text : e.Field;
        return words["desk.errors.line_break"].Replace("{field}", label, StringComparison.Ordinal);
    }

    private static bool Empty(ArticleForm form) => form.Title.Length == 0 && form.Body.Trim().Length == 0;

    private static string? ValidName(string name)
        => name.Length is > 0 and <= MaxNameLength && !name.Contains("..", StringComparison.Ordinal) && !name.StartsWith('/')
            && !name.Any(char.IsControl) ? name : null;

    private static string ResultUrl(PublicationOutcome outcome)
    {
        var url = $"{ResultPath}?name={Uri.EscapeDataString(outcome.BlobName)}&outcome={outcome.Outcome}";
        if (outcome.AlertRecipients is { } n) url += "&alert=" + n.ToString(CultureInfo.InvariantCulture);
        if (outcome.AlertWaitsUntil is { } waits) url += "&waits=" + waits.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (outcome.Correction) url += "&correction=1";
        if (outcome.MailedAgain) url += "&mailed=1";
        return url;
    }
}
