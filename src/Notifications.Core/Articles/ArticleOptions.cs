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

    /// <summary>
    /// The editorial checks (<see cref="ArticleChecks"/>) warn when a title is longer than this many characters (default 78: what a
    /// subject line shows before it is cut, and about what a phone's inbox line shows).
    /// </summary>
    [Range(20, 300, ErrorMessage = "Articles:CheckTitleLength must be between 20 and 300 characters.")]
    public int CheckTitleLength { get; set; } = 78;

    /// <summary>The checks warn when the session ended more than this many days before the article goes out (default 30).</summary>
    [Range(7, 3650, ErrorMessage = "Articles:CheckSessionAgeDays must be between 7 and 3650 days.")]
    public int CheckSessionAgeDays { get; set; } = 30;

    /// <summary>
    /// An article about a session that ended longer than this before it enters digests (its acceptance, or a later published date) is
    /// not news: it is accepted with a warning and keeps its article page, but no digest or alert carries it unless its front matter says
    /// <c>news: true</c> (default 60 days; <see cref="NewsWindowRule"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ParseLimitsInInvariantCulture = true,
        ErrorMessage =
            "Articles:NewsWindow must be between 1.00:00:00 and 3650.00:00:00 (how long after its session an article is still news), e.g. 60.00:00:00.")]
    public TimeSpan NewsWindow { get; set; } = TimeSpan.FromDays(60);

    /// <summary>The checks warn when an article has more than this many topics (default 3): it reaches nearly everyone.</summary>
    [Range(1, 50, ErrorMessage = "Articles:CheckTopicCount must be between 1 and 50.")]
    public int CheckTopicCount { get; set; } = 3;
}
