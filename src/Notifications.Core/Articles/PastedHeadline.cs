using System.Text;
using System.Text.RegularExpressions;

namespace Notifications.Articles;

/// <summary>
/// A short headline for a page copied from a website (pasted text or saved HTML), whose first line is often a whole sentence:
/// "The 239th/240th sessions of the Permanent Technical Committee (PTC) were held from 25 to 27 April 2023 in Brussels with online
/// participation" becomes "PTC held its 239th/240th sessions in Brussels". Only what the session line says anyway goes: a name
/// with its abbreviation becomes the abbreviation ("Permanent Technical Committee (PTC)" → "PTC"), the organisation after the
/// committee ("PTC of the WCO", "ПТК ВТамО") goes, and so do the dates and the participation ("with online participation",
/// "в гибридном формате"). The words left keep their case as written (Russian: "в Брюсселе"). English, Russian and French.
/// A title an editor wrote (Markdown front matter or heading) is never shortened.
/// </summary>
/// <remarks>Pure: no I/O.</remarks>
public static partial class PastedHeadline
{
    /// <summary>A headline is at most this long (characters); a longer one is cut at a word, with "…".</summary>
    public const int MaxLength = 119;

    /// <summary>Words an abbreviation's letters skip in its full name ("World Customs Organization", "Organisation mondiale des douanes").</summary>
    private static readonly HashSet<string> LinkWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "of", "the", "and", "for", "on", "de", "des", "du", "la", "le", "les", "et", "pour", "l", "d", "и", "по", "для",
    };

    /// <summary>
    /// The headline for <paramref name="title"/>: unchanged when it is at most <paramref name="shortEnough"/> characters long,
    /// else shortened as above (and cut at a word if that is not enough).
    /// </summary>
    public static string Shorten(string title, int shortEnough)
    {
        ArgumentNullException.ThrowIfNull(title);
        title = title.Trim();
        if (title.Length <= shortEnough) return title;

        var text = FirstClause(title);
        text = Abbreviate(text);
        text = OrganisationAfterCommittee().Replace(text, "${first}");
        text = DatePhrase().Replace(text, " ");
        text = Participation().Replace(text, " ");
        text = Tidy(text);
        text = EnglishSessionsHeld().Replace(text, m => $"{m.Groups["body"].Value} held its {m.Groups["numbers"].Value} {m.Groups["sessions"].Value}");
        text = Tidy(text);
        if (text.Length < 12) text = title;
        return Cut(text);
    }

    /// <summary>The sentence up to its first ';' or '. ' (a pasted headline is one sentence; what follows repeats or adds detail).</summary>
    private static string FirstClause(string text)
    {
        var end = text.IndexOf("; ", StringComparison.Ordinal);
        var stop = SentenceEnd().Match(text);
        if (stop.Success && (end < 0 || stop.Index < end)) end = stop.Index + 1;
        return end > 20 ? text[..end].TrimEnd(';', ' ') : text;
    }

    /// <summary>"Permanent Technical Committee (PTC)" → "PTC" when the name's words start with the abbreviation's capitals.</summary>
    private static string Abbreviate(string text)
    {
        var result = new StringBuilder();
        var last = 0;
        foreach (Match m in NameWithAbbreviation().Matches(text))
        {
            var before = text[last..m.Index];
            var abbreviation = m.Groups["abbr"].Value;
            if (NameLength(before, abbreviation) is { } n)
                result.Append(before[..^n]).Append(abbreviation);
            else
                result.Append(before).Append(m.Value);
            last = m.Index + m.Length;
        }
        return result.Append(text[last..]).ToString();
    }

    /// <summary>How many characters at the end of <paramref name="before"/> are the abbreviation's full name; null when the words do not match.</summary>
    private static int? NameLength(string before, string abbreviation)
    {
        var capitals = abbreviation.Where(char.IsUpper).ToArray();
        if (capitals.Length < 2) return null;
        var words = Word().Matches(before).ToList();
        var next = capitals.Length - 1;
        for (var w = words.Count - 1; w >= 0; w--)
        {
            var word = words[w].Value;
            if (LinkWords.Contains(word) && next < capitals.Length - 1) continue;
            if (char.ToUpperInvariant(word[0]) != capitals[next]) return null;
            if (next-- == 0) return before.Length - words[w].Index;
        }
        return null;
    }

    private static string Tidy(string text)
    {
        text = Spaces().Replace(text, " ");
        text = SpaceBeforePunctuation().Replace(text, "$1");
        return text.Trim().TrimEnd(',', ';', ':', '-', '–', '—').Trim();
    }

    private static string Cut(string text)
    {
        if (text.Length <= MaxLength) return text;
        var cut = text.LastIndexOf(' ', MaxLength - 1);
        return (cut > MaxLength / 2 ? text[..cut] : text[..(MaxLength - 1)]).TrimEnd(',', ';', ':', ' ') + "…";
    }

    [GeneratedRegex(@"(?<=\p{Ll}{2}|\))\.\s+(?=\p{Lu})")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s*\((?<abbr>\p{Lu}[\p{L}]{1,9})\)")]
    private static partial Regex NameWithAbbreviation();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    /// <summary>"PTC of the WCO", "ПТК ВТамО", "CTP de l'OMD": the second abbreviation (the organisation) goes.</summary>
    [GeneratedRegex(@"(?<first>\b\p{Lu}[\p{Lu}\p{Ll}]{0,4}\p{Lu}\b)(?:\s+(?:of\s+the|of|de\s+l['’]|de\s+la|du|des))?\s*\b\p{Lu}[\p{Lu}\p{Ll}]{0,4}\p{Lu}\b")]
    private static partial Regex OrganisationAfterCommittee();

    private const string Months =
        "January|February|March|April|May|June|July|August|September|October|November|December|" +
        "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|" +
        "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre";

    private const string Day = @"(?<![\d\p{L}])\d{1,2}(?:st|nd|rd|th|er|-?го)?";

    /// <summary>"from 25 to 27 April 2023", "on 3 March 2026", "25–27 апреля 2023 года", "с 14 по 16 октября", "du 4 au 5 novembre 2026".</summary>
    [GeneratedRegex(@"(?:\b(?:from|on|between|du|le|les|с|со)\s+)?" + Day + @"(?:\s+(?:" + Months + @"))?"
        + @"(?:\s*(?:to|and|au|et|по|и|-|–|—)\s*" + Day + @")?\s+(?:" + Months + @")(?:,?\s+\d{4}(?:\s+(?:года|г\.))?)?", RegexOptions.IgnoreCase)]
    private static partial Regex DatePhrase();

    [GeneratedRegex(@",?\s*\b(?:with\s+online\s+participation|and\s+online|in\s+(?:a\s+)?hybrid\s+format|в\s+гибридном\s+формате|" +
        @"с\s+онлайн-участием|с\s+участием\s+онлайн|в\s+смешанном\s+формате|и\s+онлайн|en\s+format\s+hybride|" +
        @"avec\s+participation\s+en\s+ligne|et\s+en\s+ligne)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Participation();

    /// <summary>"The 239th/240th sessions of the PTC were held in Brussels" → "PTC held its 239th/240th sessions in Brussels".</summary>
    [GeneratedRegex(@"^The\s+(?<numbers>\S+)\s+(?<sessions>sessions?)\s+of\s+the\s+(?<body>\p{Lu}[\p{Lu}\p{Ll}]{0,4}\p{Lu})\s+(?:were|was)\s+held\b")]
    private static partial Regex EnglishSessionsHeld();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s+([,.;:!?])")]
    private static partial Regex SpaceBeforePunctuation();
}
