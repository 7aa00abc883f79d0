namespace Notifications.Digests;

/// <summary>One digest as mailed: rendered once per run, archived in the <c>digests</c> container, shared by every batch.</summary>
public sealed record RenderedDigest(string Subject, string Html, string Text);
