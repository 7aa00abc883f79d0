using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// The anti-forgery token of a public form that no link token authorises (the manage-link request): the form proves it came from our
/// page within <see cref="Lifetime"/>. base64url(issued at, 8 bytes big-endian unix seconds ‖ HMAC-SHA256(key, form name ‖ issued at),
/// first 16 bytes), the key derived (HKDF) from the current link-signing key (<see cref="TokenOptions"/>). No cookie, no state: any
/// instance checks it.
/// </summary>
internal sealed class PageFormToken
{
    /// <summary>The form field that carries it.</summary>
    public const string Field = "form_token";

    /// <summary>How long a form stays usable after the page was served.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    private const int MacBytes = 16;
    private readonly byte[] key;
    private readonly TimeProvider time;

    public PageFormToken(IOptions<TokenOptions> options, TimeProvider time)
    {
        var value = options.Value;
        TokenOptionsValidator.TryDecodeKey(value.Keys.GetValueOrDefault(value.CurrentKeyId) ?? "", out var secret);
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.ASCII.GetBytes("notifications page form v1"));
        this.time = time;
    }

    /// <summary>A token for the form <paramref name="form"/>, issued now.</summary>
    public string Issue(string form)
    {
        var token = new byte[8 + MacBytes];
        BinaryPrimitives.WriteInt64BigEndian(token, time.GetUtcNow().ToUnixTimeSeconds());
        Mac(form, token.AsSpan(0, 8)).CopyTo(token.AsSpan(8));
        return Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>True when <paramref name="token"/> was issued by this app for <paramref name="form"/> within <see cref="Lifetime"/>.</summary>
    public bool IsValid(string form, string? token)
    {
        if (token is null || token.Length != 32) return false;
        byte[] bytes;
        try
        {
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
        return CryptographicOperations.FixedTimeEquals(Mac(form, bytes.AsSpan(0, 8)), bytes.AsSpan(8));
    }

    private byte[] Mac(string form, ReadOnlySpan<byte> issued)
    {
        var name = Encoding.UTF8.GetBytes(form);
        var message = new byte[4 + name.Length + issued.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, name.Length);
        name.CopyTo(message, 4);
        issued.CopyTo(message.AsSpan(4 + name.Length));
        return HMACSHA256.HashData(key, message)[..MacBytes];
    }
}
