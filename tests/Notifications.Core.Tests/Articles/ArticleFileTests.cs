using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Topics;

namespace Notifications.Core.Tests.Articles;

public sealed class ArticleFileTests
{
    private static readonly IOptions<TopicOptions> Topics = Options.Create(new TopicOptions());
    private static readonly ArticleParser Parser =
        new(new HtmlArticleReader(), new TopicClassifier(Topics), new TopicCatalog(Topics.Value.Topics), Options.Create(new ArticleOptions()));
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string, string, string> Languages => new()
    {
        { "en", "The 243rd session of the Permanent Technical Committee", "Delegates met in Brussels: data model, e-commerce.",
            "Permanent Technical Committee", "Brussels" },
        { "ru", "Постоянный технический комитет завершил 243-ю сессию", "Делегаты обсудили модель данных и электронную торговлю.",
            "Постоянный технический комитет", "Брюссель" },
        { "fr", "Le Comité technique permanent clôt sa 243e session", "Les délégués ont parlé du « modèle de données » : l'été.",
            "Comité technique permanent", "Bruxelles" },
    };

    [Theory]
    [MemberData(nameof(Languages))]
    public void AFormRoundTripsThroughItsFileAndTheParserReadsEveryField(
        string language, string title, string summary, string committee, string place)
    {
        var form = new ArticleForm(title, summary, "https://secretariat.example/news/ptc-243", "e-commerce, data model", language,
            $"committee: {committee}\nnumbers: 243, 244\nstart: 2026-10-19\nend: 2026-10-21\nplace: {place}\nparticipation: hybrid",
            "2026-10-21", Alert: true, Draft: false, Resend: true, Editor: "press@secretariat.example", Slug: "ptc-243",
            Body: "The committee met for **three days**.\n\n- first\n- second\n", TranslationOf: "");

        var (content, extension) = ArticleFile.Compose(form);
        var read = ArticleFile.Read("2026/ptc-243." + language + extension, content);
        var article = Parser.Parse("2026/ptc-243." + language + extension, content);

        Assert.Equal(".md", extension);
        Assert.Equal(form, read);
        Assert.Equal(content, ArticleFile.Compose(read).Content);
        Assert.Equal(title, article.Title);
        Assert.Equal(summary, article.Summary);
        Assert.Equal(language, article.Language);
        Assert.Equal(["e-commerce", "data model"], article.Topics);
        Assert.Equal(new DateTimeOffset(2026, 10, 21, 0, 0, 0, TimeSpan.Zero), article.Published);
        Assert.Equal("https://secretariat.example/news/ptc-243", article.Url);
        Assert.True(article.Alert);
        Assert.True(article.Resend);
        Assert.False(article.Draft);
        Assert.Equal("press@secretariat.example", article.Editor);
        Assert.Equal("ptc-243", article.Slug);
        Assert.Equal(committee, article.Session.Committee);
        Assert.Equal([243, 244], article.Session.Sessions);
        Assert.Equal(new DateOnly(2026, 10, 19), article.Session.StartDate);
        Assert.Equal(place, article.Session.Place);
        Assert.Equal(Participation.Hybrid, article.Session.Participation);
        Assert.Contains("<strong>three days</strong>", article.BodyHtml);
        Assert.Null(article.Warnings);
    }

    [Theory]
    [InlineData("Title: with a colon")]
    [InlineData("\"Quoted\" and 'single' and \\backslash\\")]
    [InlineData("---")]
    [InlineData("--- a title that starts like a fence")]
    [InlineData("[not, a, list]")]
    [InlineData("{not: a map}")]
    [InlineData("# not a comment")]
    [InlineData("- not an item")]
    [InlineData("&anchor *alias !tag |block >folded %directive @reserved `tick`")]
    [InlineData("true")]
    [InlineData("2026-01-01")]
    [InlineData("tab\there, and a bell \u0007, and a BOM \uFEFF")]
    public void HostileValuesAreWrittenSoTheParserReadsThemBackAsText(string value)
    {
        var form = new ArticleForm(Title: value, Summary: value, Topics: "e-commerce", Language: "en", Editor: "press@secretariat.example",
            Session: "place: " + value, Slug: value, Body: "---\nBody text.\n");

        var (content, _) = ArticleFile.Compose(form);
        var article = Parser.Parse("a.md", content);

        Assert.Equal(value.Trim(), article.Title);
        Assert.Equal(value.Trim(), article.Summary);
        Assert.Equal(value.Trim(), article.Session.Place);
        Assert.Equal(value.Trim(), article.Slug);
        Assert.Contains("Body text.", article.BodyHtml);
        Assert.Equal(form with { Title = value.Trim(), Summary = value.Trim(), Slug = value.Trim(), Session = "place: " + value.Trim() },
            ArticleFile.Read("a.md", content));
    }

    [Theory]
    [InlineData("Two\nlines", "title")]
    [InlineData("Carriage\rreturn", "title")]
    [InlineData("Line\u2028separator", "title")]
    public void ALineBreakInAOneLineFieldIsRefusedNamingTheField(string value, string field)
    {
        var e = Assert.Throws<ArticleFormException>(() => ArticleFile.Compose(new ArticleForm(Title: value)));
        Assert.Equal(field, e.Field);
        Assert.Contains("one line", e.Message);
    }

    [Fact]
    public void ASessionLineThatIsNotANameAndValueIsRefused()
    {
        var e = Assert.Throws<ArticleFormException>(() => ArticleFile.Compose(new ArticleForm(Title: "T", Session: "committee: PTC\nin Brussels")));
        Assert.Equal("session", e.Field);
        Assert.Contains("'in Brussels'", e.Message);
    }

    [Fact]
    public void PastedTextWithoutFieldsIsKeptAsTextAndParsesAsThePasteWould()
    {
        const string pasted = "Home | News | Contact\n\nPTC closes its 243rd session\n\nDelegates met in Brussels from 19 to 21 October 2026.\n";
        var (content, extension) = ArticleFile.Compose(new ArticleForm(Body: pasted, Format: ArticleFormat.Text));

        Assert.Equal(".txt", extension);
        Assert.Equal(pasted, Encoding.UTF8.GetString(content));
        Assert.Equal(new ArticleForm(Body: pasted, Format: ArticleFormat.Text), ArticleFile.Read("2026/ptc.en.txt", content));
        Assert.Equal("PTC closes its 243rd session", Parser.Parse("2026/ptc.en.txt", content).Title);
    }

    [Fact]
    public void PastedTextWithFieldsStaysPastedTextUnderFrontMatterWithTheSameWords()
    {
        const string pasted = "PTC closes its 243rd session\n\n*Delegates* met in [Brussels] #1 & agreed:\n\n1. first item\n- a dash\n";
        var form = new ArticleForm(Topics: "e-commerce", Format: ArticleFormat.Text, Body: pasted);
        var (content, extension) = ArticleFile.Compose(form);
        var article = Parser.Parse("a.txt", content);

        Assert.Equal(".txt", extension);
        Assert.Equal(ArticleFormat.Text, article.Format);
        Assert.Equal(form with { Body = pasted }, ArticleFile.Read("2026/a.txt", content));
        Assert.Equal("PTC closes its 243rd session", article.Title);
        Assert.Equal(["e-commerce"], article.Topics);
        Assert.Contains("<p>*Delegates* met in [Brussels] #1 &amp; agreed:</p>", article.BodyHtml);
        Assert.Contains("1. first item", article.BodyHtml);
        Assert.Contains("- a dash", article.BodyHtml);
    }

    [Fact]
    public void UploadedHtmlWithFieldsBecomesMarkdownKeepingLinksListsAndEmphasis()
    {
        const string html = "<!doctype html><html><head><title>Site</title></head><body><nav>Home</nav><article><h1>PTC closes its session</h1>" +
            "<p>Delegates met in <a href=\"https://secretariat.example/ptc\">Brussels</a> with <strong>hybrid</strong> participation.</p>" +
            "<ul><li>data model</li><li>e-commerce</li></ul><h2>Next steps</h2><p>More in 2027.</p></article></body></html>";
        var form = new ArticleForm(Language: "en", Alert: true, Format: ArticleFormat.Html, Body: html);

        var (asIs, _) = ArticleFile.Compose(form with { Language = "", Alert = false });
        var (content, extension) = ArticleFile.Compose(form);
        var fromHtml = Parser.Parse("a.html", asIs);
        var article = Parser.Parse("a.md", content);

        Assert.Equal(html, Encoding.UTF8.GetString(asIs));
        Assert.Equal(".md", extension);
        Assert.Equal(fromHtml.Title, article.Title);
        Assert.True(article.Alert);
        Assert.Contains("<a href=\"https://secretariat.example/ptc\"", article.BodyHtml);
        Assert.Contains(">Brussels</a>", article.BodyHtml);
        Assert.Equal(fromHtml.BodyHtml.Replace("\n", ""), article.BodyHtml.Replace("\n", ""));
        Assert.Contains("<strong>hybrid</strong>", article.BodyHtml);
        Assert.Contains("<li>data model</li>", article.BodyHtml);
        Assert.Contains("<h2>Next steps</h2>", article.BodyHtml);
    }

    [Theory]
    [InlineData("PTC closes its 243rd session", "", "en", "2026/ptc-closes-its-243rd-session.en.md")]
    [InlineData("Постоянный технический комитет", "", "ru", "2026/postoyannyy-tekhnicheskiy-komitet.ru.md")]
    [InlineData("Le Comité clôt sa session d'été", "", "fr", "2026/le-comite-clot-sa-session-d-ete.fr.md")]
    [InlineData("Anything", "ptc-243", "en", "2026/ptc-243.en.md")]
    [InlineData("../../etc/passwd", "", "EN", "2026/etc-passwd.en.md")]
    [InlineData("T", "../../../secret/..", "e/", "2026/secret.md")]
    [InlineData("???", "", "", "2026/article.md")]
    public void NameForIsAYearFolderAnAsciiSlugAndTheLanguage(string title, string slug, string language, string expected)
        => Assert.Equal(expected, ArticleFile.NameFor(new ArticleForm(Title: title, Slug: slug, Language: language), Now));

    [Fact]
    public void NameForBoundsTheSlugAtADash()
    {
        var name = ArticleFile.NameFor(new ArticleForm(Title: string.Join(' ', Enumerable.Repeat("committee", 40)), Language: "en"), Now);
        var slug = name["2026/".Length..^".en.md".Length];
        Assert.InRange(slug.Length, 30, ArticleSlug.MaxLength);
        Assert.DoesNotMatch("[^a-z0-9-]|^-|-$", slug);
    }

    [Fact]
    public void NameForKeepsTheExtensionOfAFileKeptAsItIs()
        => Assert.Equal("2026/ptc-closes.txt", ArticleFile.NameFor(new ArticleForm(Body: "PTC closes\n\nText.", Format: ArticleFormat.Text), Now));

    [Fact]
    public void ReadLeavesUnknownFieldsOutAndKeepsABrokenFrontMatterInTheBody()
    {
        var known = ArticleFile.Read("a.md", Encoding.UTF8.GetBytes("---\ntitle: T\ncolour: blue\n---\nBody\n"));
        const string broken = "---\ntitle: [unclosed\n---\nBody\n";
        var read = ArticleFile.Read("a.md", Encoding.UTF8.GetBytes(broken));

        Assert.Equal(new ArticleForm(Title: "T", Body: "Body\n"), known);
        Assert.Equal(new ArticleForm(Body: broken), read);
    }
}
