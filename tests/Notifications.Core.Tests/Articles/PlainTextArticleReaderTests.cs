using Notifications.Articles;

namespace Notifications.Core.Tests.Articles;

public sealed class PlainTextArticleReaderTests
{
    private const string Pasted = """
        Home /  / Contact / Sitemap / Glossary

        The 12th/13th sessions of the Joint Working Group on Transit were held from 3 to 5 June 2026 in Geneva with online participation


        The 12th/13th sessions of the Joint Working Group on Transit took place in Geneva, with some forty delegates connected online.

        Delegates reviewed the electronic transit declaration and the shared data model.

        For reference:

        The Working Group was set up in 2019 to align transit procedures across the region.

        Details of past sessions are available at:


        Secretariat of the Joint Working Group on Transit
        """;

    [Fact]
    public void NavigationLineIsSkippedAndTheLongLineIsTheTitle()
    {
        var content = PlainTextArticleReader.Read(Pasted);

        Assert.Equal(
            "The 12th/13th sessions of the Joint Working Group on Transit were held from 3 to 5 June 2026 in Geneva with online participation",
            content.Title);
        Assert.DoesNotContain("Sitemap", content.BodyText);
    }

    [Fact]
    public void BodyParagraphsAreSeparatedByBlankLines()
    {
        var content = PlainTextArticleReader.Read(Pasted);

        Assert.Equal(
            """
            The 12th/13th sessions of the Joint Working Group on Transit took place in Geneva, with some forty delegates connected online.

            Delegates reviewed the electronic transit declaration and the shared data model.

            For reference:

            The Working Group was set up in 2019 to align transit procedures across the region.
            """.ReplaceLineEndings("\n"),
            content.BodyText);
    }

    [Fact]
    public void BodyHtmlHasOneEncodedParagraphPerParagraph()
    {
        var content = PlainTextArticleReader.Read("""
            A note on rules & procedures for the <next> session

            Delegates agreed that "A < B" & more.
            Second line of the same paragraph.

            Last paragraph.
            """);

        Assert.Equal(
            "<p>Delegates agreed that &quot;A &lt; B&quot; &amp; more. Second line of the same paragraph.</p>\n<p>Last paragraph.</p>",
            content.BodyHtml);
        Assert.Equal("A note on rules & procedures for the <next> session", content.Title);
    }

    [Fact]
    public void SignatureAtTheEndIsDropped()
    {
        var content = PlainTextArticleReader.Read(Pasted);

        Assert.DoesNotContain("Secretariat of the Joint Working Group", content.BodyText);
        Assert.DoesNotContain("available at:", content.BodyText);
        Assert.DoesNotContain("Secretariat", content.BodyHtml);
        Assert.EndsWith("across the region.", content.BodyText);
    }

    [Fact]
    public void FooterLinesAreDroppedWhateverTheirPunctuation()
    {
        var content = PlainTextArticleReader.Read("""
            Customs experts agree on a common data set

            The experts agreed on the data set after two days of work.

            Transit Secretariat
            Share this page
            © 2026 Transit Secretariat. All rights reserved.
            Contact | Privacy | Terms
            """);

        Assert.Equal("The experts agreed on the data set after two days of work.", content.BodyText);
    }

    [Fact]
    public void AtMostThreeSignatureLinesAreDropped()
    {
        var content = PlainTextArticleReader.Read("""
            Customs experts agree on a common data set
            The experts agreed on the data set after two days of work.
            Transit Secretariat
            Palais des Nations
            Geneva
            Switzerland
            """);

        Assert.Equal("The experts agreed on the data set after two days of work.\n\nTransit Secretariat", content.BodyText);
    }

    [Fact]
    public void LinesEndingWithAColonInTheMiddleAreKept()
    {
        var content = PlainTextArticleReader.Read("""
            Customs experts agree on a common data set

            The agenda included:

            - guarantees;
            - risk management.

            For reference:

            The group meets twice a year.
            """);

        Assert.Equal("The agenda included:\n\n- guarantees;\n\n- risk management.\n\nFor reference:\n\nThe group meets twice a year.", content.BodyText);
    }

    [Fact]
    public void ListItemsAtTheEndAreNotMistakenForASignature()
    {
        var content = PlainTextArticleReader.Read("""
            Customs experts agree on a common data set
            The agenda included:
            - guarantees
            - risk management
            """);

        Assert.Equal("The agenda included:\n\n- guarantees\n\n- risk management", content.BodyText);
    }

    [Fact]
    public void CyrillicTextIsRead()
    {
        var content = PlainTextArticleReader.Read("""
            Главная / Контакты / Карта сайта
            Русский English Français

            Очередная сессия Рабочей группы по транзиту прошла в Женеве 3–5 июня 2026 года

            Делегаты обсудили электронную транзитную декларацию и общую модель данных.

            Секретариат Рабочей группы
            """);

        Assert.Equal("Очередная сессия Рабочей группы по транзиту прошла в Женеве 3–5 июня 2026 года", content.Title);
        Assert.Equal("Делегаты обсудили электронную транзитную декларацию и общую модель данных.", content.BodyText);
        Assert.Equal("<p>Делегаты обсудили электронную транзитную декларацию и общую модель данных.</p>", content.BodyHtml);
    }

    [Fact]
    public void WindowsLineEndingsAreHandledAndNeverReachTheTitle()
    {
        var content = PlainTextArticleReader.Read(
            "Home | News\r\n\r\nThe Working Group adopted its   annual report\r\n\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n");

        Assert.Equal("The Working Group adopted its annual report", content.Title);
        Assert.DoesNotContain('\r', content.Title!);
        Assert.Equal("First paragraph.\n\nSecond paragraph.", content.BodyText);
        Assert.DoesNotContain('\r', content.BodyHtml);
    }

    [Fact]
    public void WithoutBlankLinesEveryLineIsAParagraph()
    {
        var content = PlainTextArticleReader.Read("""
            Skip to main content
            Menu
            The Working Group adopted its annual report
            The report covers the year 2025.
            It was adopted without changes.
            Transit Secretariat
            """);

        Assert.Equal("The Working Group adopted its annual report", content.Title);
        Assert.Equal("The report covers the year 2025.\n\nIt was adopted without changes.", content.BodyText);
        Assert.Equal("<p>The report covers the year 2025.</p>\n<p>It was adopted without changes.</p>", content.BodyHtml);
    }

    [Fact]
    public void ParagraphRepeatingTheTitleExactlyIsDroppedButANearRepeatIsKept()
    {
        var exact = PlainTextArticleReader.Read("""
            The Working Group adopted its annual report

            The Working Group adopted its annual report

            Body.
            """);
        var near = PlainTextArticleReader.Read("""
            The Working Group adopted its annual report

            The Working Group adopted its annual report on Friday.

            Body.
            """);

        Assert.Equal("Body.", exact.BodyText);
        Assert.Equal("The Working Group adopted its annual report on Friday.\n\nBody.", near.BodyText);
    }

    [Fact]
    public void ShortLinesAndCookieNoticesBeforeTheTitleAreSkipped()
    {
        var content = PlainTextArticleReader.Read("""
            We use cookies to improve your experience on this website.
            Accept
            News
            Events › 2026 › June
            The Working Group adopted its annual report
            Body.
            """);

        Assert.Equal("The Working Group adopted its annual report", content.Title);
        Assert.Equal("Body.", content.BodyText);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t\n  ")]
    [InlineData("Home / Contact / Sitemap\nMenu\nSearch")]
    [InlineData("Short\nlines\nonly")]
    public void TextWithoutAMeaningfulLineHasNoTitle(string text)
    {
        var content = PlainTextArticleReader.Read(text);

        Assert.Null(content.Title);
        Assert.Equal("", content.BodyHtml);
        Assert.Equal("", content.BodyText);
    }

    [Fact]
    public void TitleOnlyGivesAnEmptyBody()
    {
        var content = PlainTextArticleReader.Read("The Working Group adopted its annual report\n\n");

        Assert.Equal("The Working Group adopted its annual report", content.Title);
        Assert.Equal("", content.BodyHtml);
        Assert.Equal("", content.BodyText);
    }
}
