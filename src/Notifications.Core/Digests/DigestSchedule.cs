using System.Globalization;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>One subscriber's digest that is due now.</summary>
/// <param name="Slot">The instant of the subscriber's local delivery time this digest belongs to.</param>
/// <param name="WindowStart">Articles that became available after this instant (exclusive) …</param>
/// <param name="WindowEnd">… up to and including this one (the slot). Store it as the subscriber's last window end once the digest is planned.</param>
/// <param name="SlotKey">The slot in the subscriber's local calendar: <c>daily-2026-11-26</c>, or <c>weekly-2026-W48</c> by local ISO week.</param>
/// <param name="Day">The subscriber's local day of the slot.</param>
public sealed record DueDigest(DateTimeOffset Slot, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, string SlotKey, DateOnly Day = default);

/// <summary>
/// Decides, for an hourly UTC timer, which subscribers are due for a digest and which window of articles it covers. Pure: all time comes in
/// as arguments, and time zones are IANA ids resolved with <see cref="TimeZoneInfo"/> (the host's zone and WEBSITE_TIME_ZONE play no part).
/// </summary>
/// <remarks>
/// <para>A slot is the subscriber's local delivery time: every local day (daily) or every week on their own weekly day, else
/// <see cref="ScheduleOptions.WeeklyDay"/> (weekly), at
/// the subscriber's delivery hour, or <see cref="ScheduleOptions.DeliveryHour"/>.</para>
/// <para>Daylight saving time: a delivery hour that does not exist that day (02:00 in Brussels on the spring-forward day) is the first
/// instant after the gap (03:00 CEST, 01:00 UTC); an hour that happens twice (01:00 in New York on the fall-back day) is its first
/// occurrence (01:00 EDT, 05:00 UTC), so the second occurrence finds the slot already covered.</para>
/// <para>Windows chain: each starts where the subscriber's last one ended, so a change of time zone, delivery hour or frequency never
/// overlaps or loses articles; a slot the host missed (down for hours) gives one digest at the next call covering everything since, and a
/// slot more than <see cref="ScheduleOptions.LatenessLimit"/> old is skipped and its articles go into the next slot's digest.</para>
/// </remarks>
public sealed class DigestSchedule(IOptions<ScheduleOptions> options)
{
    private readonly record struct LocalSlot(DateOnly Day, DateTimeOffset Instant);

    /// <summary>
    /// The digest the subscriber is due for at <paramref name="now"/>, or null when they are not due: their latest slot at or before
    /// <paramref name="now"/> is already covered (<paramref name="lastWindowEnd"/> at or after it), was before the subscriber existed, or is more
    /// than <see cref="ScheduleOptions.LatenessLimit"/> old (then the next slot's window starts at <paramref name="lastWindowEnd"/>, so its
    /// articles are not lost).
    /// </summary>
    /// <param name="timeZone">IANA time zone id, e.g. Asia/Tashkent.</param>
    /// <param name="deliveryHour">The subscriber's own local delivery hour (0–23); null: <see cref="ScheduleOptions.DeliveryHour"/>.</param>
    /// <param name="createdAt">When the subscriber was created: their first digest reaches back
    /// <see cref="ScheduleOptions.FirstDigestLookBack"/> before it.</param>
    /// <param name="lastWindowEnd">The <see cref="DueDigest.WindowEnd"/> of their last planned digest; null before their first.</param>
    /// <exception cref="ArgumentException">An unknown time zone id, a delivery hour outside 0–23, or a frequency that is not a digest.</exception>
    public DueDigest? Due(DigestFrequency frequency, string timeZone, int? deliveryHour,
        DateTimeOffset createdAt, DateTimeOffset? lastWindowEnd, DateTimeOffset now, DayOfWeek? weeklyDay = null)
    {
        var o = options.Value;
        var slot = Latest(frequency, FindZone(timeZone), Hour(deliveryHour), now, weeklyDay);
        if (lastWindowEnd >= slot.Instant)
            return null; // already covered
        if (slot.Instant <= createdAt)
            return null; // the slot was before they subscribed; their first is the next one
        if (now - slot.Instant > o.LatenessLimit)
            return null; // stale: the next slot's window starts at lastWindowEnd and takes these articles
        var floor = createdAt - o.FirstDigestLookBack;
        var start = lastWindowEnd is { } last && last > floor ? last : floor; // before the slot: last < slot, floor <= createdAt < slot
        return new DueDigest(slot.Instant, start, slot.Instant, Key(frequency, slot.Day), slot.Day);
    }

    /// <summary>The subscriber's latest slot at or before <paramref name="at"/>.</summary>
    public DateTimeOffset LatestSlot(DigestFrequency frequency, string timeZone, int? deliveryHour, DateTimeOffset at, DayOfWeek? weeklyDay = null)
        => Latest(frequency, FindZone(timeZone), Hour(deliveryHour), at, weeklyDay).Instant;

    /// <summary>The subscriber's first slot after <paramref name="after"/>, e.g. to tell them when their next digest comes.</summary>
    public DateTimeOffset NextSlot(DigestFrequency frequency, string timeZone, int? deliveryHour, DateTimeOffset after, DayOfWeek? weeklyDay = null)
        => SlotsBetween(frequency, timeZone, deliveryHour, after, DateTimeOffset.MaxValue, weeklyDay).First();

    /// <summary>The subscriber's slots in (<paramref name="after"/>, <paramref name="through"/>], in order.</summary>
    public IEnumerable<DateTimeOffset> SlotsBetween(DigestFrequency frequency, string timeZone, int? deliveryHour, DateTimeOffset after, DateTimeOffset through,
        DayOfWeek? weeklyDay = null)
    {
        var zone = FindZone(timeZone);
        var hour = Hour(deliveryHour);
        var step = Step(frequency);
        return Iterate();

        IEnumerable<DateTimeOffset> Iterate()
        {
            // Start a little before `after`'s local day and walk forward; slot instants increase with their local day.
            var day = AlignBack(frequency, LocalDay(zone, after).AddDays(-1), weeklyDay);
            while (day < DateOnly.MaxValue.AddDays(-step))
            {
                var instant = LocalDelivery(zone, day, hour);
                if (instant > through)
                    yield break;
                if (instant > after)
                    yield return instant;
                day = day.AddDays(step);
            }
        }
    }

    /// <summary>
    /// The subscriber's local delivery time on <paramref name="day"/>: the first instant after a spring-forward gap when the hour does not
    /// exist that day, the first occurrence when a fall-back makes it happen twice.
    /// </summary>
    public static DateTimeOffset LocalDelivery(TimeZoneInfo zone, DateOnly day, int hour)
    {
        var local = day.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // In the gap: walk to its end, the first local time that exists (gaps are whole minutes, at most a day).
            var limit = local.AddDays(1);
            do local = local.AddMinutes(1);
            while (zone.IsInvalidTime(local) && local < limit);
        }
        if (zone.IsAmbiguousTime(local))
        {
            // Happens twice: the larger offset is the earlier instant.
            var offset = zone.GetAmbiguousTimeOffsets(local).Max();
            return new DateTimeOffset(local, offset);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The time zone with this IANA id; an <see cref="ArgumentException"/> naming it when there is none.</summary>
    public static TimeZoneInfo FindZone(string timeZone)
    {
        if (!string.IsNullOrWhiteSpace(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out var zone))
            return zone;
        throw new ArgumentException(
            $"time zone '{timeZone}' is not a known IANA time zone id; use one such as Europe/Brussels or Asia/Tashkent.", nameof(timeZone));
    }

    private int Hour(int? deliveryHour)
    {
        var hour = deliveryHour ?? options.Value.DeliveryHour;
        return hour is >= 0 and <= 23
            ? hour
            : throw new ArgumentOutOfRangeException(nameof(deliveryHour), hour, $"delivery hour {hour} is not a local hour; use 0 to 23.");
    }

    private LocalSlot Latest(DigestFrequency frequency, TimeZoneInfo zone, int hour, DateTimeOffset at, DayOfWeek? weeklyDay)
    {
        var step = Step(frequency);
        // From the day after `at`'s local day backwards: the first slot at or before `at` (one or two steps at most).
        for (var day = AlignBack(frequency, LocalDay(zone, at).AddDays(1), weeklyDay); ; day = day.AddDays(-step))
        {
            var instant = LocalDelivery(zone, day, hour);
            if (instant <= at)
                return new LocalSlot(day, instant);
        }
    }

    /// <summary>The day itself for daily digests; for weekly ones the latest <paramref name="weeklyDay"/> (the subscriber's own), else
    /// <see cref="ScheduleOptions.WeeklyDay"/>, on or before it.</summary>
    private DateOnly AlignBack(DigestFrequency frequency, DateOnly day, DayOfWeek? weeklyDay)
        => frequency == DigestFrequency.Weekly
            ? day.AddDays(-(((int)day.DayOfWeek - (int)(weeklyDay ?? options.Value.WeeklyDay) + 7) % 7))
            : day;

    private static int Step(DigestFrequency frequency) => frequency switch
    {
        DigestFrequency.Daily => 1,
        DigestFrequency.Weekly => 7,
        _ => throw new ArgumentException($"{frequency} subscribers get alerts per article, not digests; schedule daily or weekly digests.", nameof(frequency)),
    };

    private static DateOnly LocalDay(TimeZoneInfo zone, DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    private static string Key(DigestFrequency frequency, DateOnly day)
    {
        if (frequency == DigestFrequency.Daily)
            return "daily-" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var date = day.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"weekly-{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):D2}");
    }
}
