using System.Globalization;
using Notifications.Articles;
using Notifications.Localization;
using Notifications.Topics;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>
/// Everything a digest says in words, in English, Russian or French: the fixed texts (<see cref="Texts"/>, the templates'
/// <c>t</c>), dates and date ranges, plurals, ordinals, the session line, and the note on an article in another language.
/// The words are in the language files (<see cref="Translations"/>: <c>digest.*</c>, <c>dates.*</c>, <c>digest_counts.*</c>,
/// <c>session_ordinal.*</c>, <c>article_language.*</c>); month names, plural rules and ordinals are written out there and in
/// <see cref="PluralRules"/> rather than taken from the machine's ICU data, so a digest reads the same on every machine (and
/// golden files stay stable). An unsupported language falls back to English.
/// </summary>
public sealed class DigestLocale
{
    public static IReadOnlyList<string> Languages => Translations.Languages;

    private static readonly string[] MonthKeys =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private static readonly Dictionary<string, DigestLocale> All =
        Translations.Languages.ToDictionary(l => l, l => new DigestLocale(Translations.For(l)), StringComparer.OrdinalIgnoreCase);

    private readonly Translation _words;
    private readonly string[] _months;

    private DigestLocale(Translation words)
    {
        Language = words.Language;
        _words = words;
        _months = MonthKeys.Select(m => words["dates.months." + m]).ToArray();
        Texts = words.Section("digest");
    }

    /// <summary>The locale of a language code ("ru", "RU", "ru-KZ"); English for anything else.</summary>
    public static DigestLocale For(string? language)
    {
        var code = (language ?? "").Trim();
        if (All.TryGetValue(code, out var locale)) return locale;
        var dash = code.IndexOfAny(['-', '_']);
        return dash > 0 && All.TryGetValue(code[..dash], out locale) ? locale : All["en"];
    }

    public string Language { get; }

    /// <summary>The fixed texts, by key; every language has every key (a test checks).</summary>
    public IReadOnlyDictionary<string, string> Texts { get; }

    public string Text(string key) => Texts[key];

    public string Format(string key, params object[] values) => string.Format(CultureInfo.InvariantCulture, Texts[key], values);

    // ---- Dates ----

    /// <summary>"27 April 2023", "27 апреля 2023", "27 avril 2023" (French: "1er avril 2023").</summary>
    public string Date(DateOnly date) => $"{Day(date.Day)} {_months[date.Month - 1]} {date.Year}";

    /// <summary>
    /// "25–27 April 2023"; across months "30 September – 2 October 2026"; across years "30 December 2026 – 2 January 2027";
    /// one day when the end is missing or the same. Russian months are genitive ("25–27 апреля 2023").
    /// </summary>
    public string DateRange(DateOnly start, DateOnly? end)
    {
        var b = end is { } e && e > start ? e : start;
        if (b == start) return Date(start);
        if (start.Year != b.Year) return $"{Date(start)} – {Date(b)}";
        if (start.Month != b.Month) return $"{Day(start.Day)} {_months[start.Month - 1]} – {Date(b)}";
        return $"{Day(start.Day)}–{Date(b)}";
    }

    /// <summary>"26 November 2026", or "week of 23 November 2026" ("неделя с 23 ноября 2026", "semaine du 23 novembre 2026").</summary>
    public string PeriodLabel(DigestPeriod period)
        => period.Frequency == DigestFrequency.Weekly ? Format("week_of", Date(period.FirstDay)) : Date(period.FirstDay);

    private string Day(int day) => day == 1 ? _words["dates.first_of_month"] : day.ToString(CultureInfo.InvariantCulture);

    // ---- Plurals ----

    /// <summary>The CLDR cardinal category of a whole number in this language.</summary>
    public PluralCategory PluralOf(int n) => PluralRules.Cardinal(Language, n);

    /// <summary>Russian: one (1, 21, 101; not 11), few (2–4, 22–24; not 12–14), many (0, 5–20, 25–30, 11–14, ...).</summary>
    public static PluralCategory RussianPlural(int n) => PluralRules.Russian(n);

    /// <summary>"1 new report", "3 new reports"; "1 новый отчёт", "3 новых отчёта", "5 новых отчётов", "21 новый отчёт"; "2 nouveaux rapports".</summary>
    public string NewReports(int n) => string.Format(CultureInfo.InvariantCulture, _words.Plural("digest_counts.new_reports", n), n);

    /// <summary>"3 new session reports", "3 новых отчёта о сессиях", "3 nouveaux rapports de session".</summary>
    public string NewSessionReports(int n) => string.Format(CultureInfo.InvariantCulture, _words.Plural("digest_counts.new_session_reports", n), n);

    /// <summary>"and 3 more reports", "и ещё 3 отчёта", "et 3 autres rapports": what a subject adds after the first title.</summary>
    public string MoreReports(int n) => string.Format(CultureInfo.InvariantCulture, _words.Plural("digest_counts.more_reports", n), n);

    /// <summary>How often the mail comes, as the footer says it: "daily", "еженедельно", "dès la publication".</summary>
    public string HowOften(DigestFrequency frequency) => Text(frequency switch
    {
        DigestFrequency.Weekly => "how_often_weekly",
        DigestFrequency.Instant => "how_often_instant",
        _ => "how_often_daily",
    });

    /// <summary>
    /// "You follow: e-commerce, data model · daily" (the variant's topics, in a list: a name is lower-cased when only its first letter
    /// is a capital, so "SAFE Framework" and "Модель данных ВТамО" stay as written), or "You follow all topics · daily".
    /// </summary>
    public string Follows(IReadOnlyList<string> topics, DigestFrequency frequency)
        => topics.Count == 0
            ? Format("follows_all", HowOften(frequency))
            : Format("follows", string.Join(", ", topics.Select(t => InList(Topic(t)))), HowOften(frequency));

    private static string InList(string name)
        => name.Length > 1 && char.IsUpper(name[0]) && !name.Skip(1).Any(char.IsUpper)
            ? char.ToLower(name[0], CultureInfo.InvariantCulture) + name[1..]
            : name;

    /// <summary>One line: "3 new session reports: 26 November 2026".</summary>
    public string Subject(int articleCount, DigestPeriod period) => $"{NewSessionReports(articleCount)}{Text("colon")} {PeriodLabel(period)}";

    // ---- Sessions ----

    /// <summary>A session's ordinal: "239th", "239-я" (сессия is feminine), "239e" ("1re").</summary>
    public string Ordinal(int n) => string.Format(CultureInfo.InvariantCulture, _words.Ordinal("session_ordinal", n), n);

    /// <summary>"239th/240th sessions", "78th session"; "239-я/240-я сессии"; "239e/240e sessions"; empty without numbers.</summary>
    public string SessionNumbers(IReadOnlyList<int> sessions)
        => sessions.Count == 0 ? "" : string.Join("/", sessions.Select(Ordinal)) + " " + Text(sessions.Count == 1 ? "session_one" : "session_many");

    /// <summary>
    /// "Brussels and online", "Брюссель и онлайн", "Bruxelles et en ligne", "online": a city of the glossary in the reader's
    /// language and in the nominative (also when the article or an older stored record wrote "Брюсселе"); another place as
    /// written.
    /// </summary>
    public string Place(SessionInfo s) => (s.Place is { } p ? Glossary.Localize(p, Language) : null, s.Participation) switch
    {
        ({ } place, Participation.Hybrid) => Format("and_online", place),
        ({ } place, _) => place,
        (null, Participation.Online) => Text("online"),
        _ => "",
    };

    /// <summary>
    /// The committee as the session line names it, in the reader's language: its abbreviation ("PTC", "ПТК", "CTP") when the
    /// glossary has one, else its name ("Политическая комиссия"); a committee the glossary does not know as the article wrote it.
    /// </summary>
    public string Committee(SessionInfo s)
    {
        var abbreviation = Glossary.KeyOf(s.CommitteeAbbreviation);
        if (abbreviation is not null)
            return Glossary.Term(abbreviation, Language);
        if (Glossary.KeyOf(s.Committee) is { } name)
        {
            if (Glossary.Keys.Contains(name + "_abbreviation"))
                return Glossary.Term(name + "_abbreviation", Language);
            // "HSC" is English: an English reader gets it, others the committee's name in their language.
            return s.CommitteeAbbreviation is { } written && Language == Translations.Fallback ? written : Glossary.Term(name, Language);
        }
        return s.CommitteeAbbreviation ?? s.Committee ?? "";
    }

    /// <summary>The organisation's abbreviation in the reader's language ("WCO", "ВТамО", "OMD"); another one as written.</summary>
    public string Organization(SessionInfo s)
    {
        if (Glossary.KeyOf(s.OrganizationAbbreviation) is { } abbreviation)
            return Glossary.Term(abbreviation, Language);
        if (Glossary.KeyOf(s.Organization) is { } name)
            return Glossary.Keys.Contains(name + "_abbreviation") ? Glossary.Term(name + "_abbreviation", Language) : Glossary.Term(name, Language);
        return s.OrganizationAbbreviation ?? s.Organization ?? "";
    }

    /// <summary>
    /// "PTC 239th/240th sessions · 25–27 April 2023 · Brussels and online", "ПТК 239-я/240-я сессии · 25–27 апреля 2023 ·
    /// Брюссель и онлайн", "CTP 239e/240e sessions · 25–27 avril 2023 · Bruxelles et en ligne", "Политическая комиссия · 95-я
    /// сессия · Баку": whatever parts the article states, in words that need no grammatical case.
    /// </summary>
    public string SessionLine(SessionInfo s)
    {
        var committee = Committee(s);
        var numbers = SessionNumbers(s.Sessions);
        var dates = s.StartDate is { } start ? DateRange(start, s.EndDate) : "";
        // "PTC 239th/240th sessions", but "Политическая комиссия · 95-я сессия": a name before the numbers would need a case.
        var who = committee.Contains(' ', StringComparison.Ordinal)
            ? new[] { committee, numbers }
            : [string.Join(" ", new[] { committee, numbers }.Where(p => p != ""))];
        return string.Join(" · ", who.Append(dates).Append(Place(s)).Where(p => p != ""));
    }

    // ---- Articles ----

    /// <summary>"in English", "на английском языке", "en anglais": for an article not in the digest's language; empty when it is.</summary>
    public string LanguageNote(string? articleLanguage)
    {
        var code = (articleLanguage ?? "").Trim().ToLowerInvariant();
        if (code.Length == 0 || code == Language) return "";
        return _words.TryGet("article_language." + code, out var note) ? note : code;
    }

    public string Topic(string topic)
        => TopicNames.Label(topic, Language);
}
