namespace Notifications.Subscribers;

/// <summary>How often a subscriber hears from us. Daily and weekly are digest runs; instant alerts go out per article.</summary>
public enum DigestFrequency { Daily, Weekly, Instant }
