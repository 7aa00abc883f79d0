using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Topics;

namespace Notifications.Core.Tests.Articles;

public sealed class ArticleParserTests
{
    private static readonly IOptions<ArticleOptions> Options = Microsoft.Extensions.Options.Options.Create(new ArticleOptions { MaxBytes = 4096 });
    private static readonly IOptions<TopicOptions> Topics = Microsoft.Extensions.Options.Options.Create(new TopicOptions());
    private static readonly ArticleParser Parser = new(new HtmlArticleReader(), new TopicClassifier(Topics), new TopicCatalog(Topics.Value.Topics), Options);

    private static Article Parse(string text, string name = "article.md") => Parser.Parse(name, Encoding.UTF8.GetBytes(text));

    private static ArticleRejection Rejection(string text, string name = "article.md") => Rejection(Encoding.UTF8.GetBytes(text), name);

    private static ArticleRejection Rejection(byte[] bytes, string name = "article.md")
        => Assert.Throws<ArticleRejectedException>(() => Parser.Parse(name, bytes)).Rejection;

    [Fact]
    public void ReadsEveryFrontMatterField()
    {
        var a = Parse("""
            ---
            title: The 239th/240th sessions of the Permanent Technical Committee
            published: 2023-04-27
            language: EN
            topics: [E-Commerce, data model]
            summary: Three days in Brussels, with online participation.
            url: https://secretariat.example/ptc-239
            ---
            The committee met from **25 to 27 April 2023**.
            """);

        Assert.Equal("The 239th/240th sessions of the Permanent Technical Committee", a.Title);
        Assert.Equal(new DateTimeOffset(2023, 4, 27, 0, 0, 0, TimeSpan.Zero), a.Published);
        Assert.Equal("en", a.Language);
        Assert.Equal(["e-commerce", "data model"], a.Topics);
        Assert.Equal("Three days in Brussels, with online participation.", a.Summary);
        Assert.Equal("https://secretariat.example/ptc-239", a.Url);
        Assert.Contains("<strong>25 to 27 April 2023</strong>", a.BodyHtml);
    }

    [Fact]
    public void SummaryDefaultsToTheFirstParagraphAsPlainText()
    {
        var a = Parse("---\ntitle: T\n---\nFirst *paragraph*\nstill first.\n\nSecond paragraph.\n");
        Assert.Equal("First paragraph still first.", a.Summary);
    }

    [Fact]
    public void LanguageDefaultsToEnglishAndTopicsToNone()
    {
        var a = Parse("---\ntitle: T\n---\nBody.\n");
        Assert.Equal("en", a.Language);
        Assert.Null(a.Published);
    }

    [Fact]
    public void AcceptsUtf8ByteOrderMark()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("---\ntitle: Заседание ПТК\n---\nТекст.\n")).ToArray();
        Assert.Equal("Заседание ПТК", Parser.Parse("a.md", bytes).Title);
    }

    [Fact]
    public void AcceptsWindowsLineEndings()
        => Assert.Equal("T", Parse("---\r\ntitle: T\r\n---\r\nBody.\r\n").Title);

    [Fact]
    public void RawHtmlInTheBodyIsNotPassedThrough()
        => Assert.DoesNotContain("<script>", Parse("---\ntitle: T\n---\n<script>alert(1)</script>\n").BodyHtml);

    [Fact]
    public void RejectsArticleWithoutTitle()
    {
        var r = Rejection("---\nsummary: no title here\n---\nBody.\n");
        Assert.Equal("missing-title", r.Code);
        Assert.Contains("title:", r.Hint);
    }

    [Fact]
    public void RejectsEmptyFile()
        => Assert.Equal("empty", Rejection([]).Code);

    [Fact]
    public void RejectsBytesThatAreNotUtf8()
        => Assert.Equal("undecodable", Rejection([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE, 0xC3, 0x28]).Code);

    [Fact]
    public void RejectsBinaryContent()
        => Assert.Equal("not-text", Rejection([0x2D, 0x2D, 0x2D, 0x0A, 0x00, 0x01, 0x02]).Code);

    [Fact]
    public void MarkdownWithoutFrontMatterTakesItsTitleFromTheFirstHeading()
    {
        var a = Parse("# Just a heading\n\nThe text of the report.\n");
        Assert.Equal("Just a heading", a.Title);
        Assert.Equal("The text of the report.", a.Summary);
        Assert.DoesNotContain("Just a heading", a.BodyHtml);
    }

    [Fact]
    public void RejectsMarkdownWithNeitherTitleNorHeading()
        => Assert.Equal("missing-title", Rejection("Some text without a heading.\n", "notes.md").Code);

    [Fact]
    public void RejectsUnclosedFrontMatter()
        => Assert.Equal("unclosed-front-matter", Rejection("---\ntitle: T\nBody without a closing line.\n").Code);

    [Fact]
    public void RejectsInvalidYamlNamingTheLine()
    {
        var r = Rejection("---\ntitle: T\ntopics: [a, b\nsummary: x\n---\nBody.\n");
        Assert.Equal("invalid-front-matter", r.Code);
        Assert.NotNull(r.Line);
        Assert.InRange(r.Line!.Value, 3, 5);
        Assert.Contains($"line {r.Line}", r.Message);
    }

    [Fact]
    public void RejectsInvalidPublishedDateNamingTheLine()
    {
        var r = Rejection("---\ntitle: T\npublished: 2026-13-45\n---\nBody.\n");
        Assert.Equal("invalid-published", r.Code);
        Assert.Equal(3, r.Line);
        Assert.Contains("2026-13-45", r.Message);
        Assert.Contains("YYYY-MM-DD", r.Hint);
    }

    [Fact]
    public void RejectsTitleWithLineBreakThatWouldInjectAHeader()
    {
        var r = Rejection("---\ntitle: \"Session report\\r\\nBcc: everyone@example.org\"\n---\nBody.\n");
        Assert.Equal("multiline-title", r.Code);
        Assert.Equal(2, r.Line);
    }

    [Fact]
    public void RejectsSummaryWithLineBreak()
        => Assert.Equal("multiline-summary", Rejection("---\ntitle: T\nsummary: |\n  first\n  second\n---\nBody.\n").Code);

    [Fact]
    public void RejectsUrlThatIsNotHttp()
        => Assert.Equal("invalid-url", Rejection("---\ntitle: T\nurl: javascript:alert(1)\n---\nBody.\n").Code);

    [Fact]
    public void RejectsLanguageThatIsNotACode()
        => Assert.Equal("invalid-language", Rejection("---\ntitle: T\nlanguage: English\n---\nBody.\n").Code);

    [Fact]
    public void RejectsTitleGivenAsAList()
        => Assert.Equal("invalid-title", Rejection("---\ntitle: [a, b]\n---\nBody.\n").Code);
}
