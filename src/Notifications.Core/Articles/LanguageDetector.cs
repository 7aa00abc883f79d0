using System.Collections.Frozen;

namespace Notifications.Articles;

/// <summary>
/// Tells Russian, French and English apart: "ru" when Cyrillic letters outnumber Latin ones, otherwise "fr" or "en" by
/// counting common function words (and French elisions such as l', d', qu'). Only the first 20,000 characters are read;
/// empty or undecidable text is "en".
/// </summary>
public static class LanguageDetector
{
    private const int MaxChars = 20_000;
    private const int MaxWordLength = 32;

    private static readonly FrozenSet<string> FrenchWords = FrozenSet.Create(StringComparer.Ordinal,
        "le", "la", "les", "des", "du", "de", "et", "est", "une", "un", "pour", "dans", "au", "aux", "sont", "sur", "par", "avec",
        "qui", "que", "ont", "été", "ce", "cette", "ces", "il", "elle", "ils", "elles", "leur", "leurs", "mais", "ou", "où", "pas",
        "plus", "son", "sa", "ses", "nous", "vous", "lors", "entre", "également", "aussi", "sous", "en", "était", "sera", "ainsi");

    private static readonly FrozenSet<string> EnglishWords = FrozenSet.Create(StringComparer.Ordinal,
        "the", "and", "of", "to", "in", "is", "was", "were", "with", "for", "by", "that", "this", "are", "as", "at", "from", "has",
        "have", "been", "be", "it", "its", "which", "an", "will", "their", "also", "not", "but", "had", "these", "other", "into");

    private static readonly FrozenSet<string> FrenchElisions = FrozenSet.Create(StringComparer.Ordinal,
        "l", "d", "qu", "n", "s", "j", "c", "m", "t", "jusqu", "lorsqu", "puisqu");

    /// <summary>"ru", "fr" or "en".</summary>
    public static string Detect(string text)
    {
        if (string.IsNullOrEmpty(text))
            return "en";

        var span = text.AsSpan(0, Math.Min(text.Length, MaxChars));
        var french = FrenchWords.GetAlternateLookup<ReadOnlySpan<char>>();
        var english = EnglishWords.GetAlternateLookup<ReadOnlySpan<char>>();
        var elisions = FrenchElisions.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> lower = stackalloc char[MaxWordLength];

        int cyrillic = 0, latin = 0, fr = 0, en = 0;
        var i = 0;
        while (i < span.Length)
        {
            if (!char.IsLetter(span[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < span.Length && char.IsLetter(span[i]))
            {
                var c = span[i];
                if (c is >= '\u0400' and <= '\u04FF')
                    cyrillic++;
                else if (c <= '\u024F')
                    latin++;
                i++;
            }
            var word = span[start..i];
            if (word.Length > MaxWordLength || word[0] > '\u024F')
                continue;
            var length = word.ToLowerInvariant(lower);
            var w = lower[..length];
            if (i + 1 < span.Length && span[i] is '\'' or '’' && char.IsLetter(span[i + 1]) && elisions.Contains(w))
                fr++;
            else if (french.Contains(w))
                fr++;
            else if (english.Contains(w))
                en++;
        }

        if (cyrillic > latin)
            return "ru";
        return fr > en ? "fr" : "en";
    }
}
