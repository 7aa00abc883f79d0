using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>The subscribe form's per-client limit (section <c>SelfService</c>, beside <see cref="SelfServiceOptions"/>).</summary>
public sealed class SubscribeRateLimitOptions
{
    public const string Section = "SelfService";

    /// <summary>
    /// Subscribe posts one client address (an office behind one NAT address is one client) may make per hour, per instance,
    /// whatever they contain: checked before the body is read. More get 429.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "SelfService:ClientRequestsPerHour must be from 1 to 1000000, e.g. 100.")]
    public int ClientRequestsPerHour { get; set; } = 100;
}

/// <summary>
/// Two limits on the public subscribe form, so that neither a flood nor one colleague's typo locks out a whole administration
/// behind one address:
/// <list type="number">
/// <item>per client address, <see cref="SubscribeRateLimitOptions.ClientRequestsPerHour"/> (generous), checked before the body is read,
/// so a flood is answered without reading anything;</item>
/// <item>per client address and normalised email, <see cref="SelfServiceOptions.SubscribeRequestsPerHour"/>, checked after the
/// body is parsed and checked, and before anything is looked up or sent.</item>
/// </list>
/// A request with a field that is not valid counts in neither: the first is given back (<see cref="ReleaseClient"/>), the second is
/// not asked.
/// Both are sliding one-hour windows in memory, per instance (see <see cref="ClientRateLimiter"/>).
/// </summary>
public sealed class SubscribeRateLimits(
    IOptions<SubscribeRateLimitOptions> options,
    IOptions<SelfServiceOptions> selfService,
    TimeProvider time,
    ILogger<SubscribeRateLimits> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly ClientRateLimiter _clients = new(options.Value.ClientRequestsPerHour, Window, time);
    private readonly ClientRateLimiter _addresses = new(selfService.Value.SubscribeRequestsPerHour, Window, time);

    /// <summary>The first limit, before the body is read: false (and when to try again) when the client has had its share.</summary>
    public bool TryAcquireClient(HttpRequest request, out DateTimeOffset retryAt)
    {
        if (_clients.TryAcquire(ClientAddress.Of(request) ?? "unknown", out retryAt))
            return true;
        logger.LogWarning("Subscribe posts from one client exceed {Limit} an hour: answered 429 until {RetryAt:u}", _clients.Limit, retryAt);
        return false;
    }

    /// <summary>Gives the client's post back: it was not a valid request (validation answered it), and only valid ones count.</summary>
    public void ReleaseClient(HttpRequest request) => _clients.Release(ClientAddress.Of(request) ?? "unknown");

    /// <summary>
    /// The second limit, after parsing: false (and when to try again) when this client asked for this address too often. An
    /// address that is not valid is not counted here (validation answers it, and it says nothing about anyone's mailbox).
    /// </summary>
    public bool TryAcquireAddress(HttpRequest request, string? email, out DateTimeOffset retryAt)
    {
        retryAt = time.GetUtcNow();
        string normalized;
        try
        {
            normalized = EmailAddress.Normalize(email);
        }
        catch (InvalidEmailAddressException)
        {
            return true;
        }
        if (_addresses.TryAcquire((ClientAddress.Of(request) ?? "unknown") + " " + normalized, out retryAt))
            return true;
        logger.LogWarning("Subscribe requests for {Email} from one client exceed {Limit} an hour: answered 429 until {RetryAt:u}",
            EmailAddress.Mask(normalized), _addresses.Limit, retryAt);
        return false;
    }
}
