using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Mail;

namespace Notifications.Subscribers;

/// <summary>The <c>Subscribers</c> section: the secret the subscriber ids are keyed with. Checked by <see cref="SubscriberIdOptionsValidator"/>.</summary>
public sealed class SubscriberIdOptions
{
    public const string Section = "Subscribers";

    /// <summary>
    /// Base64 of at least 32 random bytes (<c>Subscribers__IdKey</c>, from Key Vault when deployed). Never change it once subscribers
    /// exist: every id, audit partition, watermark and suppression entry is keyed with it.
    /// </summary>
    public string IdKey { get; set; } = "";
}

public sealed class SubscriberIdOptionsValidator : IValidateOptions<SubscriberIdOptions>
{
    public ValidateOptionsResult Validate(string? name, SubscriberIdOptions options)
        => TokenOptionsValidator.TryDecodeKey(options.IdKey, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Subscribers:IdKey is {(string.IsNullOrWhiteSpace(options.IdKey) ? "not set" : "not base64 of at least 32 bytes")}: subscriber " +
                    $"ids are a keyed hash of the address; " +
                "generate a key with `openssl rand -base64 32` and keep it (in Key Vault when deployed): changing it later loses every id.");
}

/// <summary>
/// Subscriber ids: HMAC-SHA256 of the normalised address with <see cref="SubscriberIdOptions.IdKey"/>, first 16 bytes as 32 lowercase
/// hex characters. Without the key, an id (an audit partition, a ledger entry, a suppression entry) cannot be checked against an address.
/// </summary>
public sealed class SubscriberIds(IOptions<SubscriberIdOptions> options) : IRecipientIds
{
    private readonly Lazy<byte[]> _key = new(() => TokenOptionsValidator.TryDecodeKey(options.Value.IdKey, out var key)
        ? key
        : throw new InvalidOperationException("Subscribers:IdKey is not base64 of at least 32 bytes."));

    /// <summary>The id of an address already normalised (<see cref="EmailAddress.Normalize"/>).</summary>
    public string Of(string normalizedEmail)
        => Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(normalizedEmail)).AsSpan(0, 16));

    /// <summary>The id an address had before ids were keyed: an unsalted SHA-256 (what <c>notify subscribers migrate-ids</c> moves from).</summary>
    public static string LegacyOf(string normalizedEmail)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)).AsSpan(0, 16));

    /// <summary>
    /// 32 hexadecimal characters, in either case: an id as an admin may give it (the API, the CLI). Every id is stored in lower
    /// case, so one given here is lower-cased before it is looked up (<see cref="SubscriberAdmin"/> does).
    /// </summary>
    public static bool IsId(string? value) => value is { Length: 32 } && value.All(char.IsAsciiHexDigit);
}
