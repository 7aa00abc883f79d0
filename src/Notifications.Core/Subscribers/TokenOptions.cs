using Microsoft.Extensions.Options;

namespace Notifications.Subscribers;

/// <summary>Keys and lifetimes of the signed links in subscriber emails (section <c>Tokens</c>). Checked by <see cref="TokenOptionsValidator"/>.</summary>
public sealed class TokenOptions
{
    public const string Section = "Tokens";

    /// <summary>Key id → secret (base64 of at least 32 bytes). Links signed with any key here still verify; remove a key to revoke its links.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>The id of the key in <see cref="Keys"/> that signs new links.</summary>
    public string CurrentKeyId { get; set; } = "";

    /// <summary>How long a confirmation link works. Unsubscribe and preferences links never expire.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Checks the keys before the first link is signed; messages name the setting and say what to do, and never show a secret.</summary>
public sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
{
    public const int MinKeyBytes = 32;
    public const int MaxKeyIdLength = 16;
    public static readonly TimeSpan MaxConfirmationLifetime = TimeSpan.FromDays(365);

    private const string Generate = "generate one with `openssl rand -base64 32`";

    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        var errors = new List<string>();
        var keys = options.Keys ?? [];
        if (keys.Count == 0)
            errors.Add($"Tokens:Keys is empty: add a signing key, e.g. Tokens:Keys:k1 ({Generate}), and set Tokens:CurrentKeyId to k1.");

        foreach (var (id, secret) in keys)
        {
            if (!IsValidKeyId(id))
                errors.Add($"Tokens:Keys:{id} has an invalid key id: use 1-{MaxKeyIdLength} characters from A-Z, a-z, 0-9, '_' and '-', e.g. k1 or 2025-06.");
            if (!TryDecodeKey(secret, out _))
                errors.Add($"Tokens:Keys:{id} is not base64 of at least {MinKeyBytes} bytes: {Generate}.");
        }

        var known = string.Join(", ", keys.Keys.Order(StringComparer.Ordinal));
        if (string.IsNullOrWhiteSpace(options.CurrentKeyId))
            errors.Add($"Tokens:CurrentKeyId is empty: set it to the id of the key that signs new links, one of Tokens:Keys ({known}).");
        else if (keys.Count > 0 && !keys.Keys.Contains(options.CurrentKeyId, StringComparer.Ordinal))
            errors.Add($"Tokens:CurrentKeyId '{options.CurrentKeyId}' is not one of Tokens:Keys ({known}): add the key or change the id.");

        if (options.ConfirmationLifetime <= TimeSpan.Zero || options.ConfirmationLifetime > MaxConfirmationLifetime)
            errors.Add($"Tokens:ConfirmationLifetime '{options.ConfirmationLifetime}' must be more than zero and at most " +
                $"{MaxConfirmationLifetime.TotalDays:0} days, e.g. 7.00:00:00 for a week.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>1-16 characters from [A-Za-z0-9_-]: the id travels inside every link, as ASCII.</summary>
    public static bool IsValidKeyId(string? id)
        => id is { Length: > 0 and <= MaxKeyIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    internal static bool TryDecodeKey(string? secret, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(secret))
            return false;
        var buffer = new byte[secret.Length];
        if (!Convert.TryFromBase64String(secret.Trim(), buffer, out var written) || written < MinKeyBytes)
            return false;
        key = buffer[..written];
        return true;
    }
}
