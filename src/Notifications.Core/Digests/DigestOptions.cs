using System.ComponentModel.DataAnnotations;

namespace Notifications.Digests;

/// <summary>How digests are made (section <c>Digest</c>; who sends them, in the same section, is Mail's <c>SenderOptions</c>).</summary>
public sealed class DigestOptions
{
    public const string Section = "Digest";

    /// <summary>
    /// How often template overrides (the <c>templates</c> container) are checked again after the start (default 5 minutes;
    /// 00:00:00 checks only at the start and when asked, e.g. by <c>notify digest preview</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00",
        ErrorMessage = "Digest:TemplateRefresh must be between 00:00:00 (only at start) and 1.00:00:00 (a day).")]
    public TimeSpan TemplateRefresh { get; set; } = TimeSpan.FromMinutes(5);
}
