using System.Globalization;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>
/// What a digest run is for, and so its id: a timer that fires twice, or a run that is retried, is the same run.
/// <list type="bullet">
/// <item>the hourly timer's runs, one per frequency and UTC hour: <c>daily-2026-11-26T07</c>, <c>weekly-2026-11-30T07</c>
/// (<see cref="Hourly"/>, <see cref="IsScheduled"/>): whoever is due at that hour in their own time zone;</item>
/// <item>runs started by hand, one per UTC day or ISO week: <c>daily-2026-11-26</c>, <c>weekly-2026-W48</c> (<see cref="For"/>):
/// every active subscriber of the frequency, now;</item>
/// <item>instant alerts, one per article (and its translations): <c>instant-3f9a…</c> (<see cref="Alert"/>).</item>
/// </list>
/// Also what digests say they cover (<see cref="FirstDay"/>, the label).
/// </summary>
public sealed record DigestPeriod(DigestFrequency Frequency, string Key, DateOnly FirstDay)
{
    public string RunId => $"{Frequency.ToString().ToLowerInvariant()}-{Key}";

    /// <summary>A run of the hourly timer (also <see cref="DigestFrequency.Instant"/> is refused: alerts are per article).</summary>
    public bool IsScheduled => IsHourKey(Key);

    /// <summary>"2026-11-26T07": the key of an hourly run.</summary>
    private static bool IsHourKey(string key) => key.Length == 13 && key[10] == 'T';

    public bool IsAlert => Frequency == DigestFrequency.Instant;

    /// <summary>The hourly timer's run for <paramref name="frequency"/> at the UTC hour of <paramref name="at"/>: <c>daily-2026-11-26T07</c>.</summary>
    public static DigestPeriod Hourly(DigestFrequency frequency, DateTimeOffset at)
    {
        _ = For(frequency, at); // the same check of the frequency
        var hour = TopOfHour(at);
        return new DigestPeriod(frequency, hour.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture), DateOnly.FromDateTime(hour.UtcDateTime));
    }

    /// <summary>The top of the UTC hour <paramref name="at"/> is in: the instant the hourly timer was scheduled for.</summary>
    public static DateTimeOffset TopOfHour(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// The alert run of an article and its translations (<paramref name="groupKey"/>: the translation key or the blob name); with
    /// <paramref name="correctedVersion"/> (the content hash of a version that says <c>resend: true</c>), the correction alert of that
    /// version: one run per corrected version, so the same correction ingested twice is alerted once.
    /// </summary>
    public static DigestPeriod Alert(string groupKey, DateTimeOffset availableAt, string? correctedVersion = null)
        => new(DigestFrequency.Instant, AlertKey(groupKey, correctedVersion), DateOnly.FromDateTime(availableAt.UtcDateTime));

    /// <summary>
    /// The alert of a translation accepted after its group's alert was planned: one run per group and language, to that language's
    /// readers only (<see cref="LateTranslationKey"/>), so a redelivered trigger or the hourly timer alerts it once.
    /// </summary>
    public static DigestPeriod LateTranslation(string groupKey, string language, DateTimeOffset availableAt)
        => new(DigestFrequency.Instant, LateTranslationKey(groupKey, language), DateOnly.FromDateTime(availableAt.UtcDateTime));

    /// <summary>The key of a late translation's alert run: of the group and the translation's language.</summary>
    public static string LateTranslationKey(string groupKey, string language) => AlertKey(groupKey + "\nlanguage " + language);

    /// <summary>The alert run of an indexed article: its correction alert when this version is a correction.</summary>
    public static DigestPeriod Alert(Articles.IndexedArticle article)
        => Alert(article.TranslationKey ?? article.BlobName, article.AvailableAt!.Value, article.Correction ? article.ContentHash : null);

    /// <summary>The key of an alert run: of the group, or of one corrected version in it.</summary>
    public static string AlertKey(string groupKey, string? correctedVersion = null)
        => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            correctedVersion is null ? groupKey : groupKey + "\ncorrection " + correctedVersion)))[..16];

    /// <summary>The period of an existing run (to plan it again).</summary>
    public static DigestPeriod Of(DigestRun run)
    {
        if (run.Frequency == DigestFrequency.Instant)
            return new DigestPeriod(run.Frequency, run.PeriodKey, DateOnly.FromDateTime(run.WindowEnd.UtcDateTime));
        var period = IsHourKey(run.PeriodKey) ? Hourly(run.Frequency, run.WindowEnd) : For(run.Frequency, run.WindowEnd);
        return period.Key == run.PeriodKey ? period : throw new InvalidOperationException($"Run {run.RunId} ends at {run.WindowEnd:u}, outside its period.");
    }

    /// <summary>The run started by hand for the UTC day (daily) or ISO week (weekly) of <paramref name="at"/>.</summary>
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

    /// <summary>"daily-2026-11-26T07" → (Daily, "2026-11-26T07"); a clear error for anything else.</summary>
    public static (DigestFrequency Frequency, string PeriodKey) ParseRunId(string runId)
    {
        var dash = runId.IndexOf('-');
        if (dash > 0 && ParseFrequencyOrNull(runId[..dash]) is { } f && runId.Length > dash + 1)
            return (f, runId[(dash + 1)..]);
        throw new ArgumentException($"'{runId}' is not a digest run id; run ids look like daily-2026-11-26T07, weekly-2026-W48 or " +
            $"instant-3f9a0c1d2e4b5a69 (`notify digest status` lists them).");
    }

    private static DigestFrequency? ParseFrequencyOrNull(string value)
    {
        try { return ParseFrequency(value); }
        catch (ArgumentException) { return null; }
    }

    /// <summary><see cref="DigestFrequencies.Parse"/>.</summary>
    public static DigestFrequency ParseFrequency(string value) => DigestFrequencies.Parse(value);
}
