using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>
/// A stateless anti-forgery token for a form: base64url(issued at, 8 bytes big-endian unix seconds ‖ HMAC-SHA256(key, binding ‖
/// issued at), first 16 bytes), the key derived (HKDF, with the token's purpose) from the current link-signing key
/// (<see cref="TokenOptions"/>). The binding is what the token is for (a signed-in user, a form's name); it is valid for its lifetime
/// (and up to 5 minutes ahead, for clocks apart). No cookie, no state: any instance of the app checks it. Used by the console's forms
/// (<see cref="ConsoleAntiForgery"/>) and the public manage-link request form (<see cref="PageFormToken"/>).
/// </summary>
public sealed class SignedFormToken
{
    private const int MacBytes = 16;
    private readonly byte[] key;
    private readonly TimeSpan lifetime;
    private readonly TimeProvider time;

    public SignedFormToken(IOptions<TokenOptions> options, TimeProvider time, string purpose, TimeSpan lifetime)
    {
        var value = options.Value;
        TokenOptionsValidator.TryDecodeKey(value.Keys.GetValueOrDefault(value.CurrentKeyId) ?? "", out var secret);
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.ASCII.GetBytes(purpose));
        this.lifetime = lifetime;
        this.time = time;
    }

    /// <summary>A token for <paramref name="binding"/>, issued now.</summary>
    public string Issue(string binding)
    {
        var token = new byte[8 + MacBytes];
        BinaryPrimitives.WriteInt64BigEndian(token, time.GetUtcNow().ToUnixTimeSeconds());
        Mac(binding, token.AsSpan(0, 8)).CopyTo(token.AsSpan(8));
        return Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>True when <paramref name="token"/> was issued by this app for <paramref name="binding"/> within the lifetime.</summary>
    public bool IsValid(string binding, string? token)
    {
        // 24 bytes are 32 base64 characters without padding.
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
        if (issued > now + TimeSpan.FromMinutes(5) || now - issued > lifetime) return false;
        return CryptographicOperations.FixedTimeEquals(Mac(binding, bytes.AsSpan(0, 8)), bytes.AsSpan(8));
    }

    private byte[] Mac(string binding, ReadOnlySpan<byte> issued)
    {
        var name = Encoding.UTF8.GetBytes(binding);
        var message = new byte[4 + name.Length + issued.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, name.Length);
        name.CopyTo(message, 4);
        issued.CopyTo(message.AsSpan(4 + name.Length));
        return HMACSHA256.HashData(key, message)[..MacBytes];
    }
}
