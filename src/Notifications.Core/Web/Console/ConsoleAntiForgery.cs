using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// The anti-forgery token every state-changing console form carries (field <see cref="Field"/>). The platform's session cookie
/// goes with any cross-site POST, so a form must prove it came from a console page: the token is
/// base64url(issued at, 8 bytes big-endian unix seconds ‖ HMAC-SHA256(key, "console-form" ‖ user name ‖ issued at), first 16 bytes),
/// with a key derived (HKDF) from the current link-signing key (<see cref="TokenOptions"/>), bound to the signed-in user and
/// valid for <see cref="Lifetime"/>. Stateless: any instance of the app checks it.
/// </summary>
public sealed class ConsoleAntiForgery
{
    /// <summary>The form field that carries the token.</summary>
    public const string Field = "__console_token";

    /// <summary>How long a page's forms stay usable (a long editing session included).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private const int MacBytes = 16;
    private readonly byte[] key;
    private readonly TimeProvider time;

    public ConsoleAntiForgery(IOptions<TokenOptions> options, TimeProvider time)
    {
        var value = options.Value;
        TokenOptionsValidator.TryDecodeKey(value.Keys.GetValueOrDefault(value.CurrentKeyId) ?? "", out var secret);
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.ASCII.GetBytes("notifications console anti-forgery v1"));
        this.time = time;
    }

    /// <summary>A token for <paramref name="user"/>'s forms, issued now.</summary>
    public string Issue(ConsoleUser user)
    {
        var token = new byte[8 + MacBytes];
        BinaryPrimitives.WriteInt64BigEndian(token, time.GetUtcNow().ToUnixTimeSeconds());
        Mac(user.Name, token.AsSpan(0, 8)).CopyTo(token.AsSpan(8));
        return Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>True when <paramref name="token"/> was issued by this app for <paramref name="user"/> within <see cref="Lifetime"/>.</summary>
    public bool IsValid(ConsoleUser user, string? token)
    {
        if (token is null || token.Length != 32) return false;
        byte[] bytes;
        try
        {
            // 24 bytes are 32 base64 characters without padding.
            bytes = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/'));
        }
        catch (FormatException)
        {
            return false;
        }
        if (bytes.Length != 8 + MacBytes) return false;
        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(BinaryPrimitives.ReadInt64BigEndian(bytes), 0, 253402300799));
        var now = time.GetUtcNow();
        if (issued > now + TimeSpan.FromMinutes(5) || now - issued > Lifetime) return false;
        return CryptographicOperations.FixedTimeEquals(Mac(user.Name, bytes.AsSpan(0, 8)), bytes.AsSpan(8));
    }

    private byte[] Mac(string user, ReadOnlySpan<byte> issued)
    {
        var name = Encoding.UTF8.GetBytes(user);
        var message = new byte[12 + 4 + name.Length + issued.Length];
        Encoding.ASCII.GetBytes("console-form").CopyTo(message, 0);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(12), name.Length);
        name.CopyTo(message, 16);
        issued.CopyTo(message.AsSpan(16 + name.Length));
        return HMACSHA256.HashData(key, message)[..MacBytes];
    }
}
