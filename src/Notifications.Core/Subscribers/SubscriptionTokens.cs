using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Notifications.Subscribers;

/// <summary>What a signed link lets its holder do.</summary>
public enum TokenPurpose
{
    /// <summary>Confirm a new subscription (double opt-in). Expires after <see cref="TokenOptions.ConfirmationLifetime"/>.</summary>
    Confirm,
    /// <summary>Cancel the subscription. Never expires: old emails must keep a working unsubscribe link.</summary>
    Unsubscribe,
    /// <summary>Open the preferences page (frequency, language). Never expires.</summary>
    Preferences,
    /// <summary>
    /// Confirm an address change an admin started (<see cref="AddressChanges"/>), from the new address; it names the change (a request id).
    /// Expires after <see cref="TokenOptions.ConfirmationLifetime"/>.
    /// </summary>
    AddressChange,
}

/// <summary>A token whose signature, purpose and expiry have been checked.</summary>
/// <param name="RequestId">
/// The subscribe request a confirmation link confirms (see <see cref="SubscribeRequestStore"/>); null in links that name only the
/// subscriber (every unsubscribe and preferences link, and confirmation links sent before subscribe requests existed).
/// </param>
public sealed record VerifiedToken(string SubscriberId, TokenPurpose Purpose, DateTimeOffset? ExpiresAt, string KeyId, string? RequestId = null);

public enum TokenProblem { Malformed, UnknownKey, BadSignature, Expired, WrongPurpose }

/// <summary>A link that cannot be honoured. The message is for the subscriber's error page: plain words, no internals, never the token.</summary>
public sealed class InvalidTokenException(TokenProblem problem, string message) : Exception(message)
{
    public TokenProblem Problem { get; } = problem;
}

/// <summary>
/// Issues and verifies the signed tokens in confirm, unsubscribe and preferences links.
/// A token is base64url (no padding) of:
/// <code>
/// version (1 byte, = 1)
/// key id length (1 byte, 1-16) + key id (ASCII [A-Za-z0-9_-])
/// subscriber id (16 bytes, the 32 hex characters of <see cref="SubscriberIds.Of"/>)
/// purpose (1 byte, <see cref="TokenPurpose"/>)
/// expiry (8 bytes, big-endian unix seconds; 0 = never)
/// MAC (16 bytes): HMAC-SHA256 with the key, over everything above, truncated to its first 16 bytes
/// </code>
/// With key id "k1" that is 45 bytes, 60 characters; at most 59 bytes, 79 characters.
/// A confirmation link for a subscribe request is version 2: the same, with the request id (16 bytes, 32 hex characters) after
/// the subscriber id, so that the link applies exactly the request it was sent for (82 characters with key id "k1").
/// </summary>
public sealed class SubscriptionTokens
{
    public const int MaxTokenLength = 512;

    private const byte Version = 1;
    private const byte RequestVersion = 2;
    private const int IdBytes = 16;
    // HMAC-SHA256 truncated to 128 bits (as RFC 2104 section 5 allows): forging one still takes ~2^128 guesses, and links stay short.
    private const int MacBytes = 16;
    private const int FixedBytes = 1 + 1 + IdBytes + 1 + 8 + MacBytes;

    private readonly Dictionary<string, byte[]> keys;
    private readonly string currentKeyId;
    private readonly TimeSpan confirmationLifetime;
    private readonly TimeProvider time;

    public SubscriptionTokens(IOptions<TokenOptions> options, TimeProvider time)
    {
        var value = options.Value;
        // The options are validated at host start; check again for instances built without the container.
        var check = new TokenOptionsValidator().Validate(null, value);
        if (check.Failed)
            throw new OptionsValidationException(Options.DefaultName, typeof(TokenOptions), check.Failures);
        keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, secret) in value.Keys)
        {
            TokenOptionsValidator.TryDecodeKey(secret, out var key);
            keys[id] = key;
        }
        currentKeyId = value.CurrentKeyId;
        confirmationLifetime = value.ConfirmationLifetime;
        this.time = time;
    }

    /// <summary>A token for <paramref name="subscriberId"/> (32 lowercase hex characters), signed with the current key.</summary>
    public string Issue(string subscriberId, TokenPurpose purpose) => purpose == TokenPurpose.AddressChange
        ? throw new ArgumentException("An address-change token names its change: use IssueAddressChange.", nameof(purpose))
        : Issue(subscriberId, purpose, null);

    /// <summary>A confirmation token for one subscribe request (<paramref name="requestId"/>: 32 lowercase hex characters)
    /// of <paramref name="subscriberId"/>.</summary>
    public string IssueConfirm(string subscriberId, string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return Issue(subscriberId, TokenPurpose.Confirm, requestId);
    }

    /// <summary>An address-change token for one pending change (<paramref name="requestId"/>: 32 lowercase hex characters) of
    /// <paramref name="subscriberId"/>; it expires like a confirmation.</summary>
    public string IssueAddressChange(string subscriberId, string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return Issue(subscriberId, TokenPurpose.AddressChange, requestId);
    }

    private string Issue(string subscriberId, TokenPurpose purpose, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(subscriberId);
        if (subscriberId.Length != IdBytes * 2 || !subscriberId.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"The subscriber id must be {IdBytes * 2} lowercase hex characters, as SubscriberIds.Of gives.", nameof(subscriberId));
        if (requestId is not null && (requestId.Length != IdBytes * 2 || !requestId.All(char.IsAsciiHexDigitLower)))
            throw new ArgumentException($"The request id must be {IdBytes * 2} lowercase hex characters.", nameof(requestId));
        if (!Enum.IsDefined(purpose))
            throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Unknown token purpose.");

        var expires = purpose is TokenPurpose.Confirm or TokenPurpose.AddressChange ? (time.GetUtcNow() + confirmationLifetime).ToUnixTimeSeconds() : 0;
        var kid = Encoding.ASCII.GetBytes(currentKeyId);
        var token = new byte[FixedBytes + kid.Length + (requestId is null ? 0 : IdBytes)];
        var at = 0;
        token[at++] = requestId is null ? Version : RequestVersion;
        token[at++] = (byte)kid.Length;
        kid.CopyTo(token, at);
        at += kid.Length;
        Convert.FromHexString(subscriberId, token.AsSpan(at, IdBytes), out _, out _);
        at += IdBytes;
        if (requestId is not null)
        {
            Convert.FromHexString(requestId, token.AsSpan(at, IdBytes), out _, out _);
            at += IdBytes;
        }
        token[at++] = (byte)purpose;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(at, 8), expires);
        at += 8;
        Sign(keys[currentKeyId], token.AsSpan(0, at), token.AsSpan(at, MacBytes));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The token's subscriber, purpose and expiry; throws <see cref="InvalidTokenException"/>, and nothing else,
    /// for any token that is not a valid, unexpired token for <paramref name="expected"/>.</summary>
    public VerifiedToken Verify(string? token, TokenPurpose expected)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
            throw Malformed();
        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw Malformed();
        }

        // Base64Url.TryDecodeFromChars throws FormatException on some invalid input (4n+1 characters, stray bits),
        // so use the OperationStatus overload, and rule out 4n+1 characters (never base64) before it.
        if (token.Length % 4 == 1)
            throw Malformed();
        Span<byte> buffer = stackalloc byte[Base64Url.GetMaxDecodedLength(MaxTokenLength)];
        if (Base64Url.DecodeFromChars(token, buffer, out var consumed, out var length) != OperationStatus.Done || consumed != token.Length)
            throw Malformed();
        var bytes = buffer[..length];
        // Strict: exactly one spelling per token (no stray low bits in the last character).
        if (!IsCanonical(token, bytes))
            throw Malformed();

        if (bytes.Length < FixedBytes + 1 || bytes[0] is not (Version or RequestVersion))
            throw Malformed();
        var withRequest = bytes[0] == RequestVersion;
        var kidLength = bytes[1];
        if (kidLength is 0 or > TokenOptionsValidator.MaxKeyIdLength || bytes.Length != FixedBytes + kidLength + (withRequest ? IdBytes : 0))
            throw Malformed();
        var at = 2;
        var kidBytes = bytes.Slice(at, kidLength);
        foreach (var b in kidBytes)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_'))
                throw Malformed();
        }
        var keyId = Encoding.ASCII.GetString(kidBytes);
        at += kidLength;
        var subscriberId = Convert.ToHexStringLower(bytes.Slice(at, IdBytes));
        at += IdBytes;
        string? requestId = null;
        if (withRequest)
        {
            requestId = Convert.ToHexStringLower(bytes.Slice(at, IdBytes));
            at += IdBytes;
        }
        var purposeByte = bytes[at++];
        // A request id only in a confirmation or an address change; an address change always names one.
        if (!Enum.IsDefined((TokenPurpose)purposeByte)
            || (withRequest && (TokenPurpose)purposeByte is not (TokenPurpose.Confirm or TokenPurpose.AddressChange))
            || (!withRequest && (TokenPurpose)purposeByte == TokenPurpose.AddressChange))
            throw Malformed();
        var purpose = (TokenPurpose)purposeByte;
        var expires = BinaryPrimitives.ReadInt64BigEndian(bytes.Slice(at, 8));
        at += 8;
        if (expires < 0 || expires > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            throw Malformed();

        if (!keys.TryGetValue(keyId, out var key))
            throw new InvalidTokenException(TokenProblem.UnknownKey,
                "This link is no longer valid. Use the link in a more recent email from us, or ask for a new one.");
        Span<byte> mac = stackalloc byte[MacBytes];
        Sign(key, bytes[..at], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes.Slice(at, MacBytes)))
            throw new InvalidTokenException(TokenProblem.BadSignature, "This link is not valid. Copy the whole link from the email, or ask for a new one.");

        if (purpose != expected)
            throw new InvalidTokenException(TokenProblem.WrongPurpose, "This link is meant for a different action. Use the matching link in the email.");

        DateTimeOffset? expiresAt = expires == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(expires);
        if (expiresAt is { } deadline && time.GetUtcNow() >= deadline)
        {
            throw new InvalidTokenException(TokenProblem.Expired, purpose == TokenPurpose.Confirm
                ? "This link has expired. Ask for a new confirmation email."
                : "This link has expired. Use the link in a more recent email from us.");
        }

        return new VerifiedToken(subscriberId, purpose, expiresAt, keyId, requestId);
    }

    private static void Sign(byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, data, full);
        full[..MacBytes].CopyTo(mac);
    }

    private static bool IsCanonical(string token, ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[MaxTokenLength];
        return Base64Url.TryEncodeToChars(bytes, chars, out var written) && chars[..written].SequenceEqual(token);
    }

    private static InvalidTokenException Malformed()
        => new(TokenProblem.Malformed, "This link is incomplete or damaged. Copy the whole link from the email into your browser, or ask for a new one.");
}
