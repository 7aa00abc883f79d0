namespace Notifications.Mail;

/// <summary>One message's content as mailed: a digest (rendered once per run, archived, shared by every batch) or a notice to an editor.</summary>
/// <param name="Placeholders">The keys the content has where each recipient's own name and links go (a digest); none: the content is
/// the same for everyone and nothing in it is substituted (a notice).</param>
public sealed record MailContent(string Subject, string Html, string Text, MailPlaceholders? Placeholders = null);
