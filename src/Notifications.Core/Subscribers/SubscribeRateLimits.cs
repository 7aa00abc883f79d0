using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Notifications.Subscribers;

/// <summary>
/// The subscribe form's client limits (section <c>SelfService</c>, beside <see cref="SelfServiceOptions"/>), and which client
/// address they count.
/// </summary>
public sealed class SubscribeRateLimitOptions
{
    public const string Section = "SelfService";

    /// <summary>
    /// Subscribe posts one client address (an office behind one NAT address is one client) may make per hour, per instance,
    /// whatever they contain: checked before the body is read. More get 429.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "SelfService:ClientRequestsPerHour must be from 1 to 1000000, e.g. 100.")]
    public int ClientRequestsPerHour { get; set; } = 100;

    /// <summary>
    /// Whether the client is the last <c>X-Forwarded-For</c> entry of a request that reaches the app over loopback: true only
    /// where the platform adds that header (the Functions host on Azure; the Bicep sets it). False under <c>notify serve</c>,
    /// where clients connect directly and any <c>X-Forwarded-For</c> is the client's own claim.
    /// </summary>
    public bool TrustForwardedFor { get; set; }
}

/// <summary>
/// Two limits on the public subscribe form, so that neither a flood nor one colleague's typo locks out a whole administration
/// behind one address:
/// <list type="number">
/// <item>per client address, <see cref="SubscribeRateLimitOptions.ClientRequestsPerHour"/> (generous), checked before the body is read,
/// so a flood is answered without reading anything;</item>
/// <item>per client address and normalised email, <see cref="SelfServiceOptions.SubscribeRequestsPerHour"/>, checked after the
/// body is parsed and before anything is looked up or sent. Requests whose address is not valid count only in the first.</item>
/// </list>
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
        if (_clients.TryAcquire(ClientAddressOf(request) ?? "unknown", out retryAt))
            return true;
        logger.LogWarning("Subscribe posts from one client exceed {Limit} an hour: answered 429 until {RetryAt:u}", _clients.Limit, retryAt);
        return false;
    }

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
        catch (InvalidSubscriberException)
        {
            return true;
        }
        if (_addresses.TryAcquire((ClientAddressOf(request) ?? "unknown") + " " + normalized, out retryAt))
            return true;
        logger.LogWarning("Subscribe requests for {Email} from one client exceed {Limit} an hour: answered 429 until {RetryAt:u}",
            EmailAddress.Mask(normalized), _addresses.Limit, retryAt);
        return false;
    }

    /// <summary>
    /// The client address the limits count by: the connection's remote address; with <see cref="SubscribeRateLimitOptions.TrustForwardedFor"/>
    /// and a request over loopback (the Functions host talks to the worker over loopback), the last <c>X-Forwarded-For</c> entry,
    /// the one the platform's front end added (earlier entries come from the client and prove nothing). Without that option a
    /// client-supplied <c>X-Forwarded-For</c> is never read. IPv6 clients count by their /64 network.
    /// </summary>
    public string? ClientAddressOf(HttpRequest request)
    {
        var remote = request.HttpContext.Connection.RemoteIpAddress;
        if (options.Value.TrustForwardedFor && (remote is null || IPAddress.IsLoopback(remote)))
        {
            var last = request.Headers["X-Forwarded-For"].ToString().Split(',').Select(s => s.Trim()).LastOrDefault(s => s.Length > 0);
            if (last is not null)
                remote = IPAddress.TryParse(last, out var a) ? a : IPEndPoint.TryParse(last, out var ep) ? ep.Address : remote;
        }
        if (remote is null) return null;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        if (remote.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = remote.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }
        return remote.ToString();
    }
}
