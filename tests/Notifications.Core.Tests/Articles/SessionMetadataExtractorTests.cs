using System.Text;
using Notifications.Articles;

namespace Notifications.Core.Tests.Articles;

public sealed class SessionMetadataExtractorTests
{
    private static SessionInfo Body(string text) => SessionMetadataExtractor.ExtractAsWritten("", text);

    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    // ---- whole articles -----------------------------------------------------------------------------------------------

    [Fact]
    public void ReadsEveryFieldFromARealisticEnglishArticle()
    {
        const string text = """
            Home / News / Meetings / Contact us

            The 71st and 72nd sessions of the Harmonized System Committee (HSC) of the World Customs Organization (WCO) took place from 13 to 22 March 2023 in Brussels in a hybrid format, with delegations from the region taking part


            The Harmonized System Committee met for its 71st and 72nd sessions from 13 to 22 March 2023 at the WCO premises in Brussels. Some delegations attended in person, others followed the debates by videoconference.

            Over the two weeks, the HSC settled classification questions on drones, smartphones and medical kits, and adopted amendments to the Explanatory Notes. The Committee also looked at the 2nd edition of the Guide on Classification Opinions and at the work plan for 2024.

            Background: the HSC was set up under the Harmonized System Convention, adopted in 1983. It meets twice a year in Brussels.

            Secretariat of the Regional Customs Cooperation Programme
            """;

        var info = SessionMetadataExtractor.ExtractAsWritten("", text);

        Assert.Equal(new SessionInfo("World Customs Organization", "WCO", "Harmonized System Committee", "HSC", info.Sessions,
            D(2023, 3, 13), D(2023, 3, 22), "Brussels", Participation.Hybrid), info);
        Assert.Equal([71, 72], info.Sessions);
    }

    [Fact]
    public void ReadsEveryFieldFromARealisticRussianArticle()
    {
        const string title = "241-я и 242-я сессии Постоянного технического комитета (ПТК) Всемирной таможенной организации (ВТамО)";
        const string text = """
            Главная / Новости / Контакты

            С 17 по 19 октября 2023 года в Брюсселе в гибридном формате прошли 241-я и 242-я сессии Постоянного технического комитета (ПТК) Всемирной таможенной организации (ВТамО).

            Участники обсудили развитие электронной торговли, обновление модели данных ВТамО и применение средств неинтрузивного контроля. В 2024 году комитет планирует провести ещё две сессии.

            Постоянный секретариат
            """;

        var info = SessionMetadataExtractor.ExtractAsWritten(title, text);

        Assert.Equal("Всемирной таможенной организации", info.Organization);
        Assert.Equal("ВТамО", info.OrganizationAbbreviation);
        Assert.Equal("Постоянного технического комитета", info.Committee);
        Assert.Equal("ПТК", info.CommitteeAbbreviation);
        Assert.Equal([241, 242], info.Sessions);
        Assert.Equal(D(2023, 10, 17), info.StartDate);
        Assert.Equal(D(2023, 10, 19), info.EndDate);
        Assert.Equal("Брюсселе", info.Place);
        Assert.Equal(Participation.Hybrid, info.Participation);
    }

    [Fact]
    public void ReadsEveryFieldFromAFrenchArticle()
    {
        const string text = """
            Les 239e et 240e sessions du Comité technique permanent (CTP) de l'Organisation mondiale des douanes (OMD) se sont tenues du 25 au 27 avril 2023 à Bruxelles en format hybride.

            Les délégués ont examiné le modèle de données de l'OMD et les travaux sur le commerce électronique.
            """;

        var info = Body(text);

        Assert.Equal(new SessionInfo("Organisation mondiale des douanes", "OMD", "Comité technique permanent", "CTP", info.Sessions,
            D(2023, 4, 25), D(2023, 4, 27), "Bruxelles", Participation.Hybrid), info);
        Assert.Equal([239, 240], info.Sessions);
    }

    [Fact]
    public void FieldsFoundInTheTitleWinOverTheBody()
    {
        var info = SessionMetadataExtractor.ExtractAsWritten(
            "The 83rd session of the Policy Commission was held on 5 December 2022 in Tashkent",
            "The Enforcement Committee will meet for its 40th session from 10 to 12 March 2023 in Brussels.");

        Assert.Equal("Policy Commission", info.Committee);
        Assert.Equal([83], info.Sessions);
        Assert.Equal(D(2022, 12, 5), info.StartDate);
        Assert.Equal(D(2022, 12, 5), info.EndDate);
        Assert.Equal("Tashkent", info.Place);
    }

    [Fact]
    public void BodyFillsWhatTheTitleDoesNotSay()
    {
        var info = SessionMetadataExtractor.ExtractAsWritten(
            "Enforcement Committee wraps up its 42nd session",
            "The meeting was held from 6 to 8 March 2024 in Brussels.");

        Assert.Equal("Enforcement Committee", info.Committee);
        Assert.Equal([42], info.Sessions);
        Assert.Equal(D(2024, 3, 6), info.StartDate);
        Assert.Equal(D(2024, 3, 8), info.EndDate);
        Assert.Equal("Brussels", info.Place);
        Assert.Equal(Participation.InPerson, info.Participation);
    }

    [Fact]
    public void PrefersTheDateOfTheSentenceSayingTheSessionWasHeld()
    {
        var info = Body("""
            The report published on 3 January 2023 announced the meeting.

            The 12th session of the Working Party was held from 14 to 16 February 2023 in Vienna.
            """);

        Assert.Equal(D(2023, 2, 14), info.StartDate);
        Assert.Equal(D(2023, 2, 16), info.EndDate);
        Assert.Equal("Vienna", info.Place);
        Assert.Equal("Working Party", info.Committee);
        Assert.Equal([12], info.Sessions);
    }

    [Fact]
    public void NoMetadataGivesAnEmptySessionInfo()
    {
        var info = Body("Customs administrations keep modernising their procedures. Officers share good practice with one another.");

        Assert.Null(info.Organization);
        Assert.Null(info.OrganizationAbbreviation);
        Assert.Null(info.Committee);
        Assert.Null(info.CommitteeAbbreviation);
        Assert.Empty(info.Sessions);
        Assert.Null(info.StartDate);
        Assert.Null(info.EndDate);
        Assert.Null(info.Place);
        Assert.Equal(Participation.Unknown, info.Participation);
        Assert.True(info.IsEmpty);
    }

    [Fact]
    public void EmptyInputGivesNone()
    {
        Assert.True(SessionMetadataExtractor.ExtractAsWritten("", "").IsEmpty);
        Assert.True(SessionMetadataExtractor.ExtractAsWritten("   ", "\n\n").IsEmpty);
    }

    // ---- organisation ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Delegates of the World Customs Organization (WCO) met.", "World Customs Organization", "WCO")]
    [InlineData("The World Customs Organisation (WCO) hosted the event.", "World Customs Organisation", "WCO")]
    [InlineData("Experts from the World Trade Organization discussed tariffs.", "World Trade Organization", null)]
    [InlineData("An expert of the International Organization for Standardization (ISO) spoke.", "International Organization for Standardization", "ISO")]
    [InlineData("Представители Всемирной таможенной организации (ВТамО) выступили с докладом.", "Всемирной таможенной организации", "ВТамО")]
    [InlineData("Эксперты Всемирной таможенной организации выступили с докладом.", "Всемирной таможенной организации", null)]
    [InlineData("Le secrétariat de l'Organisation mondiale des douanes (OMD) a présenté le rapport.", "Organisation mondiale des douanes", "OMD")]
    [InlineData("Des experts de l'Organisation mondiale du commerce étaient présents.", "Organisation mondiale du commerce", null)]
    public void ReadsTheOrganisationAsWritten(string text, string organization, string? abbreviation)
    {
        var info = Body(text);
        Assert.Equal(organization, info.Organization);
        Assert.Equal(abbreviation, info.OrganizationAbbreviation);
    }

    [Fact]
    public void TakesTheOrganisationAbbreviationFromTheWordsAfterACommittee()
    {
        var info = Body("The Enforcement Committee of the WCO met in Brussels.");
        Assert.Null(info.Organization);
        Assert.Equal("WCO", info.OrganizationAbbreviation);
        Assert.Equal("Enforcement Committee", info.Committee);

        info = Body("The Policy Commission of WCO discussed the strategic plan.");
        Assert.Equal("WCO", info.OrganizationAbbreviation);
    }

    [Fact]
    public void FindsTheOrganisationAbbreviationInParenthesesElsewhere()
    {
        var info = SessionMetadataExtractor.ExtractAsWritten(
            "Report from the World Customs Organization",
            "The Secretariat of the World Customs Organization (WCO) prepared the documents.");
        Assert.Equal("World Customs Organization", info.Organization);
        Assert.Equal("WCO", info.OrganizationAbbreviation);
    }

    [Fact]
    public void AnAllCapitalsWordThatDoesNotFollowACommitteeIsNotAnOrganisation()
    {
        var info = Body("Delegates of WCO Members shared their national experience.");
        Assert.Null(info.Organization);
        Assert.Null(info.OrganizationAbbreviation);
    }

    [Fact]
    public void ReadsTheRussianOrganisationAbbreviationAfterTheCommittee()
    {
        var info = Body("Заседание Политической комиссии ВТамО прошло в Брюсселе.");
        Assert.Equal("Политической комиссии", info.Committee);
        Assert.Equal("ВТамО", info.OrganizationAbbreviation);
    }

    [Fact]
    public void ReadsTheFrenchOrganisationAbbreviationAfterTheCommittee()
    {
        var info = Body("La Commission de politique générale de l'OMD s'est réunie à Bruxelles en décembre.");
        Assert.Equal("Commission de politique générale", info.Committee);
        Assert.Equal("OMD", info.OrganizationAbbreviation);
        Assert.Equal("Bruxelles", info.Place);
    }

    // ---- committee ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("The Permanent Technical Committee (PTC) met on Monday.", "Permanent Technical Committee", "PTC")]
    [InlineData("Members of the Policy Commission discussed the budget.", "Policy Commission", null)]
    [InlineData("The Harmonized System Committee (HSC) adopted decisions.", "Harmonized System Committee", "HSC")]
    [InlineData("The Enforcement Committee reviewed seizure data.", "Enforcement Committee", null)]
    [InlineData("A Working Party was set up to draft the guidelines.", "Working Party", null)]
    [InlineData("The Technical Committee on Customs Valuation (TCCV) met.", "Technical Committee on Customs Valuation", "TCCV")]
    [InlineData("The HS Committee adopted the amendments.", "HS Committee", null)]
    [InlineData("Члены Постоянного технического комитета (ПТК) обсудили проект.", "Постоянного технического комитета", "ПТК")]
    [InlineData("Заседание Комитета по Гармонизированной системе (КГС) завершилось.", "Комитета по Гармонизированной системе", "КГС")]
    [InlineData("Решение Комитета по правоприменению было принято.", "Комитета по правоприменению", null)]
    [InlineData("Члены Рабочей группы по электронной торговле подготовили отчёт.", "Рабочей группы по электронной торговле", null)]
    public void ReadsTheCommitteeAsWritten(string text, string committee, string? abbreviation)
    {
        var info = Body(text);
        Assert.Equal(committee, info.Committee);
        Assert.Equal(abbreviation, info.CommitteeAbbreviation);
    }

    [Theory]
    [InlineData("Les membres du Comité technique permanent (CTP) ont adopté le rapport.", "Comité technique permanent", "CTP")]
    [InlineData("Le Comité du Système harmonisé a adopté des avis de classement.", "Comité du Système harmonisé", null)]
    [InlineData("La Commission de politique générale a examiné le plan stratégique.", "Commission de politique générale", null)]
    public void ReadsTheFrenchCommitteeAsWritten(string text, string committee, string? abbreviation)
    {
        var info = Body(text);
        Assert.Equal(committee, info.Committee);
        Assert.Equal(abbreviation, info.CommitteeAbbreviation);
    }

    [Fact]
    public void ABareCommitteeWordIsNotACommitteeName()
    {
        var info = Body("The Committee adopted its report. The Commission thanked the hosts.");
        Assert.Null(info.Committee);
        Assert.Null(info.CommitteeAbbreviation);
    }

    [Fact]
    public void FindsTheCommitteeAbbreviationInParenthesesElsewhere()
    {
        var info = SessionMetadataExtractor.ExtractAsWritten(
            "Permanent Technical Committee closes its session",
            "The Permanent Technical Committee (PTC) adopted several instruments.");
        Assert.Equal("Permanent Technical Committee", info.Committee);
        Assert.Equal("PTC", info.CommitteeAbbreviation);
    }

    [Fact]
    public void FindsTheCommitteeAbbreviationUnderAnotherGrammaticalCase()
    {
        var info = SessionMetadataExtractor.ExtractAsWritten(
            "Постоянный технический комитет завершил 241-ю и 242-ю сессии",
            "Сессии Постоянного технического комитета (ПТК) прошли в Брюсселе.");
        Assert.Equal("Постоянный технический комитет", info.Committee);
        Assert.Equal("ПТК", info.CommitteeAbbreviation);
        Assert.Equal([241, 242], info.Sessions);
    }

    // ---- session numbers ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("The 239th/240th sessions of the PTC were productive.", new[] { 239, 240 })]
    [InlineData("The 239th / 240th session of the PTC was productive.", new[] { 239, 240 })]
    [InlineData("The 241st and 242nd sessions ended on Friday.", new[] { 241, 242 })]
    [InlineData("During the 83rd session the Commission adopted its report.", new[] { 83 })]
    [InlineData("The 1st session opened the cycle.", new[] { 1 })]
    [InlineData("The 72nd Session of the HSC closed.", new[] { 72 })]
    [InlineData("The 240th, 239th and 240th sessions were listed twice.", new[] { 239, 240 })]
    [InlineData("The 239th–241st sessions were held back to back.", new[] { 239, 240, 241 })]
    [InlineData("The 60th joint session was long.", new[] { 60 })]
    [InlineData("The 12th virtual session took place in June.", new[] { 12 })]
    [InlineData("Sessions 239 and 240 were held together.", new[] { 239, 240 })]
    [InlineData("Session No. 83 was chaired by Japan.", new[] { 83 })]
    public void ReadsEnglishSessionNumbers(string text, int[] sessions)
        => Assert.Equal(sessions, Body(text).Sessions);

    [Theory]
    [InlineData("Прошли 239-я/240-я сессии ПТК.", new[] { 239, 240 })]
    [InlineData("Итоги 241-й и 242-й сессий ПТК подведены.", new[] { 241, 242 })]
    [InlineData("Состоялась 83-я сессия Политической комиссии.", new[] { 83 })]
    [InlineData("Прошли 241-е и 242-е заседания комитета.", new[] { 241, 242 })]
    [InlineData("Прошла 60-я очередная сессия.", new[] { 60 })]
    public void ReadsRussianSessionNumbers(string text, int[] sessions)
        => Assert.Equal(sessions, Body(text).Sessions);

    [Theory]
    [InlineData("Les 239e/240e sessions du CTP ont eu lieu.", new[] { 239, 240 })]
    [InlineData("La 83e session de la Commission a eu lieu.", new[] { 83 })]
    [InlineData("Les 241e et 242e sessions du Comité ont eu lieu.", new[] { 241, 242 })]
    [InlineData("La 1re session du groupe a eu lieu.", new[] { 1 })]
    [InlineData("La 75ème session a eu lieu.", new[] { 75 })]
    public void ReadsFrenchSessionNumbers(string text, int[] sessions)
        => Assert.Equal(sessions, Body(text).Sessions);

    [Fact]
    public void ReadsSessionPairWrittenWithSlash()
        => Assert.Equal([239, 240], SessionMetadataExtractor.ExtractAsWritten("The 239th/240th sessions of the PTC", "").Sessions);

    [Theory]
    [InlineData("The Committee endorsed the 4th edition of the Compendium.")]
    [InlineData("The 2023 session of the Council was short.")]
    [InlineData("In 2023 sessions were held twice.")]
    [InlineData("The Committee has held 25 sessions since its creation.")]
    [InlineData("Комитет провёл 25 сессий с момента создания.")]
    [InlineData("Сессия 2023 года была короткой.")]
    [InlineData("The session 25 April 2023 was cancelled.")]
    [InlineData("The session at 10:30 was chaired by Kenya.")]
    [InlineData("Version 4.0.0 of the Data Model was endorsed at the session.")]
    public void DoesNotTakeYearsEditionsCountsOrDatesForSessionNumbers(string text)
        => Assert.Empty(Body(text).Sessions);

    // ---- dates -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("The sessions were held from 25 to 27 April 2023.", 2023, 4, 25, 2023, 4, 27)]
    [InlineData("The sessions were held 25-27 April 2023.", 2023, 4, 25, 2023, 4, 27)]
    [InlineData("The sessions were held 17–19 October 2023.", 2023, 10, 17, 2023, 10, 19)]
    [InlineData("The session was held 30 September – 2 October 2023.", 2023, 9, 30, 2023, 10, 2)]
    [InlineData("The session was held from 30 December 2022 to 2 January 2023.", 2022, 12, 30, 2023, 1, 2)]
    [InlineData("The session was held 30 December – 2 January 2023.", 2022, 12, 30, 2023, 1, 2)]
    [InlineData("The session was held April 25-27, 2023.", 2023, 4, 25, 2023, 4, 27)]
    [InlineData("The session was held April 30 – May 2, 2023.", 2023, 4, 30, 2023, 5, 2)]
    [InlineData("The session was held on April 27, 2023.", 2023, 4, 27, 2023, 4, 27)]
    [InlineData("The session was held on 27 April 2023.", 2023, 4, 27, 2023, 4, 27)]
    [InlineData("The session was held on 27th April 2023.", 2023, 4, 27, 2023, 4, 27)]
    [InlineData("The session was held on 24 and 25 May 2023.", 2023, 5, 24, 2023, 5, 25)]
    [InlineData("The session was held on 5 Sept. 2023.", 2023, 9, 5, 2023, 9, 5)]
    [InlineData("The session was held Apr. 25–27, 2023 in Geneva.", 2023, 4, 25, 2023, 4, 27)]
    public void ReadsEnglishDateRanges(string text, int y1, int m1, int d1, int y2, int m2, int d2)
    {
        var info = Body(text);
        Assert.Equal(D(y1, m1, d1), info.StartDate);
        Assert.Equal(D(y2, m2, d2), info.EndDate);
    }

    [Theory]
    [InlineData("Сессия прошла 25–27 апреля 2023 года.", 2023, 4, 25, 2023, 4, 27)]
    [InlineData("Сессия прошла с 25 по 27 апреля 2023 года.", 2023, 4, 25, 2023, 4, 27)]
    [InlineData("Сессия прошла 30 сентября – 2 октября 2023 г.", 2023, 9, 30, 2023, 10, 2)]
    [InlineData("Заседание состоялось 14 марта 2024 года.", 2024, 3, 14, 2024, 3, 14)]
    [InlineData("Заседание состоялось 25-27.04.2023.", 2023, 4, 25, 2023, 4, 27)]
    public void ReadsRussianDateRanges(string text, int y1, int m1, int d1, int y2, int m2, int d2)
    {
        var info = Body(text);
        Assert.Equal(D(y1, m1, d1), info.StartDate);
        Assert.Equal(D(y2, m2, d2), info.EndDate);
    }

    [Theory]
    [InlineData("La session s'est tenue du 25 au 27 avril 2023.", 2023, 4, 25, 2023, 4, 27)]
    [InlineData("La session s'est tenue 25-27 avril 2023.", 2023, 4, 25, 2023, 4, 27)]
    [InlineData("La session a eu lieu le 1er mars 2023.", 2023, 3, 1, 2023, 3, 1)]
    [InlineData("La session a eu lieu du 30 septembre au 2 octobre 2023.", 2023, 9, 30, 2023, 10, 2)]
    [InlineData("La session a eu lieu du 3 au 5 février 2024.", 2024, 2, 3, 2024, 2, 5)]
    public void ReadsFrenchDateRanges(string text, int y1, int m1, int d1, int y2, int m2, int d2)
    {
        var info = Body(text);
        Assert.Equal(D(y1, m1, d1), info.StartDate);
        Assert.Equal(D(y2, m2, d2), info.EndDate);
    }

    [Theory]
    [InlineData("The session was held on 31 April 2023.")]
    [InlineData("The session was held from 30 to 31 April 2023.")]
    [InlineData("The session was held on 29 February 2023.")]
    [InlineData("The session was held April 31, 2023.")]
    [InlineData("Сессия прошла 31 апреля 2023 года.")]
    [InlineData("The session was held in April 2023.")]
    [InlineData("The session was held from 27 to 25 April 2023.")]
    public void RejectsImpossibleOrIncompleteDates(string text)
    {
        var info = Body(text);
        Assert.Null(info.StartDate);
        Assert.Null(info.EndDate);
    }

    [Fact]
    public void SkipsAnImpossibleDateAndTakesTheNextOne()
    {
        var info = Body("A typo said 31 April 2023; the session was in fact held on 28 April 2023.");
        Assert.Equal(D(2023, 4, 28), info.StartDate);
    }

    [Fact]
    public void AcceptsTheTwentyNinthOfFebruaryInALeapYear()
        => Assert.Equal(D(2024, 2, 29), Body("The session was held on 29 February 2024.").StartDate);

    // ---- place -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("The session was held in Brussels.", "Brussels")]
    [InlineData("The session was held at the WCO Headquarters in Brussels.", "Brussels")]
    [InlineData("The session was held in Tashkent, Uzbekistan.", "Tashkent")]
    [InlineData("The session was held in April in Geneva.", "Geneva")]
    [InlineData("The session was held in New Delhi on 3 May 2023.", "New Delhi")]
    [InlineData("The session was held in The Hague.", "The Hague")]
    [InlineData("In Nur-Sultan, the session was held in a hybrid format.", "Nur-Sultan")]
    public void ReadsEnglishPlaces(string text, string place)
        => Assert.Equal(place, Body(text).Place);

    [Theory]
    [InlineData("Сессия прошла в Брюсселе.", "Брюсселе")]
    [InlineData("Сессия прошла в г. Ташкенте.", "Ташкенте")]
    [InlineData("Сессия прошла в городе Ташкенте.", "Ташкенте")]
    [InlineData("Сессия прошла в штаб-квартире ВТамО в Брюсселе.", "Брюсселе")]
    [InlineData("В Санкт-Петербурге прошло заседание комитета.", "Санкт-Петербурге")]
    [InlineData("Сессия прошла в Российской Федерации.", "Российской Федерации")]
    [InlineData("Сессия прошла с 30 сентября по 2 октября 2023 г. в г. Минске.", "Минске")]
    public void ReadsRussianPlacesAsWritten(string text, string place)
        => Assert.Equal(place, Body(text).Place);

    [Theory]
    [InlineData("La session s'est tenue à Bruxelles.", "Bruxelles")]
    [InlineData("La session s'est tenue au siège de l'OMD à Bruxelles.", "Bruxelles")]
    [InlineData("La réunion a eu lieu à Abidjan (Côte d'Ivoire).", "Abidjan")]
    public void ReadsFrenchPlaces(string text, string place)
        => Assert.Equal(place, Body(text).Place);

    [Theory]
    [InlineData("The session was held in April 2023.")]
    [InlineData("The session was held in person.")]
    [InlineData("The session was held in the main hall.")]
    [InlineData("The session was held in English and French.")]
    [InlineData("The session looked at the role of Customs in Circular Economy.")]
    [InlineData("Сессия прошла в режиме видеоконференции.")]
    public void DoesNotTakeMonthsOrOrdinaryWordsForPlaces(string text)
        => Assert.Null(Body(text).Place);

    [Fact]
    public void DoesNotLookForPlacesOutsideSentencesAboutTheSession()
    {
        var info = Body("""
            The 50th session of the Enforcement Committee was held by videoconference.

            Speakers described seizures in Rotterdam and in Antwerp.
            """);
        Assert.Null(info.Place);
        Assert.Equal(Participation.Online, info.Participation);
    }

    // ---- participation -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("The session was held in Brussels with online participation.", Participation.Hybrid)]
    [InlineData("The session was held in a hybrid format.", Participation.Hybrid)]
    [InlineData("The hybrid session was held in Brussels.", Participation.Hybrid)]
    [InlineData("The session was held in person and online.", Participation.Hybrid)]
    [InlineData("The session was held in Brussels; some delegates joined remotely.", Participation.Hybrid)]
    [InlineData("The session took place in Brussels, with delegations also joining online.", Participation.Hybrid)]
    [InlineData("The Committee met in Brussels, with several delegations following the discussions online.", Participation.Hybrid)]
    [InlineData("The session was held online.", Participation.Online)]
    [InlineData("The session took place as a virtual meeting.", Participation.Online)]
    [InlineData("The session was held by videoconference.", Participation.Online)]
    [InlineData("The session was held by video conference.", Participation.Online)]
    [InlineData("The meeting was held in Brussels, Belgium, on 3-4 July 2023, in person and online.", Participation.Hybrid)]
    [InlineData("The session was held in Brussels.", Participation.InPerson)]
    [InlineData("The session was held in person.", Participation.InPerson)]
    [InlineData("The session was held last week.", Participation.Unknown)]
    [InlineData("The session discussed the new TRS Online System.", Participation.Unknown)]
    public void ReadsEnglishParticipation(string text, Participation participation)
        => Assert.Equal(participation, Body(text).Participation);

    [Theory]
    [InlineData("Сессия прошла в гибридном формате.", Participation.Hybrid)]
    [InlineData("Сессия прошла в Брюсселе с онлайн-участием делегаций.", Participation.Hybrid)]
    [InlineData("Сессия прошла в смешанном формате.", Participation.Hybrid)]
    [InlineData("Сессия прошла в онлайн-формате.", Participation.Online)]
    [InlineData("Сессия прошла в режиме видеоконференции.", Participation.Online)]
    [InlineData("Заседание прошло в формате видеоконференции.", Participation.Online)]
    [InlineData("Сессия прошла в Брюсселе.", Participation.InPerson)]
    public void ReadsRussianParticipation(string text, Participation participation)
        => Assert.Equal(participation, Body(text).Participation);

    [Theory]
    [InlineData("La session s'est tenue à Bruxelles en format hybride.", Participation.Hybrid)]
    [InlineData("La session s'est tenue en ligne.", Participation.Online)]
    [InlineData("La session s'est tenue par visioconférence.", Participation.Online)]
    [InlineData("La session s'est tenue à Bruxelles.", Participation.InPerson)]
    public void ReadsFrenchParticipation(string text, Participation participation)
        => Assert.Equal(participation, Body(text).Participation);

    // ---- robustness --------------------------------------------------------------------------------------------------

    /// <summary>
    /// A megabyte built from the pieces the expressions look for, repeated so that a backtracking pattern would explode. Every
    /// expression has a match timeout and the extractor does not catch it: a pattern that backtracked out of bounds would throw here.
    /// (Not a stopwatch: how long it takes depends on the machine; that it ends within each expression's bound does not.)
    /// </summary>
    [Fact]
    public void AMegabyteOfHostileTextEndsWithinEveryExpressionsTimeout()
    {
        var sb = new StringBuilder();
        var pieces = new[]
        {
            "The The World World Customs ", "Organization Organization ", "12 13 14 15 ", "in In in ", "held held ", "25-26-27-28 ",
            "April May June ", "239th/240th/241st/ ", "Committee Committee ", "(((( ", "в в в Брюсселе ", "à à ", "сессии ",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ", "Aaaa Bbbb Cccc Dddd Eeee ", ". . . ", "\n\n",
        };
        for (var i = 0; sb.Length < 1024 * 1024; i++)
            sb.Append(pieces[i % pieces.Length]);
        var text = sb.ToString();

        var error = Record.Exception(() => SessionMetadataExtractor.ExtractAsWritten(text[..200], text));

        Assert.Null(error);
        Assert.All(typeof(SessionMetadataExtractor).GetMethods(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
                .Where(m => m.ReturnType == typeof(System.Text.RegularExpressions.Regex) && m.GetParameters().Length == 0),
            m => Assert.True(
                ((System.Text.RegularExpressions.Regex)m.Invoke(null, null)!).MatchTimeout != System.Text.RegularExpressions.Regex.InfiniteMatchTimeout,
                m.Name));
    }

    [Fact]
    public void FindsTheSessionAtTheEndOfALongText()
    {
        var filler = string.Concat(Enumerable.Repeat("Customs officers exchanged views on risk management and data quality. ", 12_000));
        var info = Body(filler + "\n\nThe 90th session of the Enforcement Committee was held from 2 to 4 October 2024 in Brussels.");

        Assert.Equal([90], info.Sessions);
        Assert.Equal("Enforcement Committee", info.Committee);
        Assert.Equal(D(2024, 10, 2), info.StartDate);
        Assert.Equal("Brussels", info.Place);
    }
}
