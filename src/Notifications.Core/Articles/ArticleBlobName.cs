namespace Notifications.Articles;

/// <summary>What a blob name in <c>articles</c> may be when it comes from outside (the desk, the CLI): a relative path of plain segments.</summary>
public static class ArticleBlobName
{
    public const int MaxLength = 512;

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong: empty, too long, absolute, a <c>.</c> or <c>..</c> segment,
    /// an empty segment, a backslash or a control character.</summary>
    public static string Check(string? blobName)
    {
        if (string.IsNullOrWhiteSpace(blobName))
            throw new ArgumentException("The article needs a file name, e.g. 2026/ptc-243.en.md.", nameof(blobName));
        if (blobName.Length > MaxLength)
            throw new ArgumentException($"The file name is {blobName.Length} characters long; at most {MaxLength} are allowed.", nameof(blobName));
        if (blobName.Any(c => char.IsControl(c) || c == '\\')
            || blobName.Split('/').Any(s => s.Length == 0 || s == "." || s == ".." || s.Trim().Length != s.Length))
            throw new ArgumentException($"'{blobName}' is not a file name for an article: use folders and a name separated by '/', e.g. 2026/ptc-243.en.md " +
                "(no leading or doubled '/', no '.' or '..' folders, no backslash, no spaces around a name).", nameof(blobName));
        return blobName;
    }
}
