namespace Notifications.Storage;

/// <summary>Who is being erased: the id, and the address and name to remove wherever they were copied (null when no longer known).</summary>
public sealed record ErasedSubscriber(string Id, string? Email, string? Name)
{
    /// <summary>The personal values to look for in free text (error messages, audit details), longest first.</summary>
    public IReadOnlyList<string> PersonalValues
        => new[] { Email, Name }.OfType<string>().Where(v => v.Trim().Length >= 3).OrderByDescending(v => v.Length).ToList();

    /// <summary>The text with every personal value (ignoring case) replaced by "[erased]".</summary>
    public string Scrub(string text)
        => PersonalValues.Aggregate(text, (t, value) => t.Replace(value, "[erased]", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the text holds a personal value (ignoring case).</summary>
    public bool IsIn(string? text) => text is { Length: > 0 } && PersonalValues.Any(v => text.Contains(v, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the text quotes the address (ignoring case).</summary>
    public bool HasAddressIn(string? text)
        => text is { Length: > 0 } && Email is { Length: > 0 } email && text.Contains(email, StringComparison.OrdinalIgnoreCase);
}

/// <summary>What one store removed for an erasure; <paramref name="Left"/> says what it could not remove yet, and why.</summary>
public sealed record ErasureStep(string Store, int Removed, string? Left = null);

/// <summary>
/// A store outside the subscribers table that may hold copies of a subscriber's address or name (the delivery ledger's unsent batches,
/// SendGrid's raw events, pending subscribe requests). Erasure calls every one registered; each removes what it holds and keeps only
/// what holds no personal data. Declared in Storage so that erasure (Subscribers) and the stores that implement it (Delivery, Subscribers)
/// meet without depending on each other.
/// </summary>
public interface IPersonalDataStore
{
    Task<ErasureStep> ForgetAsync(ErasedSubscriber subscriber, CancellationToken ct = default);
}
