namespace Notifications.Articles;

/// <summary>An article as parsed from its blob: what digests show.</summary>
public sealed record Article(
    string Title,
    string Summary,
    string Language,
    IReadOnlyList<string> Topics,
    DateTimeOffset? Published,
    string? Url,
    string BodyHtml);

/// <summary>An article as the index knows it: parsed fields plus where it came from and when it was accepted.</summary>
public sealed record IndexedArticle(
    string BlobName,
    ArticleStatus Status,
    string Title,
    string Summary,
    string Language,
    IReadOnlyList<string> Topics,
    DateTimeOffset? Published,
    string? Url,
    string ContentHash,
    DateTimeOffset? AcceptedAt,
    ArticleRejection? Rejection);

public enum ArticleStatus { Accepted, Rejected }

/// <summary>Why an article was rejected, written for the editor who has to fix it.</summary>
public sealed record ArticleRejection(string Code, string Message, int? Line, string Hint);

/// <summary>Thrown by the parser when a file cannot become an article.</summary>
public sealed class ArticleRejectedException(ArticleRejection rejection) : Exception(rejection.Message)
{
    public ArticleRejection Rejection { get; } = rejection;
}
