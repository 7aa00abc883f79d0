using System.Globalization;
using Notifications.Delivery;
using Notifications.Localization;
using Notifications.Pipeline;
using Notifications.Subscribers;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The dashboard's template model: every figure already written as the reader's language writes it (rates as percentages, "not
/// tracked" for opens and clicks that are not tracked, times in UTC), the charts' geometry (<see cref="BarChart"/>) and their data tables.
/// </summary>
public static class DashboardModel
{
    public static ScriptObject For(DashboardReport report, string language)
    {
        var t = Translations.For(language);
        var culture = CultureInfo.GetCultureInfo(language);
        var attention = report.Attention;
        var spikes = attention.Spikes.Select(s => new ScriptObject
        {
            ["label"] = t["dashboard.attention.spike_" + s.Status.ToString().ToLowerInvariant()],
            ["last_day"] = s.LastDay,
            ["usual"] = s.UsualPerDay.ToString("0.#", culture),
            ["spike"] = s.IsSpike,
        }).ToList();
        var dueTotal = report.Due.Sum(h => h.Total);
        return new ScriptObject
        {
            ["at"] = Time(report.At),
            ["any_attention"] = attention.Any,
            ["paused"] = attention.Paused.Select(p => new ScriptObject
            {
                ["run"] = p.RunId,
                ["since"] = Time(p.PausedAt),
                ["failures"] = p.ConsecutiveFailures,
                ["recipients"] = p.RecipientCount,
                ["resume"] = "notify digest resume " + p.RunId,
            }).ToList(),
            ["batches"] = attention.Batches.Select(b => new ScriptObject
            {
                ["run"] = b.RunId,
                ["batch"] = b.BatchId,
                ["variant"] = b.Variant,
                ["status"] = t["dashboard.attention.batch_" + b.Status.ToString().ToLowerInvariant()],
                ["uncertain"] = b.Status == BatchStatus.Uncertain,
                ["attempts"] = b.Attempts,
                ["cause"] = b.Cause ?? t["dashboard.attention.no_cause"],
                ["at"] = Time(b.UpdatedAt),
            }).ToList(),
            ["poison"] = attention.Poison.Select(p => new ScriptObject
            {
                ["queue"] = p.Queue,
                ["messages"] = p.Messages,
                ["oldest"] = p.Oldest is { } o ? Time(o) : "",
            }).ToList(),
            ["poison_any"] = attention.Poison.Any(p => p.Messages > 0),
            ["spikes"] = spikes,
            ["due_total"] = dueTotal,
            ["due_summary"] = t.Plural("dashboard.due.summary", dueTotal).Replace("{count}", dueTotal.ToString("N0", culture), StringComparison.Ordinal),
            ["unknown_zones"] = report.UnknownZones,
            ["due"] = report.Due.Select(h => new ScriptObject
            {
                ["hour"] = Time(h.Hour),
                ["daily"] = h.Daily,
                ["weekly"] = h.Weekly,
                ["total"] = h.Total,
            }).ToList(),
            ["due_chart"] = Chart("due-chart", t["dashboard.due.chart_title"], Describe(t, "dashboard.due.chart_desc", dueTotal,
                    report.Due.MaxBy(h => h.Total) is { Total: > 0 } peak ? peak.Hour.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture) : "—"),
                BarChart.Layout(report.Due.Select(h => new ChartColumn(h.Hour.UtcDateTime.ToString("HH", CultureInfo.InvariantCulture), h.Total)).ToList()),
                t, diverging: false),
            ["runs"] = report.Runs.Select(r => Run(r, t, culture)).ToList(),
            ["statuses"] = report.Subscribers.Select(kv => new ScriptObject
            {
                ["label"] = t["dashboard.subscribers.status_" + kv.Key.ToString().ToLowerInvariant()],
                ["count"] = kv.Value.ToString("N0", culture),
            }).ToList(),
            ["growth"] = report.Growth.Select(w => new ScriptObject
            {
                ["week"] = Week(w.Monday, culture),
                ["joined"] = w.Joined,
                ["unsubscribed"] = w.Unsubscribed,
                ["bounced"] = w.Bounced,
                ["complained"] = w.Complained,
                ["left"] = w.Left,
                ["subscribed"] = w.Subscribed.ToString("N0", culture),
            }).ToList(),
            ["growth_chart"] = Chart("growth-chart", t["dashboard.subscribers.churn_title"],
                Describe(t, "dashboard.subscribers.churn_desc", report.Growth.Sum(w => w.Joined), report.Growth.Sum(w => w.Left).ToString(culture)),
                BarChart.Layout(report.Growth.Select(w => new ChartColumn(Week(w.Monday, culture), w.Joined, w.Left)).ToList()), t, diverging: true),
            ["total_chart"] = Chart("total-chart", t["dashboard.subscribers.total_title"],
                Describe(t, "dashboard.subscribers.total_desc", report.Growth.Count == 0 ? 0 : report.Growth[^1].Subscribed,
                    report.Growth.Count == 0 ? "0" : report.Growth[0].Subscribed.ToString("N0", culture)),
                BarChart.Layout(report.Growth.Select(w => new ChartColumn(Week(w.Monday, culture), Math.Max(0, w.Subscribed))).ToList()), t,
                diverging: false),
        };
    }

    private static ScriptObject Run(RunSummary r, Translation t, CultureInfo culture)
    {
        var f = r.Figures;
        return new ScriptObject
        {
            ["run"] = r.RunId,
            ["status"] = t.TryGet("dashboard.runs.status_" + r.Status.ToString().ToLowerInvariant(), out var status)
                ? status
                : r.Status.ToString().ToLowerInvariant(),
            ["paused"] = r.Status == Digests.DigestRunStatus.Paused,
            ["at"] = Time(r.UpdatedAt),
            ["articles"] = r.ArticleCount,
            ["recipients"] = f.Recipients.ToString("N0", culture),
            ["delivered"] = Rate(f, f.Delivered, t, culture),
            ["bounced"] = Rate(f, f.Bounced, t, culture),
            ["complained"] = Rate(f, f.Complained, t, culture),
            ["opened"] = Rate(f, f.Opened, t, culture),
            ["clicked"] = Rate(f, f.Clicked, t, culture),
            ["problems"] = r.BatchesFailed + r.BatchesUncertain,
            ["failed"] = r.BatchesFailed,
            ["uncertain_batches"] = r.BatchesUncertain,
        };
    }

    /// <summary>"12.5 % (25)"; "not tracked" when the count is not tracked; "—" when nobody was sent anything.</summary>
    public static string Rate(RunFigures figures, long? count, Translation t, CultureInfo culture)
    {
        if (count is null) return t["dashboard.runs.not_tracked"];
        return figures.RateOf(count) is { } rate
            ? rate.ToString("P1", culture) + " (" + count.Value.ToString("N0", culture) + ")"
            : "—";
    }

    private static ScriptObject Chart(string id, string title, string description, BarChart chart, Translation t, bool diverging)
    {
        static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        return new ScriptObject
        {
            ["id"] = id,
            ["title"] = title,
            ["desc"] = description,
            ["diverging"] = diverging,
            ["width"] = chart.Width,
            ["height"] = chart.Height,
            ["axis"] = N(chart.AxisY),
            ["left"] = N(chart.PlotLeft),
            ["right"] = N(chart.PlotRight),
            ["tick_x"] = N(chart.PlotLeft - 4),
            ["label_y"] = N(chart.Height - 6),
            ["bars"] = chart.Bars.Select(b => new ScriptObject
            {
                ["x"] = N(b.X), ["y"] = N(b.Y), ["w"] = N(b.Width), ["h"] = N(b.Height), ["down"] = b.Down,
            }).ToList(),
            ["ticks"] = chart.Ticks.Select(k => new ScriptObject { ["y"] = N(k.Y), ["text_y"] = N(k.Y + 4), ["label"] = k.Label }).ToList(),
            ["labels"] = chart.Labels.Select(l => new ScriptObject { ["x"] = N(l.X), ["text"] = l.Text }).ToList(),
            ["up_name"] = diverging ? t["dashboard.subscribers.legend_joined"] : "",
            ["down_name"] = diverging ? t["dashboard.subscribers.legend_left"] : "",
        };
    }

    private static string Describe(Translation t, string key, int count, string detail)
        => t.Plural(key, count).Replace("{count}", count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{detail}", detail, StringComparison.Ordinal);

    private static string Week(DateOnly monday, CultureInfo culture) => monday.ToString("d MMM", culture);

    private static string Time(DateTimeOffset at) => DeskTime.Format(at);
}
