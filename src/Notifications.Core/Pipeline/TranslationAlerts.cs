using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>What is due for one translation group now: the alert runs planned (or found planned), or when its alert will be due.</summary>
/// <param name="Runs">The group's alert run, and the alert runs of translations that came after it; each planned once.</param>
/// <param name="WaitsUntil">When the group's alert is due, while it waits for translations; null once it is planned.</param>
public sealed record GroupAlerts(IReadOnlyList<DigestRun> Runs, DateTimeOffset? WaitsUntil);

/// <summary>
/// The alerts of a translation group (an article and its translations): the group's alert waits
/// <see cref="ScheduleOptions.AlertGracePeriod"/> after its first file was accepted (or until its publication date, if later), then
/// goes to every reader in their own language, else the first accepted one (<see cref="DigestVariant.Select"/>). A translation
/// available only after that alert was planned gets an alert of its own (<see cref="DigestPeriod.LateTranslation"/>) to its
/// language's readers only; it never replaces another language. Called by the blob trigger's entry, the AlertDue queue trigger and
/// the hourly timer alike: run ids come from the group (and language), so calling again plans nothing twice.
/// </summary>
public sealed class TranslationAlerts(ArticleIndex articles, DigestRunStore runs, DigestRunner runner, IOptions<ScheduleOptions> schedule)
{
    /// <summary>Plans what is due for the group at <paramref name="now"/>, or says when its alert will be.</summary>
    public async Task<GroupAlerts> PlanDueAsync(string group, DateTimeOffset now, CancellationToken ct = default)
    {
        var (members, period, alert) = await ReadAsync(group, now, ct);
        if (members.Count == 0) return new GroupAlerts([], null);
        if (alert is null && DueAt(members) is var due && due > now)
            return new GroupAlerts([], due);

        var planned = new List<DigestRun> { await runner.PlannedRunAsync(period!, now, group, ct) };
        // The languages the group's alert carried; the others came late.
        var end = planned[0].WindowEnd;
        var carried = members.Where(a => CarriedBy(a, end)).Select(a => a.Language).ToHashSet(StringComparer.Ordinal);
        foreach (var late in members.Where(a => !carried.Contains(a.Language)).GroupBy(a => a.Language, StringComparer.Ordinal))
            planned.Add(await runner.PlannedRunAsync(
                DigestPeriod.LateTranslation(group, late.Key, late.Min(a => a.AvailableAt!.Value)), now, group, ct));
        return new GroupAlerts(planned, null);
    }

    /// <summary>When the group's alert will be due, while it waits for translations; null when it is due or planned (or nothing is available).</summary>
    public async Task<DateTimeOffset?> WaitsUntilAsync(string group, DateTimeOffset now, CancellationToken ct = default)
    {
        var (members, _, alert) = await ReadAsync(group, now, ct);
        return members.Count > 0 && alert is null && DueAt(members) is var due && due > now ? due : null;
    }

    /// <summary>The group's available files, its alert's period, and its alert run if it was created.</summary>
    private async Task<(IReadOnlyList<IndexedArticle> Members, DigestPeriod? Period, DigestRun? Alert)> ReadAsync(
        string group, DateTimeOffset now, CancellationToken ct)
    {
        // Up to and including now (a second more: storage compares instants coarser than ticks), as the planner reads them.
        var members = await articles.ListAvailableAsync(now.AddYears(-1), now.AddSeconds(1), ct, translationKey: group);
        if (members.Count == 0) return (members, null, null);
        var period = DigestPeriod.Alert(group, members.Min(a => a.AvailableAt!.Value));
        return (members, period, await runs.GetAsync(DigestFrequency.Instant, period.Key, ct));
    }

    /// <summary>
    /// Whether the group's alert, planned for <paramref name="end"/>, carried the file: accepted by then and not held past it. Its first
    /// acceptance, not when it became available, since a correction that says resend: true makes it available again later.
    /// </summary>
    private static bool CarriedBy(IndexedArticle a, DateTimeOffset end)
        => (a.AcceptedAt ?? a.AvailableAt!.Value) <= end && !(a.Published is { } published && published > end);

    /// <summary>
    /// When the group's alert is due: the grace period after its first file was accepted, or its earliest publication date if later
    /// (translations of a held article are usually in by then).
    /// </summary>
    private DateTimeOffset DueAt(IReadOnlyList<IndexedArticle> members)
    {
        var firstAccepted = members.Min(a => a.AcceptedAt ?? a.AvailableAt!.Value);
        var firstAvailable = members.Min(a => a.AvailableAt!.Value);
        var graceEnds = firstAccepted + schedule.Value.AlertGracePeriod;
        return graceEnds > firstAvailable ? graceEnds : firstAvailable;
    }
}
