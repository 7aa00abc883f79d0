using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Notifications.Delivery;

/// <summary>The Signed Event Webhook's verification key: base64 of the DER SubjectPublicKeyInfo of an ECDSA P-256 public key.</summary>
public static class SendGridWebhookKey
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The DER bytes of a usable key; false (with the reason) when the value is empty or is not such a key.</summary>
    public static bool TryParse(string? value, out byte[] key, out string error)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "it is empty";
            return false;
        }
        var bytes = new byte[value.Length];
        if (!Convert.TryFromBase64String(value.Trim(), bytes, out var length))
        {
            error = "it is not base64";
            return false;
        }
        bytes = bytes[..length];
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(bytes, out var read);
            if (read != bytes.Length)
            {
                error = "it has bytes after the key";
                return false;
            }
            var curve = ecdsa.ExportParameters(false).Curve;
            if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
            {
                error = $"it is an ECDSA key on another curve ({curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "explicit"}); SendGrid signs with P-256";
                return false;
            }
        }
        catch (CryptographicException)
        {
            error = "it is not an ECDSA public key (base64 of a DER SubjectPublicKeyInfo)";
            return false;
        }
        key = bytes;
        error = "";
        return true;
    }
}

/// <summary>Checks <c>SendGrid:WebhookPublicKey</c> at start when it is set; the message names the setting and never shows the key.</summary>
public sealed class SendGridWebhookKeyValidator : IValidateOptions<SendGridOptions>
{
    public ValidateOptionsResult Validate(string? name, SendGridOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.WebhookPublicKey) || SendGridWebhookKey.TryParse(options.WebhookPublicKey, out _, out var error))
            return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(
            $"SendGrid:WebhookPublicKey is not a usable verification key: {error}. Copy the Verification Key of the Signed Event Webhook " +
            "from SendGrid (Settings > Mail Settings > Event Webhooks), base64 as shown; or leave the setting empty to turn the event webhook off.");
    }
}
