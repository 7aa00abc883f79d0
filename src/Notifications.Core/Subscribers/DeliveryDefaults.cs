namespace Notifications.Subscribers;

/// <summary>
/// The delivery hour and weekly day a subscriber gets when they choose none, for texts that tell them what they chose (the
/// confirmation email). Digests owns the schedule (<c>Schedule:DeliveryHour</c>, <c>Schedule:WeeklyDay</c>) and implements this
/// meeting point; Subscribers only reads it.
/// </summary>
public interface IDeliveryDefaults
{
    int DeliveryHour { get; }

    DayOfWeek WeeklyDay { get; }
}
