using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Notifications.Localization;

namespace Notifications.Articles;

/// <summary>
/// Reads what an article says about the committee session it reports on (organisation, committee, session numbers, dates,
/// place, participation) from its title and body, in English, Russian and French. Pure and regex based: the patterns are
/// source-generated, have no nested unbounded quantifiers and carry a match timeout; a timed-out search counts as "not found".
/// </summary>
/// <remarks>
/// Every field is looked for in the title first, then in the sentences of the body that say a meeting was held
/// ("was held", "прошла", "s'est tenue", ...), then in the whole body. The place and the participation format are only read
/// from the title and those sentences (or, when there are none, from sentences that mention a session or meeting), so that
/// "in Circular Economy" elsewhere in the text is not taken for a place.
/// </remarks>
public static partial class SessionMetadataExtractor
{
    private const int TimeoutMs = 2000;
    private const int MaxSentences = 64;
    private const int SentenceReach = 1500;
    private const int OrdinalReach = 150;

    private const RegexOptions Cs = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
    private const RegexOptions Ci = Cs | RegexOptions.IgnoreCase;

    // ---- pattern fragments -------------------------------------------------------------------------------------------

    private const string Dash = "[‐‑–—-]";
    private const string AnyAbbr = "[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]{1,9}";
    private const string LatinAbbr = "[A-Z][A-Za-z]{1,9}";
    private const string CapWord = "[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?";
    private const string NotLeadWord =
        @"(?!(?:The|A|An|This|That|These|Those|Its|Their|Our|His|Her|Of|In|At|By|For|From|And|With|On|To|As|Both|Each|All|During|While|When|After|B" +
            @"efore|Since|Under|Meanwhile|Today|Yesterday|Delegates|Members|Member|Dear|Also|Then|Later|Le|La|Les|Du|Des|Un|Une|Au|Aux|Et)\b)";
    private const string RuAdj = "(?:ая|яя|ой|ей|ий|ый|ое|ее|ые|ие|ых|их|ого|его|ому|ему|ую|юю|ым|им)";

    private const string MonthEn =
        "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";
    private const string MonthRu = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря";
    private const string MonthFr = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre";
    private const string AnyMonth = "(?:" + MonthEn + "|" + MonthRu + "|" + MonthFr + ")";
    private const string DaySuffix = "(?:st|nd|rd|th|er|ème|e)?";

    private const string OrdinalSuffix = "(?:st|nd|rd|th|ème|eme|ère|ere|er|re|e|è|-?[а-яё]{1,3})";
    private const string SessionSeparator = @"(?:\s*[/,&‐‑–—-]\s*|\s*,?\s+(?:and|et|и|to)\s+)";
    private const string SessionAdjective =
        "(?:joint|regular|annual|plenary|extraordinary|special|ordinary|consecutive|combined|virtual|hybrid|online|informal|formal|гибридн[а-яё]*|в" +
            "иртуальн[а-яё]*|совместн[а-яё]*|очередн[а-яё]*|внеочередн[а-яё]*|пленарн[а-яё]*|ежегодн[а-яё]*|юбилейн[а-яё]*|ordinaires?|" +
                "extraordinaires?|conjointes?|plénières?|annuelles?)";

    private const string RuOrgNoun = @"организаци(?:я|и|ю|ей|ею)(?!\p{L})";
    private const string RuAdjPhrase = "[А-ЯЁ][а-яё]*" + RuAdj + @"(?:\s+[а-яё]+" + RuAdj + "){0,3}";
    private const string RuCommitteeNoun = "(?:(?:под)?комитет|комисси|групп)[а-яё]*";
    private const string RuCommitteeHead = "(?:Комитет|Подкомитет|Комисси|Совет)[а-яё]*";
    private const string RuPoTail = @"(?:\s+по\s+(?:\p{L}+" + RuAdj + @"\s+)?[\p{L}-]+)";

    private const string EnCommitteeNoun = @"(?:Committee|Commission|Sub-[Cc]ommittee|Subcommittee|Council|Task\s+Force|Working\s+(?:Party|Group))";
    private const string EnOnTail = @"(?:\s+on\s+(?:the\s+)?[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+){0,2})?";

    private const string FrStop =
        "(?:a|ont|est|sont|se|s|qui|que|qu|et|à|au|aux|en|le|la|les|l|pour|sur|par|dans|avec|lors|ainsi|également|aussi|de|du|des|d|un|une|ce|cette" +
            "|ces|son|sa|ses|leur|leurs|il|elle|ils|elles|y|ne|n|tenu|tenue|tenues|tenus|réuni|réunie|réunis|réunies|était|sera|avait)";

    // ---- organisations -----------------------------------------------------------------------------------------------

    [GeneratedRegex(@"\b" + NotLeadWord + @"(?<base>(?:" + CapWord
        + @"\s+){1,4}Organi[sz]ation)(?<suffix>\s+(?:for|of)\s+(?:the\s+)?[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z-]+){0,3})?(?:\s*\((?<abbr>"
        + LatinAbbr + @")\))?", Cs, TimeoutMs)]
    private static partial Regex OrganizationEn();

    [GeneratedRegex(@"(?<!\p{L})(?:(?<name>" + RuAdjPhrase + @"\s+" + RuOrgNoun + @"(?:\s+[\p{L}-]+){1,3}?)\s*\((?<abbr>" + AnyAbbr + @")\)"
        + @"|(?<name>" + RuAdjPhrase + @"\s+" + RuOrgNoun + @")(?:\s*\((?<abbr>" + AnyAbbr + @")\))?"
        + @"|(?<name>Организаци(?:я|и|ю|ей|ею)(?:\s+[\p{L}-]+){1,5}?)\s*\((?<abbr>" + AnyAbbr + @")\))", Cs, TimeoutMs)]
    private static partial Regex OrganizationRu();

    [GeneratedRegex(@"(?<!\p{L})(?<name>Organisation(?:\s+\p{Ll}[\p{L}-]*){0,2}?\s+(?:des|du|de\s+la|de)\s+\p{L}[\p{L}-]*(?:[ " +
        @"\t]+\p{Lu}\p{Ll}[\p{L}-]*){0,2})(?:\s*\((?<abbr>" + LatinAbbr + @")\))?", Cs, TimeoutMs)]
    private static partial Regex OrganizationFr();

    // ---- committees --------------------------------------------------------------------------------------------------

    [GeneratedRegex(@"\b" + NotLeadWord + @"(?<name>(?:" + CapWord + @"\s+){0,4}(?:[A-Z]{2,4}\s+)?" + EnCommitteeNoun + EnOnTail
        + @")(?:\s*\((?<abbr>" + LatinAbbr + @")\))?(?:,?\s+of\s+(?:the\s+)?(?<orgabbr>[A-Z]{2,10})\b)?", Cs, TimeoutMs)]
    private static partial Regex CommitteeEn();

    [GeneratedRegex(@"(?<!\p{L})(?:(?<name>" + RuAdjPhrase + @"\s+" + RuCommitteeNoun + @"\s+по(?:\s+[\p{L}-]+){1,4}?)\s*\((?<abbr>" + AnyAbbr + @")\)"
        + @"|(?<name>" + RuAdjPhrase + @"\s+" + RuCommitteeNoun + RuPoTail + @"?)(?:\s*\((?<abbr>" + AnyAbbr + @")\))?"
        + @"|(?<name>" + RuCommitteeHead + @"\s+по(?:\s+[\p{L}-]+){1,4}?)\s*\((?<abbr>" + AnyAbbr + @")\)"
        + @"|(?<name>" + RuCommitteeHead + RuPoTail + @")(?:\s*\((?<abbr>" + AnyAbbr + @")\))?)"
        + @"(?:\s+(?<orgabbr>[А-ЯЁA-Z]{2}[А-ЯЁа-яёA-Za-z]{0,8})(?!\p{L}))?", Cs, TimeoutMs)]
    private static partial Regex CommitteeRu();

    [GeneratedRegex(@"(?<!\p{L})(?<name>(?:Comité|Commission|Sous-comité|Groupe\s+de\s+travail|Conseil)(?:\s+(?:(?:de\s+la|du|des|de)\s+)?(?!"
        + FrStop + @"(?!\p{L}))\p{L}\p{Ll}[\p{L}-]*){0,3})(?:\s*\((?<abbr>" + LatinAbbr
        + @")\))?(?:\s+(?:de\s+l['’]|de\s+la\s+|du\s+|des\s+|de\s+)(?<orgabbr>[A-Z]{2,10})(?!\p{L}))?", Cs, TimeoutMs)]
    private static partial Regex CommitteeFr();

    // ---- session numbers ---------------------------------------------------------------------------------------------

    /// <summary>Where "session", "сессия", "заседание" start: the ordinals are looked for just before these.</summary>
    [GeneratedRegex(@"(?<!\p{L})(?:sessions?(?!\p{L})|сесси|заседани)", Ci, TimeoutMs)]
    private static partial Regex SessionWords();

    /// <summary>"239th/240th ", "241-й и 242-й ", "83e " right at the end of the searched text (which ends before a session word).</summary>
    [GeneratedRegex(@"(?<![\d.,/])\b(?<nums>\d{1,3}" + OrdinalSuffix + "?(?:" + SessionSeparator + @"\d{1,3}" + OrdinalSuffix
        + @"?){0,5})\s+(?:" + SessionAdjective + @"\s+)?\z", Ci, TimeoutMs)]
    private static partial Regex OrdinalsBeforeSessionWord();

    /// <summary>"sessions 239 and 240", "session No. 83", "сессии № 83".</summary>
    [GeneratedRegex(@"\b(?:sessions?|сесси[а-яё]*|заседани[а-яё]*)\s+(?:(?:nos?|n°|№|numbers?|#)\.?\s*)?(?<nums>\d{1,3}(?![.:]?\d)(?:"
        + SessionSeparator + @"\d{1,3}(?![.:]?\d)){0,5})", Ci, TimeoutMs)]
    private static partial Regex NumberedSessions();

    // ---- dates -------------------------------------------------------------------------------------------------------

    /// <summary>"25 to 27 April 2023", "30 September – 2 October 2023", "с 25 по 27 апреля 2023", "du 25 au 27 avril 2023",
    /// "27 April 2023".</summary>
    [GeneratedRegex(@"(?<![\d.:/])\b(?<d1>\d{1,2})" + DaySuffix + @"(?:(?:\s+(?<m1>" + AnyMonth + @")\.?(?:,?\s+(?<y1>\d{4}))?)?(?:\s*" + Dash
        + @"\s*|\s+(?:to|until|till|through|and|au|à|et|по|до|и)\s+)(?<d2>\d{1,2})" + DaySuffix
        + @")?\s+(?<m2>" + AnyMonth + @")\.?,?\s+(?<y2>\d{4})(?!\d)", Ci, TimeoutMs)]
    private static partial Regex DayFirstDates();

    /// <summary>"April 25-27, 2023", "April 30 – May 2, 2023", "April 27, 2023".</summary>
    [GeneratedRegex(@"\b(?<m1>" + MonthEn + @")\.?\s+(?<d1>\d{1,2})(?:st|nd|rd|th)?(?:(?:\s*" + Dash
        + @"\s*|\s+(?:to|until|till|through|and)\s+)(?:(?<m2>" + MonthEn
        + @")\.?\s+)?(?<d2>\d{1,2})(?:st|nd|rd|th)?)?,?\s+(?<y>\d{4})(?!\d)", Ci, TimeoutMs)]
    private static partial Regex MonthFirstDates();

    /// <summary>"25.04.2023", "25-27.04.2023".</summary>
    [GeneratedRegex(@"(?<![\d.])\b(?<d1>\d{1,2})(?:\s*" + Dash + @"\s*(?<d2>\d{1,2}))?\.(?<mo>\d{1,2})\.(?<y>\d{4})(?![.]?\d)", Cs, TimeoutMs)]
    private static partial Regex NumericDates();

    // ---- places ------------------------------------------------------------------------------------------------------

    [GeneratedRegex(@"\b[Ii]n\s+(?:the\s+city\s+of\s+)?(?<p>The\s+Hague|\p{Lu}\p{Ll}[\p{L}'’-]*(?:[ \t]+\p{Lu}\p{Ll}[\p{L}'’-]*){0,2})", Cs, TimeoutMs)]
    private static partial Regex PlaceEn();

    [GeneratedRegex(@"(?<!\p{L})[вВ]о?\s+(?:г\.\s*|гор\.\s*|городе\s+)?(?<p>[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]*)*(?:(?<=(?:ой|ей|ом|ем))[ " +
        @"\t]+[А-ЯЁ][а-яё]+)?)", Cs, TimeoutMs)]
    private static partial Regex PlaceRu();

    [GeneratedRegex(@"(?<!\p{L})[àÀ]\s+(?<p>\p{Lu}\p{Ll}[\p{L}'’-]*(?:[ \t]+\p{Lu}\p{Ll}[\p{L}'’-]*)?)", Cs, TimeoutMs)]
    private static partial Regex PlaceFr();

    // ---- sentences and participation ---------------------------------------------------------------------------------

    [GeneratedRegex(@"\b(?:held|hold|holds|took\s+place|take\s+place|takes\s+place|taking\s+place|met|meet|meets|convened|convenes|hosted|gathered"
        + @"|прош(?:ла|ли|ло|[её]л)|проходил[аио]?|проход(?:ят|ит)|состоял(?:ась|ись|ось|ся)|состо(?:ится|ятся)|пройд(?:[её]т|ут)|проведен[аоы]?|пр" +
            @"овел[аи]?|собрал(?:ась|ись|ся)"
        + @"|s['’]est\s+tenue?s?|se\s+sont\s+tenue?s?|tenue?s?|a\s+eu\s+lieu|ont\s+eu\s+lieu|aura\s+lieu|auront\s+lieu|s['’]est\s+déroulée?s?|se\s+" +
            @"sont\s+déroulée?s?|s['’]est\s+réunie?s?|se\s+sont\s+réunie?s?)(?!\p{L})", Ci, TimeoutMs)]
    private static partial Regex HeldWords();

    [GeneratedRegex(
        @"\b(?:sessions?|meetings?|conference|сесси[а-яё]*|заседани[а-яё]*|совещани[а-яё]*|réunions?)(?!\p{L})", Ci, TimeoutMs)]
    private static partial Regex MeetingWords();

    [GeneratedRegex(@"\bhybrid\b|\b(?:online|remote|virtual)\s+participa|\bparticipat[a-z]*\s+(?:online|remotely|virtually)\b|\b(?:join|follow|atte" +
        @"nd|connect)[a-z]*\s+(?:also\s+)?(?:the\s+(?:meeting|session|discussions?|proceedings)\s+)?(?:online|remotely|virtually)\b"
        + @"|\bin[\s-]person\s+and\s+(?:online|virtual(?:ly)?|remote(?:ly)?)\b|\b(?:online|virtual(?:ly)?|remote(?:ly)?)\s+and\s+in[\s-]person\b"
        + @"|гибридн|смешанн[а-яё]*\s+формат|онлайн[\s-]участи|дистанционн[а-яё]*\s+участи|участием\s+(?:в\s+режиме\s+)?онлайн|очно\s+и\s+(?:онлайн" +
            @"|дистанционно|в\s+режиме\s+онлайн)"
        + @"|\bhybride\b|participation\s+(?:en\s+ligne|à\s+distance|virtuelle)|en\s+présentiel\s+et\s+(?:en\s+ligne|à\s+distance|virtuellement)|(?:" +
            @"en\s+ligne|à\s+distance)\s+et\s+en\s+présentiel", Ci, TimeoutMs)]
    private static partial Regex HybridWords();

    [GeneratedRegex(
        @"\b(?:held|took\s+place|met|convened|conducted|organi[sz]ed|hosted)\s+(?:entirely\s+|fully\s+|exclusively\s+)?(?:online|virtually|remotely)\b"
        + @"|\bonline\s+(?:format|meeting|session|mode|event|conference)s?\b|\bvirtual\s+(?:format|meeting|session|mode|event|conference)s?\b"
        + @"|\b(?:by|via|through|over)\s+video[\s-]?conferenc|\bvideo[\s-]?conference\s+(?:format|mode)\b|\bin\s+(?:an?\s+)?(?:online|virtual)\s+(?" +
            @":format|mode|setting)\b"
        + @"|онлайн[\s-]формат|формате\s+онлайн|режиме\s+(?:онлайн|видеоконференц|видеосвязи)|формате\s+видеоконференц|посредством\s+видеоконференц" +
            @"|по\s+видеосвязи"
        + @"|виртуальн[а-яё]*\s+(?:формат|заседани|сесси|встреч)|(?<!\p{L})дистанционно(?!\p{L})|прошл[аио]?\s+онлайн"
        + @"|\ben\s+ligne\b|\b(?:par|en)\s+(?:visio|vidéo)[\s-]?conférence|\bvirtuellement\b|\bformat\s+virtuel\b|(?<!\p{L})à\s+distance\b", Ci, TimeoutMs)]
    private static partial Regex OnlineWords();

    [GeneratedRegex(@"\bin[\s-]person\b|\bface[\s-]to[\s-]face\b|(?<!\p{L})очн(?:о|ом\s+формате)(?!\p{L})|\ben\s+présentiel\b", Ci, TimeoutMs)]
    private static partial Regex InPersonWords();

    // ---- word lists --------------------------------------------------------------------------------------------------

    private static readonly FrozenDictionary<string, int> Months = BuildMonths();

    private static readonly FrozenSet<string> NotPlacesEn = FrozenSet.Create(StringComparer.Ordinal,
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "The", "A", "An", "This", "That", "These", "Those", "Its", "Their", "Our", "His", "Her", "Which", "Whose", "Such", "Some", "Each",
        "With", "And", "Or", "Of", "For", "From", "To", "By", "At", "On", "In", "As", "Online", "Hybrid", "Person", "Line",
        "Customs", "English", "French", "Russian", "Spanish", "Arabic", "Chinese", "Portuguese",
        "Annex", "Annexes", "Article", "Articles", "Part", "Section", "Chapter", "Appendix", "Paragraph", "Table", "Figure",
        "Addition", "Particular", "Order", "Accordance", "Total", "Support", "Response", "Case", "Relation", "Respect", "View", "Light",
        "Terms", "Force", "Charge", "Future", "General", "Practice", "Advance", "Parallel", "Summary", "Conclusion", "Brief", "Short",
        "Fact", "Turn", "Time", "Cooperation", "Co-operation", "Collaboration", "Partnership", "Attendance", "Session", "Sessions",
        "Meeting", "Meetings", "Plenary", "Committee", "Commission", "Council", "Headquarters", "Secretariat", "Working", "Technical",
        "Permanent", "Policy", "Harmonized", "Enforcement", "Member", "Members", "Depth", "Detail", "Common", "Principle", "Place",
        "Front", "Favour", "Favor", "Connection", "Compliance", "Memory", "Honour", "Honor", "Recognition", "Preparation", "Spite",
        "Lieu", "Excess", "Circular", "Green", "Trade", "Data", "Framework", "Agreement", "Convention", "Organization", "Organisation");

    private static readonly string[] NotPlacePrefixesRu =
    [
        "Секретариат", "Комитет", "Подкомитет", "Комисси", "Совет", "Организаци",
        "Рабоч", "Штаб", "Постоянн", "Всемирн", "Политическ", "Гибридн", "Онлайн", "Очн",
        "Сесси", "Заседани", "Рамк", "Ходе", "Течени", "Режим", "Формат", "Соответств",
        "Январ", "Феврал", "Март", "Апрел", "Ма", "Июн", "Июл", "Август", "Сентябр",
        "Октябр", "Ноябр", "Декабр", "Конвенци", "Соглашени",
    ];

    private static readonly FrozenSet<string> NotPlacesFr = FrozenSet.Create(StringComparer.Ordinal,
        "La", "Le", "Les", "L", "Ce", "Cet", "Cette", "Ces", "Leur", "Son", "Sa", "Ses", "Travers", "Distance", "Propos", "Savoir",
        "Noter", "Titre", "Partir", "Compter", "Cause", "Cet", "Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août",
        "Septembre", "Octobre", "Novembre", "Décembre", "Comité", "Commission", "Organisation", "Douane", "Douanes");

    // ---- public API --------------------------------------------------------------------------------------------------

    /// <summary>
    /// Reads the session metadata; a field found in <paramref name="title"/> wins over the body. Bodies and cities of the
    /// glossary are stored as their English terms, whatever the article's language or case ("Всемирной таможенной организации"
    /// → "World Customs Organization", "ВТамО" → "WCO", "Брюсселе" → "Brussels"), so that pages and mails name them in their
    /// reader's language; others as written.
    /// </summary>
    public static SessionInfo Extract(string title, string text)
    {
        var s = ExtractAsWritten(title, text);
        return s.IsEmpty ? s : s with
        {
            Organization = Glossary.Canonical(s.Organization),
            OrganizationAbbreviation = Glossary.Canonical(s.OrganizationAbbreviation),
            Committee = Glossary.Canonical(s.Committee),
            CommitteeAbbreviation = Glossary.Canonical(s.CommitteeAbbreviation),
            Place = Glossary.Canonical(s.Place),
        };
    }

    /// <summary>The session metadata in the article's own words and case ("Брюсселе", "Постоянного технического комитета").</summary>
    public static SessionInfo ExtractAsWritten(string title, string text)
    {
        title ??= string.Empty;
        text ??= string.Empty;
        if (string.IsNullOrWhiteSpace(title) && string.IsNullOrWhiteSpace(text))
            return SessionInfo.None;

        var ctx = new Context(title, text);
        var french = LanguageDetector.Detect(title.Length > 0 ? title + "\n" + Prefix(text, 20_000) : text) == "fr";

        var org = First(
            ctx.Primary,
            Finder(OrganizationEn(), ParseOrganizationEn),
            Finder(OrganizationRu(), ParseOrganizationRu),
            Finder(OrganizationFr(), ParseOrganizationFr));

        var committeeFinders = french
            ? new (Regex, Func<Match, string, CommitteeHit?>)[] { (CommitteeFr(), ParseCommittee), (CommitteeRu(), ParseCommittee) }
            : [(CommitteeEn(), ParseCommittee), (CommitteeRu(), ParseCommittee)];
        var committee = First(ctx.Primary, [.. committeeFinders.Select(f => Finder(f.Item1, f.Item2))]);

        var sessions = First(ctx.Primary, FindOrdinalSessions, Finder(NumberedSessions(), ParseNumberedSessions));
        var dates = First(
            ctx.Primary,
            Finder(DayFirstDates(), ParseDayFirst),
            Finder(MonthFirstDates(), ParseMonthFirst),
            Finder(NumericDates(), ParseNumeric));
        var place = First(ctx.Local, Finder(PlaceEn(), ParsePlaceEn), Finder(PlaceRu(), ParsePlaceRu), Finder(PlaceFr(), ParsePlaceFr));

        return new SessionInfo(
            org?.Value.Name,
            OrganizationAbbreviation(ctx, org, committee, committeeFinders),
            committee?.Value.Name,
            committee is null ? null : committee.Value.Abbr ?? AbbreviationElsewhere(ctx, committeeFinders, committee.Value.Name, c => c.Abbr),
            sessions?.Value ?? [],
            dates?.Value.Start,
            dates?.Value.End,
            place?.Value,
            ReadParticipation(ctx, place is not null));
    }

    // ---- search scopes -----------------------------------------------------------------------------------------------

    private readonly record struct Segment(string Source, int Start, int Length, bool IsTitle);

    private sealed record Hit<T>(int Index, T Value, bool InTitle);

    private sealed class Context
    {
        public Context(string title, string text)
        {
            Title = new Segment(title, 0, title.Length, true);
            Text = new Segment(text, 0, text.Length, false);
            var held = Sentences(text, HeldWords());
            Primary = [Title, .. held, Text];
            Local = [Title, .. held.Count > 0 ? held : Sentences(text, MeetingWords())];
        }

        public Segment Title { get; }
        public Segment Text { get; }

        /// <summary>Title, then the sentences saying the session was held, then the whole body.</summary>
        public IReadOnlyList<Segment> Primary { get; }

        /// <summary>Title, then the "held" sentences (or, failing those, the sentences that mention a session or meeting).</summary>
        public IReadOnlyList<Segment> Local { get; }
    }

    /// <summary>The earliest hit of any finder in the first segment where one of them finds something.</summary>
    private static Hit<T>? First<T>(IReadOnlyList<Segment> segments, params Func<Segment, Hit<T>?>[] finders) where T : class
    {
        foreach (var segment in segments)
        {
            Hit<T>? best = null;
            foreach (var find in finders)
            {
                var hit = find(segment);
                if (hit is not null && (best is null || hit.Index < best.Index))
                    best = hit;
            }
            if (best is not null)
                return best;
        }
        return null;
    }

    private static Func<Segment, Hit<T>?> Finder<T>(Regex regex, Func<Match, string, T?> parse) where T : class
        => segment => FirstIn(regex, segment, parse);

    private static Hit<T>? FirstIn<T>(Regex regex, Segment segment, Func<Match, string, T?> parse) where T : class
    {
        if (segment.Length == 0)
            return null;
        try
        {
            for (var m = regex.Match(segment.Source, segment.Start, segment.Length); m.Success; m = m.NextMatch())
            {
                if (parse(m, segment.Source) is { } value)
                    return new Hit<T>(m.Index, value, segment.IsTitle);
            }
        }
        catch (RegexMatchTimeoutException)
        {
        }
        return null;
    }

    private static IEnumerable<T> AllIn<T>(Regex regex, Segment segment, Func<Match, string, T?> parse) where T : class
    {
        if (segment.Length == 0)
            yield break;
        var m = SafeMatch(() => regex.Match(segment.Source, segment.Start, segment.Length));
        while (m is { Success: true })
        {
            if (parse(m, segment.Source) is { } value)
                yield return value;
            var current = m;
            m = SafeMatch(current.NextMatch);
        }
    }

    private static Match? SafeMatch(Func<Match> match)
    {
        try
        {
            return match();
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    private static string Prefix(string text, int length) => text.Length <= length ? text : text[..length];

    // ---- sentences ---------------------------------------------------------------------------------------------------

    private static List<Segment> Sentences(string text, Regex keywords)
    {
        var list = new List<Segment>();
        if (text.Length == 0)
            return list;
        var lastEnd = -1;
        try
        {
            foreach (var m in keywords.EnumerateMatches(text))
            {
                if (m.Index < lastEnd)
                    continue;
                var (start, end) = SentenceAround(text, m.Index, m.Length);
                list.Add(new Segment(text, start, end - start, false));
                lastEnd = end;
                if (list.Count >= MaxSentences)
                    break;
            }
        }
        catch (RegexMatchTimeoutException)
        {
        }
        return list;
    }

    private static (int Start, int End) SentenceAround(string s, int index, int length)
    {
        var start = Math.Max(0, index - SentenceReach);
        for (var i = index - 1; i >= start; i--)
        {
            if (IsBoundary(s, i))
            {
                start = i + 1;
                break;
            }
        }
        var limit = Math.Min(s.Length, index + length + SentenceReach);
        var end = limit;
        for (var i = index + length; i < limit; i++)
        {
            if (IsBoundary(s, i))
            {
                end = i + 1;
                break;
            }
        }
        return (start, end);
    }

    /// <summary>A blank line, or sentence punctuation followed by a space and something that does not continue the sentence.</summary>
    private static bool IsBoundary(string s, int i)
    {
        var c = s[i];
        if (c == '\n')
        {
            for (int j = i + 1, n = 0; j < s.Length && n < 200; j++, n++)
            {
                if (s[j] == '\n') return true;
                if (!char.IsWhiteSpace(s[j])) break;
            }
            for (int j = i - 1, n = 0; j >= 0 && n < 200; j--, n++)
            {
                if (s[j] == '\n') return true;
                if (!char.IsWhiteSpace(s[j])) break;
            }
            return false;
        }
        if (c is not ('.' or '!' or '?' or '…'))
            return false;

        var k = i + 1;
        if (k < s.Length && !char.IsWhiteSpace(s[k]))
            return false;
        while (k < s.Length && k < i + 200 && char.IsWhiteSpace(s[k]))
            k++;
        if (k >= s.Length)
            return true;
        if (char.IsLower(s[k]) || char.IsDigit(s[k]))
            return false;
        if (c == '.')
        {
            // "г. Ташкент", "St. Gallen", "No. 5": a one- or two-letter word with a lower-case letter is an abbreviation.
            var w = i - 1;
            while (w >= 0 && i - w <= 3 && char.IsLetter(s[w]))
                w--;
            var letters = i - 1 - w;
            if (letters is 1 or 2 && (w < 0 || !char.IsLetter(s[w])))
            {
                for (var j = w + 1; j < i; j++)
                {
                    if (char.IsLower(s[j]))
                        return false;
                }
            }
        }
        return true;
    }

    // ---- organisations and committees --------------------------------------------------------------------------------

    private sealed record OrganizationHit(string Name, string? Abbr);

    private sealed record CommitteeHit(string Name, string? Abbr, string? OrgAbbr);

    private static OrganizationHit? ParseOrganizationEn(Match m, string _)
    {
        var abbr = Abbreviation(m.Groups["abbr"]);
        var name = m.Groups["base"].Value;
        if (abbr is not null && m.Groups["suffix"].Success)
            name += m.Groups["suffix"].Value;
        return new OrganizationHit(Clean(name), abbr);
    }

    private static OrganizationHit? ParseOrganizationRu(Match m, string _)
    {
        var name = m.Groups["name"].Value;
        var abbr = Abbreviation(m.Groups["abbr"]);
        if (abbr is null && m.Groups["abbr"].Success)
        {
            // "(Бельгия)" is not an abbreviation: keep the phrase up to the noun, if it starts with adjectives.
            var noun = name.IndexOf("организаци", StringComparison.Ordinal);
            if (noun <= 0)
                return null;
            var end = noun;
            while (end < name.Length && char.IsLetter(name[end]))
                end++;
            name = name[..end];
        }
        return new OrganizationHit(Clean(name), abbr);
    }

    private static OrganizationHit? ParseOrganizationFr(Match m, string _)
        => new(Clean(m.Groups["name"].Value), Abbreviation(m.Groups["abbr"]));

    private static CommitteeHit? ParseCommittee(Match m, string _)
    {
        var name = Clean(m.Groups["name"].Value);
        if (!name.Contains(' '))
            return null; // "The Committee", "Commission": not a name.
        var orgAbbr = m.Groups["orgabbr"];
        return new CommitteeHit(name, Abbreviation(m.Groups["abbr"]), orgAbbr.Success && CountUpper(orgAbbr.Value) >= 2 ? orgAbbr.Value : null);
    }

    private static string? OrganizationAbbreviation(Context ctx, Hit<OrganizationHit>? org, Hit<CommitteeHit>? committee,
        (Regex, Func<Match, string, CommitteeHit?>)[] committeeFinders)
    {
        if (org is { InTitle: true, Value.Abbr: { } titleOrgAbbr })
            return titleOrgAbbr;
        if (committee is { InTitle: true, Value.OrgAbbr: { } titleCommitteeOrgAbbr })
            return titleCommitteeOrgAbbr;
        if (org?.Value.Abbr is { } orgAbbr)
            return orgAbbr;
        if (org is not null)
        {
            var finders = new (Regex, Func<Match, string, OrganizationHit?>)[]
            {
                (OrganizationEn(), ParseOrganizationEn), (OrganizationRu(), ParseOrganizationRu), (OrganizationFr(), ParseOrganizationFr)
            };
            foreach (var segment in (Segment[])[ctx.Title, ctx.Text])
            {
                foreach (var (regex, parse) in finders)
                {
                    var same = AllIn(regex, segment, parse).FirstOrDefault(o => o.Abbr is not null && SameName(o.Name, org.Value.Name));
                    if (same is not null)
                        return same.Abbr;
                }
            }
        }
        if (committee is null)
            return null; // no committee phrase anywhere, so none followed by "of the WCO"
        if (committee.Value.OrgAbbr is { } committeeOrgAbbr)
            return committeeOrgAbbr;
        // "... Committee of the WCO" anywhere, after another committee phrase.
        foreach (var segment in (Segment[])[ctx.Title, ctx.Text])
        {
            foreach (var (regex, parse) in committeeFinders)
            {
                if (AllIn(regex, segment, parse).FirstOrDefault(c => c.OrgAbbr is not null) is { } other)
                    return other.OrgAbbr;
            }
        }
        return null;
    }

    private static string? AbbreviationElsewhere(Context ctx, (Regex, Func<Match, string, CommitteeHit?>)[] finders, string name,
        Func<CommitteeHit, string?> pick)
    {
        foreach (var segment in (Segment[])[ctx.Title, ctx.Text])
        {
            foreach (var (regex, parse) in finders)
            {
                if (AllIn(regex, segment, parse).FirstOrDefault(c => SameName(c.Name, name) && pick(c) is not null) is { } same)
                    return pick(same);
            }
        }
        return null;
    }

    /// <summary>
    /// The same name, allowing for inflected endings: "Постоянный технический комитет" and
    /// "Постоянного технического комитета".
    /// </summary>
    private static bool SameName(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
            return true;
        var x = a.Split(' ');
        var y = b.Split(' ');
        if (x.Length != y.Length)
            return false;
        for (var i = 0; i < x.Length; i++)
        {
            var common = x[i].AsSpan().CommonPrefixLength(y[i]);
            var shorter = Math.Min(x[i].Length, y[i].Length);
            if (common < 3 || common < shorter - 3)
                return false;
        }
        return true;
    }

    private static string? Abbreviation(Group group)
        => group.Success && CountUpper(group.Value) >= 2 ? group.Value : null;

    private static int CountUpper(string value)
    {
        var n = 0;
        foreach (var c in value)
        {
            if (char.IsUpper(c))
                n++;
        }
        return n;
    }

    private static string Clean(string value)
    {
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space)
                sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    // ---- session numbers ---------------------------------------------------------------------------------------------

    private static Hit<int[]>? FindOrdinalSessions(Segment segment)
    {
        if (segment.Length == 0)
            return null;
        var source = segment.Source;
        try
        {
            for (var m = SessionWords().Match(source, segment.Start, segment.Length); m.Success; m = m.NextMatch())
            {
                var end = m.Index;
                var start = Math.Max(segment.Start, end - OrdinalReach);
                if (start > segment.Start)
                {
                    // Start the window on a word boundary, so that "9th" is not read out of "239th".
                    while (start < end && !char.IsWhiteSpace(source[start]))
                        start++;
                }
                if (end - start < 2)
                    continue;
                var ordinals = OrdinalsBeforeSessionWord().Match(source, start, end - start);
                if (ordinals.Success && SessionNumbers(ordinals.Groups["nums"].Value, requireOrdinal: true) is { } numbers)
                    return new Hit<int[]>(ordinals.Index, numbers, segment.IsTitle);
            }
        }
        catch (RegexMatchTimeoutException)
        {
        }
        return null;
    }

    private static int[]? ParseNumberedSessions(Match m, string source)
    {
        // "session 25 April" is a date, not a session number.
        var i = m.Index + m.Length;
        while (i < source.Length && (char.IsWhiteSpace(source[i]) || source[i] is '-' or '–' or '—' or ','))
            i++;
        var start = i;
        while (i < source.Length && char.IsLetter(source[i]))
            i++;
        if (i > start && IsMonth(source.AsSpan(start, i - start)))
            return null;
        return SessionNumbers(m.Groups["nums"].Value, requireOrdinal: false);
    }

    private static int[]? SessionNumbers(string text, bool requireOrdinal)
    {
        var numbers = new List<int>();
        var ordinal = false;
        var range = false;
        int? previous = null;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                    i++;
                var n = int.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
                if (i < text.Length && (char.IsLetter(text[i]) || (text[i] == '-' && i + 1 < text.Length && char.IsLetter(text[i + 1]))))
                {
                    ordinal = true;
                    if (text[i] == '-')
                        i++;
                    while (i < text.Length && char.IsLetter(text[i]))
                        i++;
                }
                if (range && previous is { } p && n > p && n - p <= 20)
                {
                    for (var k = p + 1; k < n; k++)
                        numbers.Add(k);
                }
                if (n > 0)
                    numbers.Add(n);
                previous = n;
                range = false;
            }
            else if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length && char.IsLetter(text[i]))
                    i++;
                if (text.AsSpan(start, i - start).Equals("to", StringComparison.OrdinalIgnoreCase))
                    range = true;
            }
            else
            {
                if (c is '-' or '‐' or '‑' or '–' or '—')
                    range = true;
                i++;
            }
        }
        if ((requireOrdinal && !ordinal) || numbers.Count == 0)
            return null;
        return [.. numbers.Distinct().Order()];
    }

    // ---- dates -------------------------------------------------------------------------------------------------------

    private sealed record DateRange(DateOnly Start, DateOnly End);

    private static DateRange? ParseDayFirst(Match m, string _)
    {
        var endMonth = Month(m.Groups["m2"].Value);
        var endYear = Int(m.Groups["y2"].Value);
        if (!m.Groups["d2"].Success)
            return Range(Int(m.Groups["d1"].Value), endMonth, endYear, Int(m.Groups["d1"].Value), endMonth, endYear);
        var startMonth = m.Groups["m1"].Success ? Month(m.Groups["m1"].Value) : endMonth;
        var startYear = m.Groups["y1"].Success ? Int(m.Groups["y1"].Value) : startMonth > endMonth ? endYear - 1 : endYear;
        return Range(Int(m.Groups["d1"].Value), startMonth, startYear, Int(m.Groups["d2"].Value), endMonth, endYear);
    }

    private static DateRange? ParseMonthFirst(Match m, string _)
    {
        var startMonth = Month(m.Groups["m1"].Value);
        var endMonth = m.Groups["m2"].Success ? Month(m.Groups["m2"].Value) : startMonth;
        var year = Int(m.Groups["y"].Value);
        var startDay = Int(m.Groups["d1"].Value);
        var endDay = m.Groups["d2"].Success ? Int(m.Groups["d2"].Value) : startDay;
        return Range(startDay, startMonth, startMonth > endMonth ? year - 1 : year, endDay, endMonth, year);
    }

    private static DateRange? ParseNumeric(Match m, string _)
    {
        var month = Int(m.Groups["mo"].Value);
        var year = Int(m.Groups["y"].Value);
        var startDay = Int(m.Groups["d1"].Value);
        return Range(startDay, month, year, m.Groups["d2"].Success ? Int(m.Groups["d2"].Value) : startDay, month, year);
    }

    private static DateRange? Range(int startDay, int startMonth, int startYear, int endDay, int endMonth, int endYear)
    {
        if (Date(startDay, startMonth, startYear) is not { } start || Date(endDay, endMonth, endYear) is not { } end || start > end)
            return null;
        return new DateRange(start, end);
    }

    private static DateOnly? Date(int day, int month, int year)
    {
        if (year is < 1950 or > 2100 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return null;
        return new DateOnly(year, month, day);
    }

    private static int Int(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int Month(string name) => Months.TryGetValue(name.TrimEnd('.'), out var month) ? month : 0;

    private static bool IsMonth(ReadOnlySpan<char> word) => Months.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(word);

    private static FrozenDictionary<string, int> BuildMonths()
    {
        var months = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        string[][] names =
        [
            ["january", "jan", "января", "janvier"],
            ["february", "feb", "февраля", "février", "fevrier"],
            ["march", "mar", "марта", "mars"],
            ["april", "apr", "апреля", "avril"],
            ["may", "мая", "mai"],
            ["june", "jun", "июня", "juin"],
            ["july", "jul", "июля", "juillet"],
            ["august", "aug", "августа", "août", "aout"],
            ["september", "sep", "sept", "сентября", "septembre"],
            ["october", "oct", "октября", "octobre"],
            ["november", "nov", "ноября", "novembre"],
            ["december", "dec", "декабря", "décembre", "decembre"],
        ];
        for (var i = 0; i < names.Length; i++)
        {
            foreach (var name in names[i])
                months[name] = i + 1;
        }
        return months.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    // ---- places ------------------------------------------------------------------------------------------------------

    private static string? ParsePlaceEn(Match m, string _)
    {
        var words = m.Groups["p"].Value.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (words is ["The", "Hague", ..])
            return "The Hague";
        var kept = words.TakeWhile(w => !NotPlacesEn.Contains(w.TrimEnd('\'', '’'))).ToArray();
        return kept.Length == 0 ? null : string.Join(' ', kept);
    }

    private static string? ParsePlaceRu(Match m, string _)
    {
        var word = m.Groups["p"].Value;
        foreach (var prefix in NotPlacePrefixesRu)
        {
            if (word.StartsWith(prefix, StringComparison.Ordinal) && !(prefix == "Ма" && word.Length > 3))
                return null;
        }
        return word;
    }

    private static string? ParsePlaceFr(Match m, string _)
    {
        var words = m.Groups["p"].Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var kept = words.TakeWhile(w => !NotPlacesFr.Contains(w)).ToArray();
        return kept.Length == 0 ? null : string.Join(' ', kept);
    }

    // ---- participation -----------------------------------------------------------------------------------------------

    private static Participation ReadParticipation(Context ctx, bool hasPlace)
    {
        bool hybrid = false, online = false, inPerson = false;
        foreach (var segment in ctx.Local)
        {
            hybrid |= Matches(HybridWords(), segment);
            if (hybrid)
                break;
            online |= Matches(OnlineWords(), segment);
            inPerson |= Matches(InPersonWords(), segment);
        }
        if (hybrid || (online && (inPerson || hasPlace)))
            return Participation.Hybrid;
        if (online)
            return Participation.Online;
        return inPerson || hasPlace ? Participation.InPerson : Participation.Unknown;
    }

    private static bool Matches(Regex regex, Segment segment)
    {
        if (segment.Length == 0)
            return false;
        try
        {
            return regex.IsMatch(segment.Source.AsSpan(segment.Start, segment.Length));
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
