using Notifications.Articles;
using Notifications.Digests;
using Notifications.Localization;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Templates;

/// <summary>Dates, plurals, ordinals and notes of the digest in English, Russian and French.</summary>
public sealed class DigestLocaleTests
{
    private static readonly DigestLocale En = DigestLocale.For("en");
    private static readonly DigestLocale Ru = DigestLocale.For("ru");
    private static readonly DigestLocale Fr = DigestLocale.For("fr");

    [Theory]
    [InlineData(1, "1 новый отчёт")]
    [InlineData(2, "2 новых отчёта")]
    [InlineData(3, "3 новых отчёта")]
    [InlineData(4, "4 новых отчёта")]
    [InlineData(5, "5 новых отчётов")]
    [InlineData(0, "0 новых отчётов")]
    [InlineData(11, "11 новых отчётов")]
    [InlineData(12, "12 новых отчётов")]
    [InlineData(14, "14 новых отчётов")]
    [InlineData(21, "21 новый отчёт")]
    [InlineData(22, "22 новых отчёта")]
    [InlineData(25, "25 новых отчётов")]
    [InlineData(101, "101 новый отчёт")]
    [InlineData(111, "111 новых отчётов")]
    [InlineData(112, "112 новых отчётов")]
    [InlineData(122, "122 новых отчёта")]
    public void RussianPluralsHaveOneFewAndMany(int n, string expected)
        => Assert.Equal(expected, Ru.NewReports(n));

    [Theory]
    [InlineData(1, PluralCategory.One)]
    [InlineData(2, PluralCategory.Few)]
    [InlineData(5, PluralCategory.Many)]
    [InlineData(11, PluralCategory.Many)]
    [InlineData(21, PluralCategory.One)]
    [InlineData(22, PluralCategory.Few)]
    [InlineData(25, PluralCategory.Many)]
    public void RussianPluralCategories(int n, PluralCategory expected) => Assert.Equal(expected, DigestLocale.RussianPlural(n));

    [Theory]
    [InlineData(0, "0 new reports")]
    [InlineData(1, "1 new report")]
    [InlineData(2, "2 new reports")]
    [InlineData(3, "3 new reports")]
    [InlineData(21, "21 new reports")]
    public void EnglishPlurals(int n, string expected) => Assert.Equal(expected, En.NewReports(n));

    [Theory]
    [InlineData(0, "0 nouveau rapport")]
    [InlineData(1, "1 nouveau rapport")]
    [InlineData(2, "2 nouveaux rapports")]
    [InlineData(21, "21 nouveaux rapports")]
    public void FrenchPluralsTreatZeroAndOneAsSingular(int n, string expected) => Assert.Equal(expected, Fr.NewReports(n));

    [Theory]
    [InlineData("en", "25–27 April 2023", "30 September – 2 October 2026", "30 December 2026 – 2 January 2027", "27 April 2023")]
    [InlineData("ru", "25–27 апреля 2023", "30 сентября – 2 октября 2026",
        "30 декабря 2026 – 2 января 2027", "27 апреля 2023")]
    [InlineData("fr", "25–27 avril 2023", "30 septembre – 2 octobre 2026", "30 décembre 2026 – 2 janvier 2027", "27 avril 2023")]
    public void DateRangesInOneMonthAcrossMonthsAndAcrossYears(string language, string sameMonth, string crossMonth, string crossYear, string oneDay)
    {
        var locale = DigestLocale.For(language);
        Assert.Equal(sameMonth, locale.DateRange(new DateOnly(2023, 4, 25), new DateOnly(2023, 4, 27)));
        Assert.Equal(crossMonth, locale.DateRange(new DateOnly(2026, 9, 30), new DateOnly(2026, 10, 2)));
        Assert.Equal(crossYear, locale.DateRange(new DateOnly(2026, 12, 30), new DateOnly(2027, 1, 2)));
        Assert.Equal(oneDay, locale.DateRange(new DateOnly(2023, 4, 27), null));
        Assert.Equal(oneDay, locale.DateRange(new DateOnly(2023, 4, 27), new DateOnly(2023, 4, 27)));
    }

    [Fact]
    public void RussianMonthsAreGenitiveEveryMonth()
        => Assert.Equal(
            ["1 января 2026", "1 февраля 2026", "1 марта 2026", "1 апреля 2026", "1 мая 2026", "1 июня 2026",
             "1 июля 2026", "1 августа 2026", "1 сентября 2026", "1 октября 2026", "1 ноября 2026", "1 декабря 2026"],
            Enumerable.Range(1, 12).Select(m => Ru.Date(new DateOnly(2026, m, 1))));

    [Fact]
    public void FrenchWritesTheFirstOfTheMonthAsPremier()
    {
        Assert.Equal("1er mai 2026", Fr.Date(new DateOnly(2026, 5, 1)));
        Assert.Equal("1er–3 mai 2026", Fr.DateRange(new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 3)));
        Assert.Equal("2 mai 2026", Fr.Date(new DateOnly(2026, 5, 2)));
    }

    [Fact]
    public void PeriodLabelsForDaysAndWeeks()
    {
        var day = DigestPeriod.For(DigestFrequency.Daily, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        var week = DigestPeriod.For(DigestFrequency.Weekly, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        Assert.Equal(("26 November 2026", "week of 23 November 2026"), (En.PeriodLabel(day), En.PeriodLabel(week)));
        Assert.Equal(("26 ноября 2026", "неделя с 23 ноября 2026"), (Ru.PeriodLabel(day), Ru.PeriodLabel(week)));
        Assert.Equal(("26 novembre 2026", "semaine du 23 novembre 2026"), (Fr.PeriodLabel(day), Fr.PeriodLabel(week)));
    }

    [Theory]
    [InlineData(1, "1st", "1-я", "1re")]
    [InlineData(2, "2nd", "2-я", "2e")]
    [InlineData(3, "3rd", "3-я", "3e")]
    [InlineData(11, "11th", "11-я", "11e")]
    [InlineData(12, "12th", "12-я", "12e")]
    [InlineData(21, "21st", "21-я", "21e")]
    [InlineData(113, "113th", "113-я", "113e")]
    [InlineData(242, "242nd", "242-я", "242e")]
    public void SessionOrdinals(int n, string en, string ru, string fr)
        => Assert.Equal((en, ru, fr), (En.Ordinal(n), Ru.Ordinal(n), Fr.Ordinal(n)));

    [Fact]
    public void SessionLinesInEachLanguage()
    {
        var s = new SessionInfo("World Customs Organization", "WCO", "Permanent Technical Committee", "PTC", [239, 240],
            new DateOnly(2023, 4, 25), new DateOnly(2023, 4, 27), "Brussels", Participation.Hybrid);
        Assert.Equal("PTC 239th/240th sessions · 25–27 April 2023 · Brussels and online", En.SessionLine(s));
        Assert.Equal("ПТК 239-я/240-я сессии · 25–27 апреля 2023 · Брюссель и онлайн", Ru.SessionLine(s));
        Assert.Equal("CTP 239e/240e sessions · 25–27 avril 2023 · Bruxelles et en ligne", Fr.SessionLine(s));

        var one = s with
        {
            Sessions = [78],
            Place = null,
            Participation = Participation.Online,
            CommitteeAbbreviation = null,
            Committee = "Harmonized System Committee"
        };
        Assert.Equal("Harmonized System Committee · 78th session · 25–27 April 2023 · online", En.SessionLine(one));
        Assert.Equal("Комитет по Гармонизированной системе · 78-я сессия · 25–27 апреля 2023 · онлайн", Ru.SessionLine(one));
        Assert.Equal("Comité du Système harmonisé · 78e session · 25–27 avril 2023 · en ligne", Fr.SessionLine(one));

        Assert.Equal("", En.SessionLine(SessionInfo.None));
        Assert.Equal("Tashkent", En.SessionLine(SessionInfo.None with { Place = "Tashkent", Participation = Participation.InPerson }));
    }

    [Fact]
    public void LanguageNotes()
    {
        Assert.Equal(("in Russian", "in French", ""), (En.LanguageNote("ru"), En.LanguageNote("fr"), En.LanguageNote("en")));
        Assert.Equal(("на английском языке", "на французском языке", ""),
            (Ru.LanguageNote("en"), Ru.LanguageNote("fr"), Ru.LanguageNote("ru")));
        Assert.Equal(("en anglais", "en russe", ""), (Fr.LanguageNote("en"), Fr.LanguageNote("ru"), Fr.LanguageNote("fr")));
        Assert.Equal(("en anglais", "на французском языке"), (Fr.LanguageNote("EN"), Ru.LanguageNote("FR")));
    }

    [Theory]
    [InlineData("ru-KZ", "ru")]
    [InlineData("FR", "fr")]
    [InlineData("de", "en")]
    [InlineData("", "en")]
    [InlineData(null, "en")]
    public void LanguageCodesFallBackSensibly(string? code, string expected) => Assert.Equal(expected, DigestLocale.For(code).Language);
}
