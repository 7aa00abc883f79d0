using System.Security.Cryptography;
using Notifications.Articles;

namespace Notifications.Pipeline;

/// <summary>
/// What <see cref="ArticleIngestor"/> would record for a file, worked out without writing anything: the same parse, the same
/// duplicate rule (another article in the index holds the same content, accepted or draft), the same draft, held, correction and news-window rules.
/// </summary>
internal static class DraftEvaluation
{
    /// <summary>The record the ingestor would write for <paramref name="draft"/>, and the parsed article (null when rejected).</summary>
    public static (IndexedArticle Record, Article? Parsed) Evaluate(
        ArticleParser parser, ArticleDraft draft, IndexedArticle? previous, IReadOnlyList<IndexedArticle> index, DateTimeOffset now,
        TimeSpan newsWindow)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(draft.Content));
        Article a;
        try
        {
            a = parser.Parse(draft.BlobName, draft.Content);
        }
        catch (ArticleRejectedException e)
        {
            return (new IndexedArticle(draft.BlobName, ArticleStatus.Rejected, previous?.Title ?? "", "", previous?.Language ?? "", [], null, null, hash,
                previous?.AcceptedAt, e.Rejection, Editor: e.Editor), null);
        }

        var record = new IndexedArticle(draft.BlobName, ArticleStatus.Accepted, a.Title, a.Summary, a.Language, a.Topics, a.Published, a.Url, hash,
            previous?.AcceptedAt, null, null, a.Format, a.Session, a.Slug ?? a.TranslationOf ?? TranslationKeyOf(draft.BlobName), null, a.Editor, a.Alert,
            Warnings: a.Warnings);
        var owner = index.FirstOrDefault(o => o.ContentHash == hash && o.BlobName != draft.BlobName
            && o.Status is ArticleStatus.Accepted or ArticleStatus.Draft);
        if (owner is not null)
            return (record with { Status = ArticleStatus.Duplicate, DuplicateOf = owner.BlobName }, a);
        if (a.Draft)
            return (record with { Status = ArticleStatus.Draft }, a);

        var wasAvailable = previous is { Status: ArticleStatus.Accepted, AvailableAt: not null };
        var availableAt = wasAvailable && !a.Resend
            ? previous!.AvailableAt
            : a.Published is { } published && published > now ? published : now;
        var correction = a.Resend && wasAvailable && previous!.AvailableAt <= now;
        return (NewsWindowRule.Apply(record with { AcceptedAt = previous?.AcceptedAt ?? now, AvailableAt = availableAt, Correction = correction }, a,
            newsWindow), a);
    }

    /// <summary>The ingestor's translation key of a file without a slug: the name up to its first dot ("2026/ptc.ru.md" → "2026/ptc").</summary>
    public static string TranslationKeyOf(string blobName)
    {
        var slash = blobName.LastIndexOf('/');
        var dot = blobName.IndexOf('.', slash + 1);
        return dot > 0 ? blobName[..dot] : blobName;
    }
}
