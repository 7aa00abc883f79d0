using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Templates;
using Notifications.Testing;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Templates;

/// <summary>
/// The built-in digest templates under golden files (tests/Notifications.Core.Tests/Golden): every language × daily/weekly ×
/// HTML, text and subject. Run with UPDATE_GOLDEN=1 to accept a deliberate change, then review the diff.
/// </summary>
public sealed class DigestRendererTests
{
    internal static readonly DigestRenderer Renderer = new(new TemplateSet(), Options.Create(new SenderOptions
    {
        Sender = "PTC Secretariat",
        Organization = "the Permanent Technical Committee's session reports",
        ContactAddress = "ptc@secretariat.example",
        PostalAddress = "World Customs Organization, Rue du Marché 30, 1210 Brussels, Belgium",
        Languages =
        {
            ["ru"] = new SenderTexts
            {
                Sender = "Секретариат ПТК",
                Organization = "Отчёты о сессиях Постоянного технического комитета",
                PostalAddress = "Всемирная таможенная организация, Рю дю Марше 30, 1210 Брюссель, Бельгия",
            },
            ["fr"] = new SenderTexts
            {
                Sender = "Secrétariat du CTP",
                Organization = "Rapports de session du Comité technique permanent",
                PostalAddress = "Organisation mondiale des douanes, Rue du Marché 30, 1210 Bruxelles, Belgique",
            },
        },
    }), Notifications.Core.Tests.Digests.ArticleLinksTests.At("https://notify.secretariat.example"));

    private static readonly DateTimeOffset Now = new(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);
    internal static readonly DigestPeriod Day = DigestPeriod.For(DigestFrequency.Daily, Now);
    private static readonly DigestPeriod Week = DigestPeriod.For(DigestFrequency.Weekly, Now);

    private static IndexedArticle Article(string blob, string language, string title, string summary, string? url, SessionInfo? session,
        params string[] topics) => new(
        blob, ArticleStatus.Accepted, title, summary, language, topics,
        new DateTimeOffset(2026, 10, 16, 0, 0, 0, TimeSpan.Zero), url, "hash",
        new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), null, Session: session);

    private static readonly SessionInfo Ptc = new("World Customs Organization", "WCO", "Permanent Technical Committee", "PTC", [239, 240],
        new DateOnly(2023, 4, 25), new DateOnly(2023, 4, 27), "Brussels", Participation.Hybrid);

    /// <summary>The report on the PTC sessions in each language, as its translations would carry it.</summary>
    private static IndexedArticle PtcReport(string language) => language switch
    {
        "ru" => Article("ptc.ru.md", "ru", "Постоянный технический комитет завершил 239-ю и 240-ю сессии",
            "Делегаты одобрили версию модели данных и согласовали шаги по <электронной торговле> & трансграничным посылкам.",
            "https://secretariat.example/ru/news/ptc-239?lang=ru&ref=digest",
            Ptc with { CommitteeAbbreviation = "ПТК", Place = "Брюссель" }, "e-commerce", "data model"),
        "fr" => Article("ptc.fr.md", "fr", "Le Comité technique permanent clôt ses 239e et 240e sessions",
            "Les délégués ont approuvé une version du modèle de données & convenu des étapes sur le <commerce électronique>.",
            "https://secretariat.example/fr/news/ptc-239?lang=fr&ref=digest",
            Ptc with { CommitteeAbbreviation = "CTP", Place = "Bruxelles" }, "e-commerce", "data model"),
        _ => Article("ptc.en.md", "en", "PTC closes its 239th and 240th sessions",
            "Delegates endorsed a data model release & agreed next steps on <e-commerce>.",
            "https://secretariat.example/news/ptc-239?lang=en&ref=digest", Ptc, "e-commerce", "data model"),
    };

    /// <summary>A daily digest: the PTC report in the digest's language, one in English only, one in Russian only (no link).</summary>
    private static IndexedArticle[] DailyArticles(string language) =>
    [
        PtcReport(language),
        Article("hsc.en.txt", "en", "Harmonized System Committee holds its 78th session",
            "Members settled classification questions and prepared amendments to the nomenclature.", "https://secretariat.example/news/hsc-78",
            new SessionInfo(null, null, "Harmonized System Committee", "HSC", [78], new DateOnly(2026, 9, 30), new DateOnly(2026, 10, 2), null,
                Participation.Online),
            "data exchange"),
        Article("nii.ru.md", "ru", "Семинар по неинтрузивному досмотру прошёл в Ташкенте",
            "Эксперты девяти администраций сравнили практику закупки сканеров.", null,
            new SessionInfo(null, null, null, null, [], new DateOnly(2026, 12, 30), new DateOnly(2027, 1, 2), "Ташкент", Participation.InPerson),
            "non-intrusive inspection"),
    ];

    /// <summary>The rendering with its random keys written as the legacy ones, so that golden files stay the same from run to run.</summary>
    private static MailContent WithoutNonce(MailContent digest)
    {
        var suffix = "_" + digest.Placeholders!.Nonce + "%";
        return digest with { Subject = digest.Subject.Replace(suffix, "%"), Html = digest.Html.Replace(suffix, "%"), Text = digest.Text.Replace(suffix, "%") };
    }

    private const string ViewUrl = "https://notify.secretariat.example/api/digests/daily-2026-11-26/";

    public static TheoryData<string> Languages => new("en", "ru", "fr");

    [Theory]
    [MemberData(nameof(Languages))]
    public void DailyDigestMatchesGoldenFiles(string language)
    {
        var digest = WithoutNonce(Renderer.Render(Day, DailyArticles(language), language, ViewUrl + language,
            topics: ["e-commerce", "data model", "non-intrusive inspection"]));
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/daily-{language}.html", digest.Html);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/daily-{language}.txt", digest.Text);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/daily-{language}.subject.txt", digest.Subject + "\n");
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void WeeklyDigestWithOneArticleAndNoBrowserLinkMatchesGoldenFiles(string language)
    {
        var digest = WithoutNonce(Renderer.Render(Week, [PtcReport(language)], language));
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/weekly-{language}.html", digest.Html);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/weekly-{language}.txt", digest.Text);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/weekly-{language}.subject.txt", digest.Subject + "\n");
        Assert.DoesNotContain("/api/digests/", digest.Html);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void InstantAlertMatchesGoldenFiles(string language)
    {
        var alert = WithoutNonce(Renderer.Render(
            DigestPeriod.Alert("ptc-241-242", new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero)), [PtcReport(language)], language,
            "https://notify.secretariat.example/api/digests/instant-0123456789abcdef/" + language));
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/alert-{language}.html", alert.Html);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/alert-{language}.txt", alert.Text);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/alert-{language}.subject.txt", alert.Subject + "\n");
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void CorrectionAlertMatchesGoldenFiles(string language)
    {
        var correction = WithoutNonce(Renderer.Render(
            DigestPeriod.Alert("ptc-241-242", new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero), "hash2"), [PtcReport(language)], language,
            "https://notify.secretariat.example/api/digests/instant-fedcba9876543210/" + language, correction: true, topics: ["e-commerce"]));
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/correction-{language}.html", correction.Html);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/correction-{language}.txt", correction.Text);
        GoldenFile.Matches($"tests/Notifications.Core.Tests/Golden/correction-{language}.subject.txt", correction.Subject + "\n");
    }

    [Fact]
    public void TheDefaultLanguageIsEnglishAsBefore()
    {
        var digest = Renderer.Render(Day, DailyArticles("en"));
        Assert.Equal("PTC closes its 239th and 240th sessions — and 2 more reports", digest.Subject);
        Assert.Contains("<html lang=\"en\"", digest.Html);
        Assert.Contains("3 new reports since the last digest.", digest.Text);
    }

    [Fact]
    public void SubjectsLeadWithTheFirstTitleAndCountTheRestWithPlurals()
    {
        Assert.Equal("PTC closes its 239th and 240th sessions", Renderer.Render(Week, [PtcReport("en")], "en").Subject);
        Assert.Equal("Постоянный технический комитет завершил 239-ю и 240-ю сессии — и ещё 2 отчёта",
            Renderer.Render(Day, DailyArticles("ru"), "ru").Subject);
        Assert.Equal("Постоянный технический комитет завершил 239-ю и 240-ю сессии", Renderer.Render(Week, [PtcReport("ru")], "ru").Subject);
        // 83 characters whole: the title is cut at a word so that the subject fits.
        Assert.Equal("Le Comité technique permanent clôt ses 239e et 240e… — et 2 autres rapports", Renderer.Render(Day, DailyArticles("fr"), "fr").Subject);
        Assert.Equal("Le Comité technique permanent clôt ses 239e et 240e sessions", Renderer.Render(Week, [PtcReport("fr")], "fr").Subject);
    }

    [Fact]
    public void SessionLinesAreLocalised()
    {
        Assert.Contains("PTC 239th/240th sessions · 25–27 April 2023 · Brussels and online", Renderer.Render(Day, DailyArticles("en"), "en").Text);
        Assert.Contains("HSC 78th session · 30 September – 2 October 2026 · online", Renderer.Render(Day, DailyArticles("en"), "en").Text);
        Assert.Contains("30 December 2026 – 2 January 2027 · Tashkent", Renderer.Render(Day, DailyArticles("en"), "en").Text);

        var ru = Renderer.Render(Day, DailyArticles("ru"), "ru").Text;
        Assert.Contains("ПТК 239-я/240-я сессии · 25–27 апреля 2023 · Брюссель и онлайн", ru);
        Assert.Contains("Комитет по Гармонизированной системе · 78-я сессия · 30 сентября – 2 октября 2026 · онлайн", ru);

        var fr = Renderer.Render(Day, DailyArticles("fr"), "fr").Text;
        Assert.Contains("CTP 239e/240e sessions · 25–27 avril 2023 · Bruxelles et en ligne", fr);
        Assert.Contains("Comité du Système harmonisé · 78e session · 30 septembre – 2 octobre 2026 · en ligne", fr);
    }

    [Fact]
    public void AnArticleInAnotherLanguageSaysSo()
    {
        var en = Renderer.Render(Day, DailyArticles("en"), "en");
        Assert.Contains("Семинар по неинтрузивному досмотру прошёл в Ташкенте (in Russian)", en.Text);
        Assert.DoesNotContain("(in English)", en.Text);
        Assert.Contains("<span class=\"lang-note\"", en.Html);

        var ru = Renderer.Render(Day, DailyArticles("ru"), "ru").Text;
        Assert.Contains("Harmonized System Committee holds its 78th session (на английском языке)", ru);
        Assert.DoesNotContain("(на русском языке)", ru);

        var fr = Renderer.Render(Day, DailyArticles("fr"), "fr").Text;
        Assert.Contains("Harmonized System Committee holds its 78th session (en anglais)", fr);
        Assert.Contains("Семинар по неинтрузивному досмотру прошёл в Ташкенте (en russe)", fr);
    }

    [Fact]
    public void FixedTextsComeFromTheLanguage()
    {
        var ru = WithoutNonce(Renderer.Render(Day, DailyArticles("ru"), "ru", ViewUrl + "ru"));
        Assert.Contains("<html lang=\"ru\"", ru.Html);
        Assert.Contains("%recipient_greeting_html%", ru.Html);
        Assert.Contains("%recipient_greeting_text%", ru.Text);
        Assert.Equal("ru", ru.Placeholders!.Language);
        Assert.Contains("3 новых отчёта с момента предыдущего обзора.", ru.Text);
        Assert.Contains("Открыть это письмо в браузере", ru.Html);
        Assert.Contains("Отписаться: %unsubscribe_url%", ru.Text);
        Assert.Contains("Секретариат ПТК · Ежедневный обзор · 26 ноября 2026", ru.Text);
        Assert.Contains("Опубликовано 16 октября 2026 · Электронная торговля, Модель данных", ru.Text);
        Assert.DoesNotContain("Published", ru.Text);
        Assert.DoesNotContain("Unsubscribe", ru.Html);

        var fr = WithoutNonce(Renderer.Render(Day, DailyArticles("fr"), "fr"));
        Assert.Contains("%recipient_greeting_text%", fr.Text);
        Assert.Contains("3 nouveaux rapports depuis la dernière synthèse.", fr.Text);
        Assert.Contains("Publié le 16 octobre 2026", fr.Text);
        Assert.Contains("Se désabonner\u00A0: %unsubscribe_url%", fr.Text);
    }

    [Fact]
    public void TheBrowserLinkIsThereOnlyWhenGiven()
    {
        var with = Renderer.Render(Day, DailyArticles("en"), "en", "https://notify.example/api/digests/daily-2026-11-26/en?a=1&b=2");
        Assert.Contains("href=\"https://notify.example/api/digests/daily-2026-11-26/en?a=1&amp;b=2\"", with.Html);
        Assert.Contains("View this email in your browser: https://notify.example/api/digests/daily-2026-11-26/en?a=1&b=2", with.Text);
        var without = Renderer.Render(Day, DailyArticles("en"), "en");
        Assert.DoesNotContain("View this email in your browser", without.Html);
        Assert.DoesNotContain("View this email in your browser", without.Text);
    }

    [Fact]
    public void HtmlIsInlinedResponsiveAndHasAHiddenPreheader()
    {
        var html = Renderer.Render(Day, DailyArticles("en"), "en").Html;
        // The <style> block was moved into style attributes; only the media query for small screens stays in a <style>.
        Assert.Contains("style=\"", html);
        Assert.Contains("max-width: 640px", html);
        Assert.Contains("@media only screen and (max-width: 480px)", html);
        Assert.DoesNotContain(".summary { margin", html);
        Assert.Contains("<div class=\"preheader\" style=\"display: none", html);
        Assert.Contains("26 November 2026 · Harmonized System Committee holds its 78th session · Семинар по неинтрузивному досмотру", html);
        Assert.Contains("role=\"presentation\"", html);
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
    }

    [Fact]
    public void ArticleTextIsEscapedInHtmlButNotInText()
    {
        var digest = Renderer.Render(Day, DailyArticles("en"));
        Assert.Contains("&amp; agreed next steps on &lt;e-commerce&gt;.", digest.Html);
        Assert.DoesNotContain("<e-commerce>", digest.Html);
        Assert.Contains("href=\"https://secretariat.example/news/ptc-239?lang=en&amp;ref=digest\"", digest.Html);
        Assert.Contains("& agreed next steps on <e-commerce>.", digest.Text);
    }

    [Fact]
    public void AScriptInATitleIsEscapedInsideThePartialWhileTheLayoutAndPartialMarkupStay()
    {
        var hostile = PtcReport("en") with { Title = "<script>alert('x')</script>", Summary = "<b>bold</b> & \"quoted\"" };
        var html = Renderer.Render(Day, [hostile]).Html;

        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>bold</b>", html);
        Assert.Contains("&lt;script&gt;alert('x')&lt;/script&gt;</a>", html);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\"", html);
        // Never escaped twice, and the markup of the layout and of the partials is markup.
        Assert.DoesNotContain("&amp;lt;", html);
        Assert.DoesNotContain("&lt;tr", html);
        Assert.DoesNotContain("&lt;td", html);
        Assert.Contains("<table role=\"presentation\" class=\"card\"", html);
        Assert.Contains("<h2 class=\"article-title\"", html);
        Assert.Contains("<td class=\"footer break\"", html);
    }

    [Fact]
    public void UnknownLanguageFallsBackToEnglish()
        => Assert.Equal("PTC closes its 239th and 240th sessions — and 2 more reports", Renderer.Render(Day, DailyArticles("en"), "de").Subject);

    [Fact]
    public void SubjectStaysOneLineWhateverTheTemplateSays()
    {
        var set = new TemplateSet().WithOverrides(new Dictionary<string, (Scriban.Template, string)>
        {
            [DigestRenderer.SubjectTemplate] =
                (Scriban.Template.Parse("{{ sender }}\r\nBcc: all@x.example\n{{ period_label }}", DigestRenderer.SubjectTemplate), ""),
        });
        var renderer = new DigestRenderer(set, Options.Create(new SenderOptions { Sender = "PTC\r\nSecretariat", Organization = "o" }));
        var subject = renderer.Render(Day, DailyArticles("en")).Subject;
        Assert.Equal("PTC Secretariat Bcc: all@x.example 26 November 2026", subject);
    }

    [Fact]
    public void PlaceholdersStayForTheSendTimeSubstitution()
    {
        var digest = Renderer.Render(Day, DailyArticles("en"));
        var keys = digest.Placeholders!;
        Assert.Contains(keys.GreetingHtml, digest.Html);
        Assert.Contains(keys.UnsubscribeUrl, digest.Html);
        Assert.Contains(keys.PreferencesUrl, digest.Html);
        Assert.Contains(keys.GreetingText, digest.Text);
        Assert.DoesNotContain(keys.GreetingText, digest.Html);
        // Each rendering has keys of its own, and none is the guessable legacy one.
        Assert.NotEqual(keys.Nonce, Renderer.Render(Day, DailyArticles("en")).Placeholders!.Nonce);
        Assert.DoesNotContain(MailPlaceholders.Legacy.UnsubscribeUrl, digest.Html);
    }
}
