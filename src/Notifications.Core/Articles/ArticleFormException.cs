namespace Notifications.Articles;

/// <summary>A form value <see cref="ArticleFile.Compose"/> cannot write into a file the parser would read back the same (a line break in
/// a one-line field, a session line that is not <c>name: value</c>). <see cref="Field"/> names the form field; the message says what to do.</summary>
public sealed class ArticleFormException(string field, string message, string? line = null) : ArgumentException(message)
{
    /// <summary>The form field at fault: <c>title</c>, <c>summary</c>, <c>session</c>, …</summary>
    public string Field { get; } = field;

    /// <summary>The session line that is not <c>name: value</c>; null for a line break in a one-line field.</summary>
    public string? Line { get; } = line;
}
