namespace Notifications.Subscribers;

/// <summary>How often a subscriber hears from us. Daily and weekly are digest runs; instant alerts go out per article.</summary>
public enum DigestFrequency { Daily, Weekly, Instant }

/// <summary>Frequencies as people and run ids write them.</summary>
public static class DigestFrequencies
{
    /// <summary>"daily", "weekly" or "instant" (any case, spaces around allowed); a clear error for anything else.</summary>
    /// <exception cref="ArgumentException">Not one of them.</exception>
    public static DigestFrequency Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "daily" => DigestFrequency.Daily,
        "weekly" => DigestFrequency.Weekly,
        "instant" => DigestFrequency.Instant,
        _ => throw new ArgumentException($"frequency '{value}' is not supported; use instant, daily or weekly."),
    };
}
