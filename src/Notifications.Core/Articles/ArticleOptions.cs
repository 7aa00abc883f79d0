using System.ComponentModel.DataAnnotations;
using Notifications.Mail;

namespace Notifications.Articles;

/// <summary>How articles are accepted (section <c>Articles</c>).</summary>
public sealed class ArticleOptions
{
    public const string Section = "Articles";

    /// <summary>Files larger than this are rejected (default 1 MiB).</summary>
    [Range(1, 64 * 1024 * 1024, ErrorMessage = "Articles:MaxBytes must be between 1 and 67108864 (64 MiB).")]
    public int MaxBytes { get; set; } = 1024 * 1024;

    /// <summary>Where rejection reports go when the article names no <c>editor</c> (empty: only the report blob and the index).</summary>
    [EmailAddress(ErrorMessage = "Articles:EditorsEmail is not an email address.")]
    public string? EditorsEmail { get; set; }
}
