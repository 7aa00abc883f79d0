namespace Notifications.Delivery;

/// <summary>One message's content as mailed: a digest (rendered once per run, archived, shared by every batch) or a notice to an editor.</summary>
public sealed record MailContent(string Subject, string Html, string Text);
