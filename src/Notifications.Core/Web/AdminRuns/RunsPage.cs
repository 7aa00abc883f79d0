using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Notifications.Digests;
using Notifications.Localization;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The runs archive (<c>/api/console/runs</c>, Admin role): every run with its figures and rates; one run
/// (<c>/api/console/runs/{run}</c>) with its articles, variants, batches, per-article clicks and actions (resume, resend uncertain
/// after review, cancel a planned run); its rendered digests (<c>/api/console/runs/{run}/digest/{variant}</c>); and starting a run
/// for a time, with the far-from-now guard. CLI twin: <c>notify digest status --since</c>, <c>resume</c>, <c>cancel</c>, <c>run --at</c>.
/// Every action is a POST with the anti-forgery token and a confirmation step served by the page itself (no script needed).
/// </summary>
public sealed partial class RunsPage(
    ConsoleGate gate,
    ConsoleRenderer renderer,
    RunArchive archive,
    RunDetails details,
    DigestRunner runner,
    RunCancellation cancellation,
    RunTimeGuard guard,
    DigestArchive digests,
    ILogger<RunsPage> logger)
{
    public const int PageSize = 25;
    private const int MaxFormBytes = 16 * 1024;

    public async Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct, MaxFormBytes);
        if (entered is null) return refusal!;
        var t = Translations.For(entered.Language);
        var model = new ScriptObject { ["frequency"] = "daily", ["at"] = "", ["error"] = "", ["confirm_text"] = "" };
        if (HttpMethods.IsPost(request.Method))
        {
            var frequency = entered.Field("frequency");
            var atText = entered.Field("at");
            model["frequency"] = frequency;
            model["at"] = atText;
            DateTimeOffset? at = null;
            if (frequency is not ("daily" or "weekly"))
                model["error"] = t["admin_runs.run_form.bad_frequency"];
            else if (atText.Length > 0)
            {
                if (DateTime.TryParseExact(atText, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
                    at = new DateTimeOffset(parsed, TimeSpan.Zero);
                else
                    model["error"] = t["admin_runs.run_form.bad_at"];
            }
            if (model["error"] is "")
            {
                if (guard.Check(at) is { } far && entered.Field("confirm") != "yes")
                {
                    model["confirm_text"] = t["admin_runs.run_form.far"]
                        .Replace("{at}", far.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), StringComparison.Ordinal)
                        .Replace("{hours}", Math.Round(far.Distance.TotalHours, 1).ToString(CultureInfo.GetCultureInfo(t.Language)), StringComparison.Ordinal);
                }
                else
                {
                    var result = await runner.RunAsync(DigestPeriod.ParseFrequency(frequency), at, ct);
                    LogStarted(result.RunId, at);
                    return ConsoleRenderer.SeeOther("/api/console/runs/" + Uri.EscapeDataString(result.RunId));
                }
            }
        }
        var page = int.TryParse(request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 1;
        DateTimeOffset? since = DateTime.TryParseExact(request.Query["since"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var s) ? new DateTimeOffset(s, TimeSpan.Zero) : null;
        var runs = await archive.PageAsync(since, page, PageSize, ct);
        model["runs"] = runs.Runs.Select(r => RunsModels.Row(r, t)).ToList();
        model["total"] = runs.Total;
        model["page"] = runs.Page;
        model["pages"] = runs.Pages;
        model["since"] = since?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        model["since_query"] = since is null ? "" : "&since=" + since.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        model["previous"] = runs.Page > 1 ? runs.Page - 1 : 0;
        model["next"] = runs.Page < runs.Pages ? runs.Page + 1 : 0;
        return renderer.Page(entered, "admin_runs.title", "admin-runs.html.sbn", model,
            model["error"] is "" ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public async Task<IResult> ShowAsync(HttpRequest request, string run, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct, MaxFormBytes);
        if (entered is null) return refusal!;
        var t = Translations.For(entered.Language);
        if (await details.GetAsync(run, ct) is not { } detail)
            return renderer.Refused(request, entered.User, entered.Language, StatusCodes.Status404NotFound, "admin_runs.not_found", run);
        var model = RunsModels.Detail(detail, t);
        model["done"] = request.Query["done"].ToString() is "resume" or "resend" or "cancel" ? request.Query["done"].ToString() : "";
        model["confirm"] = "";
        model["error"] = "";
        if (HttpMethods.IsPost(request.Method))
        {
            var action = entered.Field("action");
            var allowed = action switch
            {
                "resume" => detail.CanResume,
                "resend" => detail.CanResendUncertain,
                "cancel" => detail.CanCancel,
                _ => false,
            };
            if (!allowed)
            {
                model["error"] = t["admin_runs.action_not_possible"];
                return renderer.Page(entered, "admin_runs.run_title", "admin-runs-run.html.sbn", model, StatusCodes.Status409Conflict);
            }
            if (entered.Field("confirm") != "yes")
            {
                model["confirm"] = action;
                return renderer.Page(entered, "admin_runs.run_title", "admin-runs-run.html.sbn", model);
            }
            try
            {
                if (action == "cancel")
                    await cancellation.CancelAsync(detail.Summary.RunId, ct);
                else
                    await runner.ResumeAsync(detail.Summary.RunId, resendUncertain: action == "resend", ct);
            }
            catch (InvalidOperationException e)
            {
                model["error"] = e.Message;
                return renderer.Page(entered, "admin_runs.run_title", "admin-runs-run.html.sbn", model, StatusCodes.Status409Conflict);
            }
            LogAction(action, detail.Summary.RunId);
            return ConsoleRenderer.SeeOther($"/api/console/runs/{Uri.EscapeDataString(detail.Summary.RunId)}?done={action}");
        }
        return renderer.Page(entered, "admin_runs.run_title", "admin-runs-run.html.sbn", model);
    }

    public async Task<IResult> DigestAsync(HttpRequest request, string run, string variant, CancellationToken ct)
    {
        var (entered, refusal) = await gate.EnterAsync(request, ConsoleRole.Admin, ct);
        if (entered is null) return refusal!;
        var known = variant.Length is > 0 and <= 80 && variant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? await archive.FindAsync(run, ct) : null;
        if (known is null || await digests.LoadAsync(known.RunId, variant, ct) is not { } digest)
            return renderer.Refused(request, entered.User, entered.Language, StatusCodes.Status404NotFound, "admin_runs.digest_not_found",
                $"{run}/{variant}");
        return new HtmlResult(StatusCodes.Status200OK, digest.Html, entered.Language, headers =>
        {
            // The mail as it was sent, sandboxed: no script, no form, nothing from elsewhere but images.
            headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'self'";
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cache-Control"] = "no-store";
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console: run {RunId} started by hand for {At}")]
    private partial void LogStarted(string runId, DateTimeOffset? at);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console: {Action} on run {RunId}")]
    private partial void LogAction(string action, string runId);
}
