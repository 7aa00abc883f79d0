using System.Text.RegularExpressions;

namespace Notifications.Web;

/// <summary>
/// Which names an article page looks up: a blob name of the <c>articles</c> container as editors write them ("2026/ptc-243.en.md"),
/// checked before any lookup: at most <see cref="MaxLength"/> characters; letters, digits, space and <c>. _ - ~ ( ) +</c> in segments
/// separated by single slashes; no empty, <c>.</c> or <c>..</c> segment; no control character, backslash, percent sign or colon.
/// </summary>
public static partial class ArticleNames
{
    public const int MaxLength = 256;

    public static bool IsValid(string? name)
        => name is { Length: > 0 and <= MaxLength }
            && Shape().IsMatch(name)
            && name.Split('/').All(segment => segment is not ("." or "..") && segment.Trim().Length > 0);

    [GeneratedRegex(@"^[\p{L}\p{M}\p{N} ._~()+-]+(/[\p{L}\p{M}\p{N} ._~()+-]+)*$")]
    private static partial Regex Shape();
}
