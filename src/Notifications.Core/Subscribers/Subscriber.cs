
namespace Notifications.Subscribers;

public enum SubscriberStatus { Pending, Active, Unsubscribed, Bounced, Complained, Suspended }

/// <summary>How the subscriber's consent was given: by whom (admin, import, self-service) and when; when they confirmed it.</summary>
public sealed record Consent(string Source, DateTimeOffset GivenAt, DateTimeOffset? ConfirmedAt);

/// <summary>One official of a member administration who receives digests. One record per (normalised) email address.</summary>
/// <param name="Country">ISO 3166-1 alpha-2 of the member administration, or empty when not known.</param>
/// <param name="Topics">Topics they want; empty means all.</param>
/// <param name="TimeZone">IANA time zone id, e.g. Asia/Tashkent.</param>
/// <param name="ConfirmationSentAt">When the last confirmation email (double opt-in) went out; limits resends across restarts.</param>
/// <param name="DeliveryHour">Their own local hour (0–23) for digests; null: Schedule:DeliveryHour.</param>
/// <param name="ChosenBySubscriber">
/// The preferences the subscriber set themselves on the preferences page (<see cref="SubscriberFields"/>: frequency, topics,
/// language, time_zone, delivery_hour). An import does not overwrite them unless the admin says so.
/// </param>
/// <param name="StatusReason">Why the status is what it is, e.g. the bounce's SMTP reason ("550 5.1.1 …"); empty when not known.</param>
/// <param name="StatusChangedAt">When the status last changed (set by <see cref="SubscriberStore.UpdateAsync"/>); null: since creation.</param>
/// <param name="Member">The key of the member administration (<see cref="MemberOptions"/>) the subscriber is linked to; empty: none.</param>
/// <param name="WeeklyDay">The day their weekly digest comes, in their time zone; null: Schedule:WeeklyDay.</param>
public sealed record Subscriber(
    string Id,
    string Email,
    string Name,
    string Organization,
    string Language,
    DigestFrequency Frequency,
    SubscriberStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string Country = "",
    IReadOnlyList<string>? Topics = null,
    string TimeZone = "UTC",
    Consent? Consent = null,
    DateTimeOffset? ConfirmationSentAt = null,
    int? DeliveryHour = null,
    IReadOnlyList<string>? ChosenBySubscriber = null,
    string StatusReason = "",
    DateTimeOffset? StatusChangedAt = null,
    string Member = "",
    DayOfWeek? WeeklyDay = null)
{
    public IReadOnlyList<string> TopicList => Topics ?? [];

    /// <summary>The fields of <see cref="ChosenBySubscriber"/>, never null.</summary>
    public IReadOnlyList<string> ChosenFields => ChosenBySubscriber ?? [];

    /// <summary>
    /// This record with each given (already validated) value in place; a null leaves the field as it is. The delivery hour, whose
    /// own null means "the default", is given as a <see cref="FieldChange{T}"/>: <c>new(9)</c> sets it, <c>new(null)</c> resets it
    /// to the default (<c>Schedule:DeliveryHour</c>), and a null leaves it as it is like every other field.
    /// </summary>
    public Subscriber With(string? name = null, string? organization = null, string? country = null, string? language = null,
        DigestFrequency? frequency = null, IReadOnlyList<string>? topics = null, string? timeZone = null, SubscriberStatus? status = null,
        FieldChange<int?>? deliveryHour = null)
        => this with
        {
            Name = name ?? Name,
            Organization = organization ?? Organization,
            Country = country ?? Country,
            Language = language ?? Language,
            Frequency = frequency ?? Frequency,
            Topics = topics ?? Topics,
            TimeZone = timeZone ?? TimeZone,
            Status = status ?? Status,
            DeliveryHour = deliveryHour is { } hour ? hour.Value : DeliveryHour,
        };
}

/// <summary>The preference fields a subscriber can choose themselves (<see cref="Subscriber.ChosenBySubscriber"/>), named as CSV columns.</summary>
public static class SubscriberFields
{
    public const string Frequency = "frequency";
    public const string Topics = "topics";
    public const string Language = "language";
    public const string TimeZone = "time_zone";
    public const string DeliveryHour = "delivery_hour";
    public const string WeeklyDay = "weekly_day";

    public static readonly IReadOnlyList<string> SelfChosen = [Frequency, Topics, Language, TimeZone, DeliveryHour];
}

/// <summary>
/// A new value for a field where null is itself a value (a null <see cref="Subscriber.DeliveryHour"/> means the default hour):
/// <c>new FieldChange&lt;int?&gt;(null)</c> empties the field, whereas a null <c>FieldChange</c> leaves it as it is.
/// </summary>
public readonly record struct FieldChange<T>(T Value);

/// <summary>What an admin (or an import row, or a subscribe form) gives to create a subscriber.</summary>
/// <param name="DeliveryHour">The subscriber's own local hour (0–23) for digests; null: the default, <c>Schedule:DeliveryHour</c>.</param>
/// <param name="WeeklyDay">The day of their weekly digest; null: the default, <c>Schedule:WeeklyDay</c>.</param>
public sealed record NewSubscriber(
    string Email,
    string Name,
    string Organization,
    string Language = "en",
    DigestFrequency Frequency = DigestFrequency.Daily,
    SubscriberStatus Status = SubscriberStatus.Active,
    string? Country = null,
    IReadOnlyList<string>? Topics = null,
    string? TimeZone = null,
    int? DeliveryHour = null,
    DayOfWeek? WeeklyDay = null);

/// <summary>Input that cannot become a subscriber; the message names the field and what to do.</summary>
public sealed class InvalidSubscriberException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;

    /// <summary>The address is already a subscriber's: a conflict with what is stored, not invalid input.</summary>
    public bool IsConflict { get; init; }

    /// <summary>
    /// The full address the message speaks of (masked in the message, which may reach a log): the admin's own tools (the CLI, the
    /// console) print the message with it in place (<see cref="ForAdmin"/>).
    /// </summary>
    public string? Address { get; init; }

    /// <summary>The message as an admin's tool shows it: the masked address replaced by the full one.</summary>
    public string ForAdmin => Address is { Length: > 0 } address
        ? Message.Replace(Notifications.Mail.EmailAddress.Mask(address), address, StringComparison.Ordinal)
        : Message;
}
