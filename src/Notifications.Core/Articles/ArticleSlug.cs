using System.Globalization;
using System.Text;

namespace Notifications.Articles;

/// <summary>
/// A file name part from a title: lower-case ASCII letters, digits and dashes only (Cyrillic transliterated, accents dropped), at most
/// <see cref="MaxLength"/> characters, cut at a dash. It can never hold a slash, a dot or anything else that walks a path.
/// </summary>
public static class ArticleSlug
{
    public const int MaxLength = 60;

    private static readonly Dictionary<char, string> Cyrillic = new()
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['е'] = "e", ['ё'] = "e", ['ж'] = "zh", ['з'] = "z", ['и'] = "i",
        ['й'] = "y", ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o", ['п'] = "p", ['р'] = "r", ['с'] = "s", ['т'] = "t",
        ['у'] = "u", ['ф'] = "f", ['х'] = "kh", ['ц'] = "ts", ['ч'] = "ch", ['ш'] = "sh", ['щ'] = "shch", ['ъ'] = "", ['ы'] = "y", ['ь'] = "",
        ['э'] = "e", ['ю'] = "yu", ['я'] = "ya", ['і'] = "i", ['ї'] = "yi", ['є'] = "ye", ['ґ'] = "g", ['ў'] = "u", ['қ'] = "q", ['ғ'] = "g",
        ['ҳ'] = "h", ['ң'] = "ng", ['ө'] = "o", ['ү'] = "u", ['ұ'] = "u", ['ә'] = "a",
    };

    /// <summary>The slug of <paramref name="text"/>; null when nothing usable is left (no letter or digit).</summary>
    public static string? Of(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var ascii = new StringBuilder(text.Length);
        var latin = string.Concat(text.ToLowerInvariant().Select(c => Cyrillic.TryGetValue(c, out var l) ? l : c.ToString()));
        foreach (var c in latin.Replace("ß", "ss").Replace("æ", "ae").Replace("œ", "oe").Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) ascii.Append(c);
            else if (ascii.Length > 0 && ascii[^1] != '-') ascii.Append('-');
            if (ascii.Length > MaxLength * 2) break;
        }
        var slug = ascii.ToString().Trim('-');
        if (slug.Length > MaxLength)
        {
            var cut = slug.LastIndexOf('-', MaxLength);
            slug = (cut >= MaxLength / 2 ? slug[..cut] : slug[..MaxLength]).Trim('-');
        }
        return slug.Length == 0 ? null : slug.Normalize(NormalizationForm.FormC);
    }
}
