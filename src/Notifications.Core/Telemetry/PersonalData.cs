using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace Notifications.Telemetry;

/// <summary>
/// The data classes that must not reach logs as they are. A <c>[LoggerMessage]</c> parameter marked with one of the attributes below is
/// redacted by the logging pipeline (<c>EnableRedaction</c>) with the redactor set for its class in <see cref="TelemetryServiceCollectionExtensions"/>.
/// </summary>
public static class PersonalData
{
    public const string Taxonomy = "Notifications";

    /// <summary>An email address: logged masked, <c>j***@customs.example</c> (<see cref="EmailAddressRedactor"/>).</summary>
    public static DataClassification EmailAddress { get; } = new(Taxonomy, nameof(EmailAddress));

    /// <summary>A signed link token, an API key, a secret: logged as <c>***</c> (<see cref="SecretRedactor"/>).</summary>
    public static DataClassification Secret { get; } = new(Taxonomy, nameof(Secret));
}

/// <summary>The parameter or member is an email address (<see cref="PersonalData.EmailAddress"/>).</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class EmailAddressDataAttribute() : DataClassificationAttribute(PersonalData.EmailAddress);

/// <summary>The parameter or member is a token, key or other secret (<see cref="PersonalData.Secret"/>).</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecretDataAttribute() : DataClassificationAttribute(PersonalData.Secret);

/// <summary>Keeps the first character and the domain, as <see cref="AddressMask"/> does: <c>j***@customs.example</c>.</summary>
public sealed class EmailAddressRedactor : Redactor
{
    public override int GetRedactedLength(ReadOnlySpan<char> input) => AddressMask.Mask(input.ToString()).Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var masked = AddressMask.Mask(source.ToString());
        masked.AsSpan().CopyTo(destination);
        return masked.Length;
    }
}

/// <summary>Replaces the value with <c>***</c>, whatever its length.</summary>
public sealed class SecretRedactor : Redactor
{
    public const string Replacement = "***";

    public override int GetRedactedLength(ReadOnlySpan<char> input) => Replacement.Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        Replacement.AsSpan().CopyTo(destination);
        return Replacement.Length;
    }
}
