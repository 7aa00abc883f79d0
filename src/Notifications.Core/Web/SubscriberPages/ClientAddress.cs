using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Notifications.Web;

/// <summary>Who sent a request, as far as the pages can tell.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The client address the subscribe limits (<see cref="SubscribeRateLimits"/>) count by and a subscribe request records:
    /// the connection's remote address, and nothing the client sends.
    /// <list type="bullet">
    /// <item>Functions host: the host proxies each request to the worker over loopback with an <c>X-Forwarded-For</c> it sets,
    /// and the worker's ASP.NET Core integration (<c>ConfigureFunctionsWebApplication</c>: <c>UseForwardedHeaders</c>, which trusts
    /// only loopback proxies) has already made the last entry, the one the host added, the remote address; entries a client
    /// put before it are left in the header and never read here.</item>
    /// <item><c>notify serve</c>: Kestrel on loopback without forwarded-headers handling, so the remote address is the TCP peer and
    /// a client's <c>X-Forwarded-For</c> changes nothing.</item>
    /// </list>
    /// IPv6 clients count by their /64 network.
    /// </summary>
    public static string? Of(HttpRequest request)
    {
        var remote = request.HttpContext.Connection.RemoteIpAddress;
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
