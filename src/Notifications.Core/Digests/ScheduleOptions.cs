using System.ComponentModel.DataAnnotations;

namespace Notifications.Digests;

/// <summary>
/// When digests go out in each subscriber's own time zone (section <c>Schedule</c>). An hourly UTC timer asks
/// <see cref="DigestSchedule"/> who is due; the host's time zone (and WEBSITE_TIME_ZONE, which Flex Consumption ignores) plays no part.
/// </summary>
public sealed class ScheduleOptions
{
    public const string Section = "Schedule";

    /// <summary>The local hour (0–23) digests go out at, in the subscriber's time zone, unless the subscriber has their own.</summary>
    [Range(0, 23, ErrorMessage = "Schedule:DeliveryHour must be between 0 and 23 (the local hour digests go out at in each subscriber's time zone), e.g. 8.")]
    public int DeliveryHour { get; set; } = 8;

    /// <summary>The local day weekly digests go out on.</summary>
    [EnumDataType(typeof(DayOfWeek), ErrorMessage = "Schedule:WeeklyDay must be a day of the week (Monday … Sunday), e.g. Monday.")]
    public DayOfWeek WeeklyDay { get; set; } = DayOfWeek.Monday;

    /// <summary>How far before a subscriber's creation their first digest reaches back; it never includes older articles.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "31.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Schedule:FirstDigestLookBack must be between 00:00:00 and 31.00:00:00 (how far before a subscriber's creation their first " +
            "digest reaches back), e.g. 7.00:00:00.")]
    public TimeSpan FirstDigestLookBack { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A digest more than this late after its slot is not sent stale; its articles go into the subscriber's next digest instead.
    /// At least an hour, since the timer runs hourly.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "7.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Schedule:LatenessLimit must be between 01:00:00 and 7.00:00:00 (how late after its slot a digest may still go out; the " +
            "timer runs hourly), e.g. 1.00:00:00.")]
    public TimeSpan LatenessLimit { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a planner holds a run it claimed (Planning): a run still in Planning this long after its claim (its planner stopped)
    /// is planned again by the next caller or hourly tick. Until then every other caller is told who holds it and until when. It must
    /// outlast the slowest planning; at most an hour, so that the hourly timer replans a stopped planner's run well within the lateness limit.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Schedule:PlanningLease must be between 00:01:00 and 01:00:00 (how long a run stays claimed by a planner that may have " +
            "stopped, before it is planned again), e.g. 00:10:00.")]
    public TimeSpan PlanningLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long an accepted article's alert waits for its translations: the alert of a translation group is planned this long after its
    /// first file was accepted (or at its publication date, if later), so that each reader gets their own language. A translation
    /// accepted after that is alerted on its own, once, to its language's readers. At most an hour, so that the hourly timer catches an
    /// alert whose delayed trigger was lost well within the lateness limit; 00:00:00 alerts at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Schedule:AlertGracePeriod must be between 00:00:00 and 01:00:00 (how long an alert waits for the translations of its " +
            "article after the first file is accepted), e.g. 00:10:00.")]
    public TimeSpan AlertGracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A run started by hand for an instant further than this from now (<c>notify digest run --at</c>, the runs archive's form) asks for
    /// confirmation first: it moves every recipient's digest window to that instant (<see cref="Pipeline.RunTimeGuard"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage = "Schedule:ConfirmRunsFarFromNow must be between 00:05:00 and 7.00:00:00 (how far from now a run started by hand may be " +
            "set without a confirmation), e.g. 02:00:00.")]
    public TimeSpan ConfirmRunsFarFromNow { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Hourly runs and alerts find their candidates in the slot index (<c>SubscriberSlots</c>: the subscribers due at that hour, or following
    /// the alert's topics, plus those written since the previous tick). False: every run reads every subscriber, as before the index.
    /// </summary>
    public bool UseSlotIndex { get; set; } = true;

    /// <summary>
    /// In how many days the hourly sweep compares every subscriber with their slot index entries once (each tick checks 1/(days × 24) of
    /// the ids), re-recording any that are stale.
    /// </summary>
    [Range(1, 365, ErrorMessage = "Schedule:SlotIndexSweepDays must be between 1 and 365 (in how many days the hourly sweep checks every " +
        "subscriber's slot index entries once), e.g. 28.")]
    public int SlotIndexSweepDays { get; set; } = 28;
}
