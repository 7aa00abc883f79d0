using System.Globalization;
using System.Text;

namespace Notifications.Subscribers;

/// <summary>
/// Text as the search index compares it: lower case without accents ("Société" and "SOCIETE" both become "societe"; "ё" becomes
/// "е"), plus the few letters that do not decompose (ß, æ, œ, ø, ł, đ, ı).
/// </summary>
public static class SubscriberSearchText
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

    /// <summary>What a card is searched by: address, name and organisation, folded, kept apart so that no match spans two of them.</summary>
    public static string Of(SubscriberCard card) => Fold(card.Email) + "\u0001" + Fold(card.Name) + "\u0001" + Fold(card.Organization);
}
