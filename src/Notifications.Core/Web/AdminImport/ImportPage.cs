using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Notifications.Localization;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// CSV import (<c>/api/console/import</c>, Admin role). GET: the upload form. POST <c>action=preview</c> (multipart, the file and
/// whether to overwrite self-chosen preferences): the file is kept for an hour (<see cref="ImportUploads"/>) and every row is shown as
/// the import would treat it (<see cref="SubscriberCsv.ImportAsync"/> as a dry run); nothing is written. POST <c>action=apply</c>
/// (the upload's id and the SHA-256 the preview showed): the same bytes are imported, the result kept for a day, and the browser sent
/// to <c>?result=&lt;id&gt;</c>; the result as CSV at <c>/api/console/import/result?id=</c>.
/// CLI twin: <c>notify subscribers import --dry-run --json</c>.
/// </summary>
public sealed partial class ImportPage(ConsoleGate gate, ConsoleRenderer renderer, SubscriberCsv csv, ImportUploads uploads, ILogger<ImportPage> logger)
{
    /// <summary>Rows shown in a preview or result page; the downloadable result lists all.</summary>
    public const int RowsShown = 1000;

    private const string Template = "admin-import.html.sbn";
    private const string Title = "admin_import.title";

    public async Task<IResult> ShowAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct, SubscriberCsv.MaxFileBytes + 64 * 1024);
        if (entered is null) return refusal!;
        var translation = Translations.For(entered.Language);
        var actor = ActorOf(entered);

        if (!HttpMethods.IsPost(request.Method))
        {
            if (request.Query["result"].ToString() is { Length: > 0 } resultId)
            {
                var stored = await uploads.ReadResultAsync(resultId, actor, ct);
                var model = stored is null ? new ScriptObject { ["gone"] = true } : Rows(stored, translation, translation["admin_import.result_title"]);
                model["mode"] = "result";
                model["gone"] = stored is null;
                model["result_id"] = resultId;
                return renderer.Page(entered, "admin_import.result_title", Template, model,
                    stored is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
            }
            return Form(entered, "", [], overwrite: false);
        }

        var overwrite = entered.Field("overwrite_self_chosen") == "true";
        if (entered.Field("action") == "apply")
            return await ApplyAsync(entered, actor, overwrite, translation, ct);

        if (entered.Form?.Files.GetFile("file") is not { Length: > 0 } file)
            return Form(entered, translation["admin_import.no_file"], [], overwrite, StatusCodes.Status400BadRequest);
        byte[] content;
        using (var buffer = new MemoryStream())
        {
            await file.CopyToAsync(buffer, ct);
            content = buffer.ToArray();
        }
        var report = await csv.ImportAsync(new MemoryStream(content), dryRun: true, actor, ct, overwriteSelfChosen: overwrite);
        if (report.Errors.Any(e => e.Row <= 1))
            return Form(entered, translation["admin_import.refused"], report.Errors.Where(e => e.Row <= 1).Select(e => e.Message).ToList(), overwrite,
                StatusCodes.Status422UnprocessableEntity);
        var upload = await uploads.SaveAsync(content, file.FileName, actor, ct);
        LogPreviewed(upload.Id, report.Rows);
        var preview = Rows(report, translation, translation["admin_import.preview_title"].Replace("{file}", upload.FileName, StringComparison.Ordinal));
        preview["mode"] = "preview";
        preview["file"] = upload.FileName;
        preview["upload_id"] = upload.Id;
        preview["sha256"] = upload.Sha256;
        preview["overwrite"] = overwrite;
        preview["writes"] = report.Created + report.Updated;
        return renderer.Page(entered, "admin_import.title", Template, preview);
    }

    /// <summary>GET <c>?id=</c>: the applied import's result as CSV, for the admin who ran it.</summary>
    public async Task<IResult> ResultAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        var report = await uploads.ReadResultAsync(request.Query["id"].ToString(), ActorOf(entered), ct);
        if (report is null)
        {
            var model = new ScriptObject { ["mode"] = "result", ["gone"] = true, ["result_id"] = "" };
            return renderer.Page(entered, "admin_import.result_title", Template, model, StatusCodes.Status404NotFound);
        }
        var bytes = await ImportResultCsv.WriteAsync(report, ct);
        ConsoleRenderer.ApplySecurityHeaders(request.HttpContext.Response.Headers);
        return TypedResults.File(bytes, "text/csv; charset=utf-8", "import-result.csv");
    }

    private async Task<IResult> ApplyAsync(ConsoleRequest entered, string actor, bool overwrite, Translation translation, CancellationToken ct)
    {
        var id = entered.Field("upload");
        if (await uploads.ReadAsync(id, entered.Field("sha256"), actor, ct) is not { } upload)
            return Form(entered, translation["admin_import.expired"], [], overwrite, StatusCodes.Status409Conflict);
        var report = await csv.ImportAsync(new MemoryStream(upload.Content), dryRun: false, actor, ct, overwriteSelfChosen: overwrite);
        await uploads.SaveResultAsync(id, report, actor, ct);
        await uploads.DeleteUploadAsync(id, ct);
        LogApplied(id, report.Created, report.Updated, report.Skipped);
        return ConsoleRenderer.SeeOther("/api/console/import?result=" + id);
    }

    private IResult Form(ConsoleRequest entered, string problem, IReadOnlyList<string> fileErrors, bool overwrite, int status = StatusCodes.Status200OK)
        => renderer.Page(entered, Title, Template, new ScriptObject
        {
            ["mode"] = "form",
            ["problem"] = problem,
            ["file_errors"] = fileErrors,
            ["overwrite"] = overwrite,
        }, status);

    /// <summary>The counts and the first <see cref="RowsShown"/> rows, each with its details in the reader's language.</summary>
    private static ScriptObject Rows(ImportReport report, Translation translation, string caption)
    {
        var refused = report.PreviewRows.Count(r => r.Outcome == ImportRowOutcome.Refused);
        var shown = report.PreviewRows.Take(RowsShown).Select(r => Row(r, translation)).ToList();
        return new ScriptObject
        {
            ["caption"] = caption,
            ["rows"] = report.Rows,
            ["total"] = report.Rows,
            ["created"] = report.Created,
            ["updated"] = report.Updated,
            ["unchanged"] = report.Unchanged,
            ["refused"] = refused,
            ["shown"] = shown.Count,
            ["preview_rows"] = shown,
        };
    }

    private static ScriptObject Row(ImportPreviewRow row, Translation translation)
    {
        var kind = row.Outcome.ToString().ToLowerInvariant();
        var details = new List<ScriptObject>();
        foreach (var c in row.Changes)
            details.Add(Detail(row.Outcome == ImportRowOutcome.New ? $"{c.Field}: {c.New}" : $"{c.Field}: {Shown(c.Old)} → {Shown(c.New)}", kept: false));
        foreach (var c in row.KeptSelfChosen)
            details.Add(Detail(translation["admin_import.kept"].Replace("{field}", c.Field, StringComparison.Ordinal)
                .Replace("{old}", Shown(c.Old), StringComparison.Ordinal).Replace("{new}", Shown(c.New), StringComparison.Ordinal), kept: true));
        foreach (var e in row.Errors)
            details.Add(Detail($"{e.Field}: {e.Message}", kept: false));
        return new ScriptObject
        {
            ["row"] = row.Row.ToString(CultureInfo.InvariantCulture),
            ["email"] = row.Email,
            ["kind"] = kind,
            ["outcome"] = translation["admin_import.outcomes." + kind],
            ["tag"] = row.Outcome switch
            {
                ImportRowOutcome.Refused => "bad",
                ImportRowOutcome.New => "ok",
                ImportRowOutcome.Changed => "held",
                _ => "",
            },
            ["details"] = details,
        };

        static ScriptObject Detail(string text, bool kept) => new() { ["text"] = text, ["kept"] = kept };
        static string Shown(string value) => value.Length > 0 ? value : "—";
    }

    /// <summary>The actor in the audit and the owner of uploads and results: the signed-in admin.</summary>
    private static string ActorOf(ConsoleRequest request) => "user:" + request.User.Name;

    [LoggerMessage(Level = LogLevel.Information, Message = "Console import {UploadId}: {Rows} rows previewed")]
    private partial void LogPreviewed(string uploadId, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console import {UploadId} applied: {Created} created, {Updated} updated, {Skipped} skipped")]
    private partial void LogApplied(string uploadId, int created, int updated, int skipped);
}
