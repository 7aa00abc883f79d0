using System.Globalization;
using Notifications.Delivery;
using Notifications.Localization;
using Notifications.Pipeline;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>The runs archive's template models: figures as counts with rates, "not tracked" instead of zero.</summary>
internal static class RunsModels
{
    public static ScriptObject Row(RunSummary r, Translation t) => new()
    {
        ["id"] = r.RunId,
        ["status"] = t["admin_runs.statuses." + r.Status.ToString().ToLowerInvariant()],
        ["status_class"] = StatusClass(r.Status),
        ["updated"] = r.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        ["window"] = $"{r.WindowStart.UtcDateTime:yyyy-MM-dd HH:mm} – {r.WindowEnd.UtcDateTime:yyyy-MM-dd HH:mm}",
        ["articles"] = r.ArticleCount,
        ["recipients"] = r.RecipientCount,
        ["batches"] = r.BatchCount,
        ["sent"] = r.BatchesSent,
        ["failed"] = r.BatchesFailed,
        ["uncertain"] = r.BatchesUncertain,
        ["figures"] = Figures(r.Figures, t),
    };

    public static ScriptObject Figures(RunFigures f, Translation t) => new()
    {
        ["recipients"] = f.Recipients,
        ["delivered"] = Figure(f, f.Delivered, t),
        ["bounced"] = Figure(f, f.Bounced, t),
        ["complained"] = Figure(f, f.Complained, t),
        ["opened"] = Figure(f, f.Opened, t),
        ["clicked"] = Figure(f, f.Clicked, t),
    };

    /// <summary>"12 (40.0 %)", "12" without recipients, or "not tracked".</summary>
    public static string Figure(RunFigures f, long? count, Translation t)
    {
        if (count is not { } n) return t["admin_runs.not_tracked"];
        var culture = CultureInfo.GetCultureInfo(t.Language);
        return f.RateOf(n) is { } rate ? $"{n.ToString(culture)} ({rate.ToString("P1", culture)})" : n.ToString(culture);
    }

    public static string StatusClass(Digests.DigestRunStatus status) => status switch
    {
        Digests.DigestRunStatus.Completed => "ok",
        Digests.DigestRunStatus.Paused => "bad",
        Digests.DigestRunStatus.Cancelled => "draft",
        _ => "held",
    };

    public static ScriptObject Detail(RunDetail d, Translation t)
    {
        var model = Row(d.Summary, t);
        model["can_resume"] = d.CanResume;
        model["can_resend"] = d.CanResendUncertain;
        model["can_cancel"] = d.CanCancel;
        model["run_articles"] = d.Articles.Select(a => new ScriptObject
        {
            ["title"] = a.Title, ["language"] = a.Language, ["link"] = a.Link,
            ["clicks"] = a.Clicks is { } c ? c.ToString(CultureInfo.InvariantCulture) : t["admin_runs.not_tracked"],
        }).ToList();
        model["variants"] = d.Variants.Select(v => new ScriptObject
        {
            ["id"] = v.Id, ["language"] = v.Language, ["batches"] = v.Batches, ["sent"] = v.Sent, ["failed"] = v.Failed,
            ["uncertain"] = v.Uncertain, ["cancelled"] = v.Cancelled, ["figures"] = Figures(v.Figures, t),
        }).ToList();
        model["problems"] = d.Problems.Select(b => new ScriptObject
        {
            ["id"] = b.BatchId, ["variant"] = b.Variant, ["recipients"] = b.RecipientIds.Count,
            ["status"] = t["admin_runs.batch_statuses." + b.Status.ToString().ToLowerInvariant()],
            ["bad"] = b.Status is BatchStatus.Failed or BatchStatus.Uncertain,
            ["cause"] = b.Error ?? "",
        }).ToList();
        model["uncertain_batches"] = d.Uncertain.Select(u => new ScriptObject
        {
            ["id"] = u.BatchId, ["recipients"] = u.Recipients, ["explanation"] = u.Explanation,
        }).ToList();
        model["links"] = d.Links.Select(l => new ScriptObject { ["link"] = l.Link, ["clicks"] = l.Clicks, ["article"] = l.ArticleTitle ?? "" }).ToList();
        return model;
    }
}
