using System.ComponentModel.DataAnnotations;

namespace Notifications.Subscribers;

/// <summary>
/// The self-service ways back (section <c>SelfService</c>, beside <see cref="SelfServiceOptions"/>): undoing an unsubscribe, and the
/// "email me a link to manage my subscription" request.
/// </summary>
public sealed class SelfServiceRecoveryOptions
{
    public const string Section = "SelfService";

    /// <summary>
    /// How long after unsubscribing an active subscription the same link (or the preferences link) turns it back on with one click,
    /// without a new confirmation. Later, resubscribing is double opt-in again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "90.00:00:00",
        ErrorMessage = "SelfService:ResubscribeGracePeriod must be from 00:00:00 to 90.00:00:00, e.g. 7.00:00:00.")]
    public TimeSpan ResubscribeGracePeriod { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Manage-link requests one client address may post per hour (per instance), whatever they contain; more get 429.</summary>
    [Range(1, 100_000, ErrorMessage = "SelfService:ManageLinkRequestsPerHour must be from 1 to 100000, e.g. 20.")]
    public int ManageLinkRequestsPerHour { get; set; } = 20;

    /// <summary>Manage-link requests for one address per hour (per instance), from any client; more get 429.</summary>
    [Range(1, 1_000, ErrorMessage = "SelfService:ManageLinkRequestsPerAddressPerHour must be from 1 to 1000, e.g. 3.")]
    public int ManageLinkRequestsPerAddressPerHour { get; set; } = 3;
}
