namespace Notifications.Localization;

/// <summary>
/// The organisation's own terms (<c>Localization/glossary.{language}.json</c>, the <c>glossary.*</c> texts; the source is
/// <c>../shared/domain/glossary.md</c>): the one word for each thing in each language, and the way back from a term as an
/// article writes it, in any language and, for Russian, in any grammatical case ("Брюсселе", "Всемирной таможенной
/// организации", "ВТамО") to its key (<c>cities.brussels</c>, <c>wco</c>, <c>wco_abbreviation</c>). Session metadata is stored
/// in English through it, and shown in the reader's language.
/// </summary>
public static class Glossary
{
    private const string Prefix = "glossary.";
    private const string AvoidPrefix = "avoid.";

    private static readonly Lazy<IReadOnlyList<string>> AllKeys = new(() => Translations.For(Translations.Fallback).Texts.Keys
        .Where(k => k.StartsWith(Prefix, StringComparison.Ordinal) && !k.StartsWith(Prefix + AvoidPrefix, StringComparison.Ordinal))
        .Select(k => k[Prefix.Length..])
        .ToList());

    /// <summary>(language, key, the term's words), longest terms first, so that "WCO Data Model" wins over "data model".</summary>
    private static readonly Lazy<IReadOnlyList<(string Language, string Key, string[] Words)>> Forms = new(() =>
        (from language in Translations.Languages
         from key in AllKeys.Value
         let words = Words(Term(key, language))
         where words.Length > 0
         orderby words.Length descending
         select (language, key, words)).ToList());

    /// <summary>The terms' keys ("wco", "ptc_abbreviation", "cities.brussels", ...), without the variants to avoid.</summary>
    public static IReadOnlyList<string> Keys => AllKeys.Value;

    /// <summary>The term in a language ("cities.brussels", "ru" → "Брюссель"); English for a language we do not have.</summary>
    public static string Term(string key, string language) => Translations.For(language)[Prefix + key];

    /// <summary>The variants never to write for the term in the language (<c>glossary.avoid.*</c>); none for most terms.</summary>
    public static IReadOnlyList<string> Avoid(string key, string language)
        => Translations.For(language).TryGet(Prefix + AvoidPrefix + key, out var text) && text.Trim() != "-"
            ? text.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>The keys of the terms that have variants to avoid.</summary>
    public static IEnumerable<string> AvoidKeys => Translations.For(Translations.Fallback).Texts.Keys
        .Where(k => k.StartsWith(Prefix + AvoidPrefix, StringComparison.Ordinal))
        .Select(k => k[(Prefix.Length + AvoidPrefix.Length)..]);

    /// <summary>
    /// The key of the term a text names, written in any of our languages and, in Russian, in any case: "Брюсселе",
    /// "Bruxelles" → <c>cities.brussels</c>; "Всемирной таможенной организации (ВТамО)" → <c>wco</c>; "ВТамО" →
    /// <c>wco_abbreviation</c>. The whole text must be the term (an abbreviation in brackets after it may follow); null when
    /// it is no term of ours.
    /// </summary>
    public static string? KeyOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var words = Words(text);
        if (Match(words) is { } key)
            return key;
        var open = text.IndexOf('(', StringComparison.Ordinal);
        return open > 0 && Match(Words(text[..open])) is { } named ? named : null;
    }

    /// <summary>The text in the language when it is one of our terms ("Брюсселе", "fr" → "Bruxelles"); else the text as written.</summary>
    public static string Localize(string text, string language) => KeyOf(text) is { } key ? Term(key, language) : text;

    /// <summary>The English term when the text is one of our terms ("ВТамО" → "WCO"), else the text as written; null stays null.</summary>
    public static string? Canonical(string? text) => text is null ? null : Localize(text, Translations.Fallback);

    /// <summary>Whether the text uses the term in the language anywhere, in any case form ("обзоров" uses "обзор").</summary>
    public static bool Mentions(string text, string key, string language)
    {
        var term = Words(Term(key, language));
        if (term.Length == 0)
            return false;
        var words = Words(text);
        for (var i = 0; i + term.Length <= words.Length; i++)
        {
            if (SameWords(words.AsSpan(i, term.Length), term))
                return true;
        }
        return false;
    }

    private static string? Match(string[] words)
    {
        if (words.Length == 0)
            return null;
        foreach (var (_, key, term) in Forms.Value)
        {
            if (term.Length == words.Length && SameWords(words, term))
                return key;
        }
        return null;
    }

    private static bool SameWords(ReadOnlySpan<string> a, string[] b)
    {
        for (var i = 0; i < b.Length; i++)
        {
            if (!SameWord(a[i], b[i]))
                return false;
        }
        return true;
    }

    /// <summary>
    /// The same word, or the same word in another case or number: equal, or both of 4 letters or more sharing all but their
    /// last 3 letters (and at least 4): "Брюсселе" and "Брюссель", "организации" and "организация", "synthèses" and "synthèse".
    /// </summary>
    private static bool SameWord(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
            return true;
        if (a.Length < 4 || b.Length < 4 || char.IsAsciiDigit(a[0]) || char.IsAsciiDigit(b[0]))
            return false;
        var common = a.AsSpan().CommonPrefixLength(b);
        return common >= Math.Max(4, Math.Max(a.Length, b.Length) - 3);
    }

    /// <summary>
    /// A text's words as they compare: folded (<see cref="TextFolding"/>: lower case, without accents, ё is е), "-isation" as
    /// "-ization"; anything but letters and digits separates words.
    /// </summary>
    private static string[] Words(string text)
    {
        var folded = TextFolding.Fold(text).ToCharArray();
        for (var i = 0; i < folded.Length; i++)
            if (!char.IsLetterOrDigit(folded[i])) folded[i] = ' ';
        return new string(folded).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.EndsWith("isation", StringComparison.Ordinal) || w.EndsWith("isations", StringComparison.Ordinal)
                ? w.Replace("isation", "ization", StringComparison.Ordinal)
                : w)
            .ToArray();
    }
}
