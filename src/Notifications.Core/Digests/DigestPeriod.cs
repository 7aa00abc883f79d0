using System.Globalization;

namespace Notifications.Digests;

/// <summary>
/// The period a digest run belongs to: a UTC day for daily digests, an ISO week for weekly ones.
/// The run id is derived from it (e.g. <c>daily-2026-11-26</c>, <c>weekly-2026-W48</c>), so a timer that fires
/// twice, or a run that is retried, is the same run.
/// </summary>
public sealed record DigestPeriod(DigestFrequency Frequency, string Key, DateOnly FirstDay)
{
    public string RunId => $"{Frequency.ToString().ToLowerInvariant()}-{Key}";

    /// <summary>How far back the first run of a frequency looks.</summary>
    public TimeSpan Length => Frequency == DigestFrequency.Daily ? TimeSpan.FromDays(1) : TimeSpan.FromDays(7);

    /// <summary>"26 November 2026", or "week of 23 November 2026".</summary>
    public string Label => Frequency == DigestFrequency.Daily
        ? FirstDay.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)
        : "week of " + FirstDay.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    public static DigestPeriod For(DigestFrequency frequency, DateTimeOffset at)
    {
        if (frequency is not (DigestFrequency.Daily or DigestFrequency.Weekly))
            throw new ArgumentException($"{frequency} subscribers get alerts per article, not digest runs; run daily or weekly digests.");
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        if (frequency == DigestFrequency.Daily)
            return new DigestPeriod(frequency, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day);
        var year = ISOWeek.GetYear(at.UtcDateTime);
        var week = ISOWeek.GetWeekOfYear(at.UtcDateTime);
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        return new DigestPeriod(frequency, $"{year}-W{week:D2}", monday);
    }

    /// <summary>"daily-2026-11-26" → (Daily, "2026-11-26"); a clear error for anything else.</summary>
    public static (DigestFrequency Frequency, string PeriodKey) ParseRunId(string runId)
    {
        var dash = runId.IndexOf('-');
        if (dash > 0 && ParseFrequencyOrNull(runId[..dash]) is { } f and (DigestFrequency.Daily or DigestFrequency.Weekly) && runId.Length > dash + 1)
            return (f, runId[(dash + 1)..]);
        throw new ArgumentException($"'{runId}' is not a digest run id; run ids look like daily-2026-11-26 or weekly-2026-W48.");
    }

    private static DigestFrequency? ParseFrequencyOrNull(string value)
    {
        try { return ParseFrequency(value); }
        catch (ArgumentException) { return null; }
    }

    public static DigestFrequency ParseFrequency(string value) => value.Trim().ToLowerInvariant() switch
    {
        "daily" => DigestFrequency.Daily,
        "weekly" => DigestFrequency.Weekly,
        "instant" => DigestFrequency.Instant,
        _ => throw new ArgumentException($"frequency '{value}' is not supported; use instant, daily or weekly."),
    };
}
