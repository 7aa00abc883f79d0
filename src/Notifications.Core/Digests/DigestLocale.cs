using System.Globalization;
using Notifications.Articles;
using Notifications.Topics;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>Plural categories as CLDR names them; English and French use One and Other, Russian also Few and Many.</summary>
public enum PluralCategory { One, Few, Many, Other }

/// <summary>
/// Everything a digest says in words, in English, Russian or French: the fixed texts (<see cref="Texts"/>, the templates'
/// <c>t</c>), dates and date ranges, plurals, ordinals, the session line, and the note on an article in another language.
/// Month names, plural rules and ordinals are written out here rather than taken from the machine's ICU data, so a digest
/// reads the same on every machine (and golden files stay stable). An unsupported language falls back to English.
/// </summary>
public sealed class DigestLocale
{
    public static IReadOnlyList<string> Languages { get; } = ["en", "ru", "fr"];

    private const string Nbsp = "\u00A0";

    private static readonly Dictionary<string, DigestLocale> All = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = new("en",
            ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
            new Dictionary<string, string>
            {
                ["daily_digest"] = "Daily digest",
                ["weekly_digest"] = "Weekly digest",
                ["alert"] = "Alert",
                ["greeting"] = "Dear {0},",
                ["intro"] = "{0} since the last digest.",
                ["alert_intro"] = "Just published: {0}.",
                ["published"] = "Published",
                ["read_more"] = "Read the full report",
                ["view_in_browser"] = "View this digest in your browser",
                ["why"] = "You receive this {0} as a subscriber of {1}.",
                ["preferences"] = "Change your preferences",
                ["unsubscribe"] = "Unsubscribe",
                ["week_of"] = "week of {0}",
                ["colon"] = ":",
                ["session_one"] = "session",
                ["session_many"] = "sessions",
                ["and_online"] = "{0} and online",
                ["online"] = "online",
                ["correction"] = "Correction",
                ["correction_title"] = "Correction: {0}",
                ["correction_intro"] = "A report we alerted you to has been corrected.",
            }),
        ["ru"] = new("ru",
            // Genitive: "25 апреля", never "25 апрель".
            ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
            new Dictionary<string, string>
            {
                ["daily_digest"] = "Ежедневный обзор",
                ["weekly_digest"] = "Еженедельный обзор",
                ["alert"] = "Оперативный выпуск",
                ["greeting"] = "Здравствуйте, {0}!",
                ["intro"] = "{0} с момента предыдущего обзора.",
                ["alert_intro"] = "Только что опубликовано: {0}.",
                ["published"] = "Опубликовано",
                ["read_more"] = "Читать отчёт полностью",
                ["view_in_browser"] = "Открыть обзор в браузере",
                ["why"] = "Вы получаете этот {0} как подписчик: {1}.",
                ["preferences"] = "Изменить настройки",
                ["unsubscribe"] = "Отписаться",
                ["week_of"] = "неделя с {0}",
                ["colon"] = ":",
                ["session_one"] = "сессия",
                ["session_many"] = "сессии",
                ["and_online"] = "{0} и онлайн",
                ["online"] = "онлайн",
                ["correction"] = "Исправление",
                ["correction_title"] = "Исправление: {0}",
                ["correction_intro"] = "Отчёт, о котором мы вам сообщали, исправлен.",
            }),
        ["fr"] = new("fr",
            ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
            new Dictionary<string, string>
            {
                ["daily_digest"] = "Synthèse quotidienne",
                ["weekly_digest"] = "Synthèse hebdomadaire",
                ["alert"] = "Alerte",
                ["greeting"] = "Bonjour {0},",
                ["intro"] = "{0} depuis la dernière synthèse.",
                ["alert_intro"] = "Vient de paraître" + Nbsp + ": {0}.",
                ["published"] = "Publié le",
                ["read_more"] = "Lire le rapport complet",
                ["view_in_browser"] = "Afficher cette synthèse dans le navigateur",
                ["why"] = "Vous recevez cette {0} en tant qu’abonné(e)" + Nbsp + ": {1}.",
                ["preferences"] = "Modifier vos préférences",
                ["unsubscribe"] = "Se désabonner",
                ["week_of"] = "semaine du {0}",
                // French puts a (no-break) space before a colon.
                ["colon"] = Nbsp + ":",
                ["session_one"] = "session",
                ["session_many"] = "sessions",
                ["and_online"] = "{0} et en ligne",
                ["online"] = "en ligne",
                ["correction"] = "Rectificatif",
                ["correction_title"] = "Rectificatif" + Nbsp + ": {0}",
                ["correction_intro"] = "Un rapport que nous vous avons signalé a été rectifié.",
            }),
    };

    /// <summary>"(in English)": by the digest's language, then the article's.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> LanguageNotes = new(StringComparer.Ordinal)
    {
        ["en"] = new() { ["en"] = "in English", ["ru"] = "in Russian", ["fr"] = "in French" },
        ["ru"] = new() { ["en"] = "на английском языке", ["ru"] = "на русском языке", ["fr"] = "на французском языке" },
        ["fr"] = new() { ["en"] = "en anglais", ["ru"] = "en russe", ["fr"] = "en français" },
    };


    private readonly string[] _months;

    private DigestLocale(string language, string[] months, Dictionary<string, string> texts)
    {
        Language = language;
        _months = months;
        Texts = texts;
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

    private string Day(int day) => Language == "fr" && day == 1 ? "1er" : day.ToString(CultureInfo.InvariantCulture);

    // ---- Plurals ----

    /// <summary>The CLDR cardinal category of a whole number in this language.</summary>
    public PluralCategory PluralOf(int n) => Language switch
    {
        "ru" => RussianPlural(n),
        "fr" => n is 0 or 1 ? PluralCategory.One : PluralCategory.Other,
        _ => n == 1 ? PluralCategory.One : PluralCategory.Other,
    };

    /// <summary>Russian: one (1, 21, 101; not 11), few (2–4, 22–24; not 12–14), many (0, 5–20, 25–30, 11–14, ...).</summary>
    public static PluralCategory RussianPlural(int n)
    {
        n = Math.Abs(n);
        var mod10 = n % 10;
        var mod100 = n % 100;
        if (mod10 == 1 && mod100 != 11) return PluralCategory.One;
        if (mod10 is >= 2 and <= 4 && mod100 is < 12 or > 14) return PluralCategory.Few;
        return PluralCategory.Many;
    }

    /// <summary>"1 new report", "3 new reports"; "1 новый отчёт", "3 новых отчёта", "5 новых отчётов", "21 новый отчёт"; "2 nouveaux rapports".</summary>
    public string NewReports(int n) => $"{n} " + Language switch
    {
        "ru" => RussianPlural(n) switch { PluralCategory.One => "новый отчёт", PluralCategory.Few => "новых отчёта", _ => "новых отчётов" },
        "fr" => PluralOf(n) == PluralCategory.One ? "nouveau rapport" : "nouveaux rapports",
        _ => n == 1 ? "new report" : "new reports",
    };

    /// <summary>"3 new session reports", "3 новых отчёта о сессиях", "3 nouveaux rapports de session".</summary>
    public string NewSessionReports(int n) => Language switch
    {
        "ru" => NewReports(n) + " о сессиях",
        "fr" => NewReports(n) + " de session",
        _ => $"{n} new session " + (n == 1 ? "report" : "reports"),
    };

    /// <summary>One line: "3 new session reports: 26 November 2026".</summary>
    public string Subject(int articleCount, DigestPeriod period) => $"{NewSessionReports(articleCount)}{Text("colon")} {PeriodLabel(period)}";

    // ---- Sessions ----

    /// <summary>A session's ordinal: "239th", "239-я" (сессия is feminine), "239e" ("1re").</summary>
    public string Ordinal(int n) => Language switch
    {
        "ru" => $"{n}-я",
        "fr" => n == 1 ? "1re" : $"{n}e",
        _ => n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" }),
    };

    /// <summary>"239th/240th sessions", "78th session"; "239-я/240-я сессии"; "239e/240e sessions"; empty without numbers.</summary>
    public string SessionNumbers(IReadOnlyList<int> sessions)
        => sessions.Count == 0 ? "" : string.Join("/", sessions.Select(Ordinal)) + " " + Text(sessions.Count == 1 ? "session_one" : "session_many");

    /// <summary>"Brussels and online", "Brussels", "online" (the place as the article names it).</summary>
    public string Place(SessionInfo s) => (s.Place, s.Participation) switch
    {
        ({ } place, Participation.Hybrid) => Format("and_online", place),
        ({ } place, _) => place,
        (null, Participation.Online) => Text("online"),
        _ => "",
    };

    /// <summary>"PTC 239th/240th sessions · 25–27 April 2023 · Brussels and online": whatever parts the article states.</summary>
    public string SessionLine(SessionInfo s)
    {
        var committee = s.CommitteeAbbreviation ?? s.Committee ?? "";
        var numbers = SessionNumbers(s.Sessions);
        var dates = s.StartDate is { } start ? DateRange(start, s.EndDate) : "";
        return string.Join(" · ", new[] { string.Join(" ", new[] { committee, numbers }.Where(p => p != "")), dates, Place(s) }.Where(p => p != ""));
    }

    // ---- Articles ----

    /// <summary>"in English", "на английском языке", "en anglais": for an article not in the digest's language; empty when it is.</summary>
    public string LanguageNote(string? articleLanguage)
    {
        var code = (articleLanguage ?? "").Trim().ToLowerInvariant();
        if (code.Length == 0 || code == Language) return "";
        return LanguageNotes[Language].TryGetValue(code, out var note) ? note : code;
    }

    public string Topic(string topic)
        => TopicNames.Label(topic, Language);
}
