using System.Globalization;
using System.Text;

namespace Notifications.Localization;

/// <summary>
/// Text as the app compares it across spellings: lower case without accents ("Société" and "SOCIETE" both become "societe"; "ё"
/// becomes "е"), plus the few letters that do not decompose (ß, æ, œ, ø, ł, đ, ı). Used by the subscriber search
/// (<c>SubscriberSearchText</c>) and the glossary's term matching (<see cref="Glossary"/>).
/// </summary>
public static class TextFolding
{
    /// <summary>The folded form of <paramref name="value"/>; empty for null.</summary>
    public static string Fold(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var decomposed = value.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark) continue;
            switch (char.ToLowerInvariant(c))
            {
                case 'ß': folded.Append("ss"); break;
                case 'æ': folded.Append("ae"); break;
                case 'œ': folded.Append("oe"); break;
                case 'ø': folded.Append('o'); break;
                case 'ł': folded.Append('l'); break;
                case 'đ': folded.Append('d'); break;
                case 'ı': folded.Append('i'); break;
                case var lower: folded.Append(lower); break;
            }
        }
        return folded.ToString();
    }
}
