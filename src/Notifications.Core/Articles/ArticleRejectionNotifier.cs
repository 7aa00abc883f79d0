using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Localization;
using Notifications.Templates;
using Scriban.Runtime;
using Notifications.Mail;

namespace Notifications.Articles;

/// <summary>
/// Tells the editor why an article was rejected: an email to the article's <c>editor</c> address, else to
/// <c>Articles:EditorsEmail</c>. Sent by whoever recorded the rejection, so once per rejected content.
/// A failure to send is logged, not thrown: the rejection is already in the index and in <c>articles-rejected</c>.
/// </summary>
public sealed class ArticleRejectionNotifier(
    TemplateSet templates,
    IMailTransport transport,
    IOptions<ArticleOptions> articles,
    IOptions<SenderOptions> sender,
    IRecipientIds ids,
    ILogger<ArticleRejectionNotifier> logger)
{
    public const string Category = "article-rejected";

    private const string Language = "en";

    public async Task NotifyAsync(IndexedArticle article, CancellationToken ct)
    {
        if (article.Rejection is not { } r) return;
        var to = article.Editor ?? articles.Value.EditorsEmail;
        if (string.IsNullOrWhiteSpace(to))
        {
            logger.LogWarning(
                "Article {BlobName} was rejected ({Code}) and nobody is told: set Articles:EditorsEmail or an editor in the front matter",
                article.BlobName, r.Code);
            return;
        }
        var email = EmailAddress.Normalize(to);
        var model = new ScriptObject
        {
            // Editors read it in English; its words are the rejection_mail.* texts of the language files.
            ["lang"] = Language,
            ["sender"] = sender.Value.Sender,
            ["article"] = article.BlobName,
            ["code"] = r.Code,
            ["message"] = r.Message,
            ["line"] = r.Line?.ToString() ?? "",
            ["hint"] = r.Hint,
        };
        var content = new MailContent(
            string.Join(' ', templates.RenderText("article-rejected.subject.sbn", model).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim(),
            templates.RenderHtml("article-rejected.html.sbn", model),
            templates.RenderText("article-rejected.txt.sbn", model));
        try
        {
            await transport.SendAsync(new MailBatch($"{Category}-{article.ContentHash[..12]}", "notice", Category, content,
                [new Recipient(ids.Of(email), email, Translations.For(Language)["rejection_mail.recipient_name"])]), ct);
            logger.LogInformation("Told the editor ({Editor}) that {BlobName} was rejected ({Code})", EmailAddress.Mask(email), article.BlobName, r.Code);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not tell the editor ({Editor}) that {BlobName} was rejected", EmailAddress.Mask(email), article.BlobName);
        }
    }
}
