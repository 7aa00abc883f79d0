namespace Notifications.Digests;

public enum DigestFrequency { Daily, Weekly }
