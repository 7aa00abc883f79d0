using System.Globalization;
using System.Text.RegularExpressions;

namespace Notifications.Articles;

/// <summary>
/// The summary of an article whose front matter gives none: the first paragraph of the body, without the sentences that only say
/// again what the headline and the session line say (who met, which sessions, when, where, how) when a later sentence says more.
/// A pasted page often opens with its headline reworded ("The 239th/240th session of the PTC met at headquarters in Brussels from
/// 25 to 27 April 2023..."): the digest shows the session line and the headline already, so the summary starts at what was
/// discussed. A sentence repeats when at least <see cref="RepeatShare"/> of its words (first five letters, so "sessions" is
/// "session" and "Брюсселе" is "Брюссель") are in the title or the session; a paragraph of fewer than <see cref="MinWords"/>
/// words ("For reference:") is never the summary unless nothing else is left.
/// </summary>
/// <remarks>Pure: no I/O.</remarks>
public static partial class ArticleSummary
{
    /// <summary>A summary is at most this long (characters); a longer one is cut at a word, with "…".</summary>
    public const int MaxLength = 300;

    /// <summary>A sentence with at least this share of its words in the title or session line repeats them.</summary>
    public const double RepeatShare = 0.5;

    /// <summary>A paragraph needs this many words to be a summary.</summary>
    public const int MinWords = 6;

    private static readonly string[] Cultures = ["en", "ru", "fr"];

    /// <summary>That a session met is what the session line says: the words for it count as said (en, ru, fr).</summary>
    private const string MeetingWords = "session sessions meeting delegates delegations headquarters "
        + "сессия сессии заседание делегаты делегатов штаб-квартире séance réunion délégués siège";

    /// <summary>Words too common to say anything (only words of 4 letters or more are compared).</summary>
    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "with", "were", "from", "that", "this", "their", "have", "been", "also", "more", "than", "which", "into", "over", "after", "about",
        "when", "where", "held", "took", "place", "более", "было", "были", "также", "после", "прошл", "dans", "avec", "pour", "sont",
        "leur", "plus", "cette", "était", "lors",
    };

    /// <summary>The summary of a body (paragraphs separated by blank lines) after a headline and session line that said <paramref name="said"/>.</summary>
    public static string Of(string bodyText, string title, SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(bodyText);
        var paragraphs = bodyText.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Flatten).Where(p => p.Length > 0).ToList();
        if (paragraphs.Count == 0) return "";
        var said = Stems(title + " " + SaidBy(session));
        foreach (var paragraph in paragraphs)
        {
            var sentences = Sentences(paragraph);
            var rest = sentences.SkipWhile(s => Repeats(s, said)).ToList();
            var text = string.Join(' ', rest);
            if (rest.Count > 0 && WordCount(text) >= MinWords)
                return Cut(text);
        }
        return Cut(paragraphs[0]);
    }

    /// <summary>Whether a sentence says little more than <paramref name="said"/>.</summary>
    internal static bool Repeats(string sentence, IReadOnlySet<string> said)
    {
        var words = Stems(sentence);
        return words.Count > 0 && words.Count(said.Contains) >= RepeatShare * words.Count;
    }

    /// <summary>What the session line says, as words: names, abbreviations, numbers, the dates' days, months (en, ru, fr) and years, place.</summary>
    private static string SaidBy(SessionInfo s)
    {
        var parts = new List<string?> { s.Organization, s.OrganizationAbbreviation, s.Committee, s.CommitteeAbbreviation, s.Place };
        if (!s.IsEmpty) parts.Add(MeetingWords);
        parts.AddRange(s.Sessions.Select(n => n.ToString(CultureInfo.InvariantCulture)));
        foreach (var date in new[] { s.StartDate, s.EndDate }.OfType<DateOnly>())
        {
            parts.Add(date.Day.ToString(CultureInfo.InvariantCulture));
            parts.Add(date.Year.ToString(CultureInfo.InvariantCulture));
            foreach (var culture in Cultures)
            {
                var format = CultureInfo.GetCultureInfo(culture).DateTimeFormat;
                parts.Add(format.GetMonthName(date.Month));
                parts.Add(format.MonthGenitiveNames[date.Month - 1]);
            }
        }
        if (s.Participation is Participation.Online or Participation.Hybrid)
            parts.Add("online participation hybrid онлайн-участием участием онлайн гибридном смешанном формате ligne hybride");
        return string.Join(' ', parts.OfType<string>());
    }

    private static HashSet<string> Stems(string text)
        => Word().Matches(text.ToLowerInvariant()).Select(m => m.Value)
            .Where(w => (w.Length >= 4 || w.All(char.IsAsciiDigit)) && !Common.Contains(w.Length > 5 ? w[..5] : w) && !Common.Contains(w))
            .Select(Stem).ToHashSet(StringComparer.Ordinal);

    /// <summary>The first five letters; numbers with a suffix ("239th", "239-я") are the number.</summary>
    private static string Stem(string word)
    {
        var digits = word.TakeWhile(char.IsAsciiDigit).Count();
        if (digits > 0) return word[..digits];
        return word.Length > 5 ? word[..5] : word;
    }

    private static List<string> Sentences(string paragraph)
        => SentenceEnd().Split(paragraph).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    private static int WordCount(string text) => Word().Count(text);

    private static string Flatten(string paragraph)
        => string.Join(' ', paragraph.Split((char[])['\r', '\n', ' ', '\t', '\u2028', '\u2029'], StringSplitOptions.RemoveEmptyEntries));

    private static string Cut(string text)
    {
        if (text.Length <= MaxLength) return text;
        var cut = text.LastIndexOf(' ', MaxLength - 1);
        return (cut > MaxLength / 2 ? text[..cut] : text[..MaxLength]).TrimEnd(',', ';', ':', ' ') + "…";
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*")]
    private static partial Regex Word();

    /// <summary>After '.', '!', '?' or ';' followed by a space (a sentence's end, or a clause that goes on).</summary>
    [GeneratedRegex(@"(?<=[.!?…;])\s+(?=\S)")]
    private static partial Regex SentenceEnd();
}
