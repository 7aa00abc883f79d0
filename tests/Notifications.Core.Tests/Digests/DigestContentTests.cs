using Notifications.Articles;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Subscribers;
using Notifications.Testing;
using static Notifications.Core.Tests.Templates.DigestRendererTests;

namespace Notifications.Core.Tests.Digests;

/// <summary>
/// What a digest and an alert say, beyond their golden files: subjects that tell issues apart, a preheader that adds to the subject, a
/// footer that says why the reader gets it and who sends it, a greeting that needs no name, languages marked, every article dated.
/// </summary>
public sealed class DigestContentTests
{
    private static readonly DigestPeriod Alert = DigestPeriod.Alert("ptc-241-242", new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero));

    private static IndexedArticle Report(string title, string language = "en", string summary = "Delegates agreed next steps.",
        DateTimeOffset? published = null, SessionInfo? session = null) => new(
        $"{Guid.NewGuid():N}.{language}.md", ArticleStatus.Accepted, title, summary, language, ["e-commerce"], published, null, "hash",
        new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), null, AvailableAt: new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero),
        Session: session);

    private static IndexedArticle[] Reports(int n, string language = "en")
        => Enumerable.Range(1, n).Select(i => Report($"Report number {i}", language)).ToArray();

    [Fact]
    public void ADigestsSubjectLeadsWithItsFirstTitleAndCountsTheRest()
    {
        Assert.Equal("Report number 1 — and 1 more report", Renderer.Render(Day, Reports(2), "en").Subject);
        Assert.Equal("Report number 1 — and 4 more reports", Renderer.Render(Day, Reports(5), "en").Subject);
        Assert.Equal("Report number 1", Renderer.Render(Day, Reports(1), "en").Subject);
    }

    [Theory]
    [InlineData(2, "и ещё 1 отчёт")]
    [InlineData(3, "и ещё 2 отчёта")]
    [InlineData(6, "и ещё 5 отчётов")]
    [InlineData(12, "и ещё 11 отчётов")]
    [InlineData(22, "и ещё 21 отчёт")]
    [InlineData(23, "и ещё 22 отчёта")]
    public void RussianSubjectsCountTheRestWithRussianPlurals(int articles, string more)
        => Assert.Equal("Report number 1 — " + more, Renderer.Render(Day, Reports(articles, "ru"), "ru").Subject);

    [Theory]
    [InlineData(2, "et 1 autre rapport")]
    [InlineData(3, "et 2 autres rapports")]
    public void FrenchSubjectsCountTheRestWithFrenchPlurals(int articles, string more)
        => Assert.Equal("Report number 1 — " + more, Renderer.Render(Day, Reports(articles, "fr"), "fr").Subject);

    [Fact]
    public void ALongFirstTitleIsCutAtAWordSoThatTheSubjectFitsAnInbox()
    {
        var longTitle = "The Permanent Technical Committee of the World Customs Organization held its 239th and 240th sessions in Brussels";
        var subject = Renderer.Render(Day, [Report(longTitle), Report("Second")], "en").Subject;

        Assert.True(subject.Length <= DigestRenderer.SubjectLength, $"{subject.Length} characters: {subject}");
        Assert.EndsWith("… — and 1 more report", subject);
        Assert.StartsWith("The Permanent Technical Committee of the World", subject);
        // Cut between words, never inside one.
        var kept = subject[..subject.IndexOf('…')];
        Assert.StartsWith(kept + " ", longTitle + " ");
    }

    [Fact]
    public void AnAlertsSubjectIsItsArticlesTitleAndACorrectionKeepsItsPrefix()
    {
        Assert.Equal("PTC closes its 241st and 242nd sessions", Renderer.Render(Alert, [Report("PTC closes its 241st and 242nd sessions")], "en").Subject);
        Assert.Equal("Correction: PTC closes its 241st and 242nd sessions",
            Renderer.Render(Alert, [Report("PTC closes its 241st and 242nd sessions")], "en", correction: true).Subject);
        Assert.Equal("Исправление: ПТК завершил 241-ю сессию",
            Renderer.Render(Alert, [Report("ПТК завершил 241-ю сессию", "ru")], "ru", correction: true).Subject);
        Assert.Equal("Rectificatif\u00A0: Le CTP clôt sa 241e session",
            Renderer.Render(Alert, [Report("Le CTP clôt sa 241e session", "fr")], "fr", correction: true).Subject);
    }

    [Fact]
    public void ThePreheaderAddsToTheSubjectAndNeverRepeatsIt()
    {
        var digest = Renderer.Render(Day, [Report("First report title"), Report("Second report title"), Report("Third report title")], "en");
        var preheader = Preheader(digest.Html);
        Assert.StartsWith("26 November 2026 · Second report title · Third report title", preheader);
        Assert.DoesNotContain("First report title", preheader);

        var session = new SessionInfo("World Customs Organization", "WCO", "Permanent Technical Committee", "PTC", [241, 242],
            new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 26), "Brussels", Participation.Hybrid);
        var alert = Renderer.Render(
            Alert, [Report("PTC closes its 241st and 242nd sessions", summary: "Delegates endorsed the data model.", session: session)], "en");
        Assert.Equal("PTC 241st/242nd sessions · 24–26 November 2026 · Brussels and online · Delegates endorsed the data model.", Preheader(alert.Html));
    }

    [Theory]
    [InlineData("en", "You follow: e-commerce, data model · daily")]
    [InlineData("ru", "Ваши темы: электронная торговля, модель данных · ежедневно")]
    [InlineData("fr", "Vos thèmes\u00A0: commerce électronique, modèle de données · chaque jour")]
    public void TheFooterSaysWhichTopicsTheReaderFollowsAndHowOften(string language, string follows)
    {
        var digest = Renderer.Render(Day, Reports(2, language), language, topics: ["e-commerce", "data model"]);
        Assert.Contains(follows, digest.Text);
        Assert.Contains(follows, System.Net.WebUtility.HtmlDecode(digest.Html));
    }

    [Theory]
    [InlineData("en", "You follow all topics · as soon as published")]
    [InlineData("ru", "Ваши темы: все · сразу после публикации")]
    [InlineData("fr", "Vos thèmes\u00A0: tous · dès la publication")]
    public void AVariantWithoutTopicsFollowsThemAll(string language, string follows)
        => Assert.Contains(follows, Renderer.Render(Alert, Reports(1, language), language).Text);

    [Theory]
    [InlineData("en", "You receive this daily digest because you subscribed to the Permanent Technical Committee's session reports.",
        "PTC Secretariat · World Customs Organization, Rue du Marché 30, 1210 Brussels, Belgium", "Contact: ptc@secretariat.example")]
    [InlineData("ru", "Вы получаете этот ежедневный обзор, потому что подписаны на рассылку «Отчёты о сессиях Постоянного технического комитета».",
        "Секретариат ПТК · Всемирная таможенная организация, Рю дю Марше 30, 1210 Брюссель, Бельгия", "Связаться с нами: ptc@secretariat.example")]
    [InlineData("fr",
        "Vous recevez cette synthèse quotidienne parce que vous êtes abonné(e) à la liste «\u00A0Rapports de session du Comité technique permanent\u00A0».",
        "Secrétariat du CTP · Organisation mondiale des douanes, Rue du Marché 30, 1210 Bruxelles, Belgique", "Contact\u00A0: ptc@secretariat.example")]
    public void TheFooterSaysWhyInWholeSentencesAndWhoSendsItWithTheirAddresses(string language, string why, string sender, string contact)
    {
        var digest = Renderer.Render(Day, Reports(2, language), language);
        Assert.Contains(why, digest.Text);
        Assert.Contains(sender, digest.Text);
        Assert.Contains(contact, digest.Text);
        Assert.Contains("href=\"mailto:ptc@secretariat.example\"", digest.Html);
        Assert.DoesNotContain("как подписчик:", digest.Text);
        Assert.DoesNotContain("abonné(e)\u00A0:", digest.Text);
    }

    [Theory]
    [InlineData("en", "Jane Smith", "Dear Jane Smith,", "Hello,")]
    [InlineData("ru", "Дильноза Каримова", "Здравствуйте, Дильноза Каримова!", "Здравствуйте!")]
    [InlineData("fr", "Anne Dupont", "Bonjour Anne Dupont,", "Bonjour,")]
    public void AReaderWithANameIsGreetedByItAndOneWithoutNeedsNone(string language, string name, string named, string nameless)
    {
        var digest = Renderer.Render(Day, Reports(2, language), language);
        var keys = digest.Placeholders!;

        Assert.Contains(named, keys.Apply(digest.Html, new Recipient("1", "a@x.example", name)));
        Assert.Contains(named, keys.Apply(digest.Text, new Recipient("1", "a@x.example", name)));
        foreach (var none in new[] { "", "  " })
        {
            var html = keys.Apply(digest.Html, new Recipient("2", "b@x.example", none));
            var text = keys.Apply(digest.Text, new Recipient("2", "b@x.example", none));
            Assert.Contains($"<p class=\"greeting\" style=\"{GreetingStyle(html)}\">{System.Net.WebUtility.HtmlEncode(nameless)}</p>", html);
            Assert.Contains("\n" + nameless + "\n", text);
        }
    }

    [Fact]
    public void TheWebViewHasNoGreetingNorBrowserLinkAndItsFooterLeadsToTheManageLinkRequestAndSubscribePages()
    {
        var view = Renderer.Render(Day, Reports(2, "ru"), "ru", "https://notify.secretariat.example/api/digests/daily-2026-11-26/ru", webView: true);

        Assert.DoesNotContain("class=\"greeting\"", view.Html);
        Assert.DoesNotContain(view.Placeholders!.GreetingHtml, view.Html);
        Assert.DoesNotContain(view.Placeholders.GreetingText, view.Text);
        Assert.DoesNotContain("Открыть это письмо в браузере", view.Text);
        Assert.Contains("href=\"https://notify.secretariat.example/api/manage-link?lang=ru\"", view.Html);
        Assert.Contains("href=\"https://notify.secretariat.example/api/subscribe?lang=ru\"", view.Html);
        Assert.DoesNotContain(view.Placeholders.UnsubscribeUrl, view.Html);
        Assert.DoesNotContain("потому что подписаны", view.Html);
        // The mail has them.
        var mail = Renderer.Render(Day, Reports(2, "ru"), "ru", "https://notify.secretariat.example/api/digests/daily-2026-11-26/ru");
        Assert.Contains("class=\"greeting\"", mail.Html);
        Assert.Contains("Открыть это письмо в браузере", mail.Text);
    }

    [Fact]
    public void AnArticleInAnotherLanguageCarriesItsOwnLangOnItsTitleAndSummary()
    {
        var html = Renderer.Render(Day, [Report("Report in English"), Report("Отчёт на русском", "ru", "Делегаты согласовали шаги.")], "en").Html;

        Assert.Matches("<a href=\"[^\"]+\" lang=\"ru\" dir=\"ltr\"[^>]*>Отчёт на русском</a>", html);
        Assert.Matches("<p class=\"summary\" lang=\"ru\" dir=\"ltr\"[^>]*>Делегаты согласовали шаги.</p>", html);
        // The mail's own language is the page's: no lang on its own articles.
        Assert.Matches("<a href=\"[^\"]+\"[^>]*>Report in English</a>", html);
        Assert.DoesNotMatch("lang=\"en\" dir=\"ltr\"[^>]*>Report in English", html);
    }

    [Fact]
    public void EveryArticleIsDatedAPastedOneByWhenItWasAccepted()
    {
        var text = Renderer.Render(Day, [Report("Dated", published: new DateTimeOffset(2026, 10, 16, 0, 0, 0, TimeSpan.Zero)), Report("Pasted")], "en").Text;

        Assert.Contains("Dated\nPublished 16 October 2026", text.Replace("\r\n", "\n"));
        Assert.Contains("Pasted\nPublished 25 November 2026", text.Replace("\r\n", "\n"));
    }

    [Fact]
    public void AContactAddressThatIsNoAddressStopsTheStart()
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var options = new SenderOptions { ContactAddress = "not an address", Languages = { ["ru"] = new SenderTexts { ContactAddress = "нет" } } };
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true));
        Assert.Equal(2, results.Count);
        Assert.Contains(results, r => r.ErrorMessage!.StartsWith("Digest:ContactAddress", StringComparison.Ordinal));
        Assert.Contains(results, r => r.ErrorMessage!.StartsWith("Digest:Languages:ru:ContactAddress", StringComparison.Ordinal));
        var empty = new SenderOptions { ContactAddress = "" };
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            empty, new System.ComponentModel.DataAnnotations.ValidationContext(empty), [], validateAllProperties: true));
    }

    private static string Preheader(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, "<div class=\"preheader\"[^>]*>(.*?)(?:&#847;|\u034F|&zwnj;|\u200C)");
        Assert.True(match.Success, "no preheader");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static string GreetingStyle(string html)
        => System.Text.RegularExpressions.Regex.Match(html, "<p class=\"greeting\" style=\"([^\"]*)\">").Groups[1].Value;
}
