using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>The schedule's defaults (<see cref="ScheduleOptions"/>) as Subscribers asks for them.</summary>
public sealed class ScheduleDefaults(IOptions<ScheduleOptions> options) : IDeliveryDefaults
{
    public int DeliveryHour => options.Value.DeliveryHour;

    public DayOfWeek WeeklyDay => options.Value.WeeklyDay;
}
