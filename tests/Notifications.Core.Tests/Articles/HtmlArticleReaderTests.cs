using Notifications.Articles;

namespace Notifications.Core.Tests.Articles;

public sealed class HtmlArticleReaderTests
{
    private static readonly HtmlArticleReader Reader = new();

    private const string Page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <title>Transit group meets in Geneva | Secretariat of the Transit Group</title>
          <link rel="stylesheet" href="https://cdn.example/site.css">
          <script src="https://analytics.example/t.js"></script>
        </head>
        <body>
          <div class="cookie-banner">We use cookies. <button>Accept</button></div>
          <header class="site-header"><a href="/"><img src="/logo.png" alt="Secretariat"></a></header>
          <nav><a href="/">Home</a> / <a href="/news">News</a> / <a href="/contact">Contact</a></nav>
          <ul class="breadcrumb"><li><a href="/">Home</a></li><li>News</li></ul>
          <main>
            <article>
              <h1>The 12th session of the Joint Working Group on Transit was held in Geneva</h1>
              <p>The group met from <strong>3 to 5 June 2026</strong> in Geneva, with online participation.</p>
              <p>Delegates discussed <em>electronic transit declarations</em> and the
                 <a href="https://transit.example/data-model">shared data model</a>.</p>
              <h2>Decisions</h2>
              <ul>
                <li>The guidelines were endorsed.</li>
                <li>The next session will be held online.</li>
              </ul>
              <div class="share-buttons"><a href="https://social.example/share?u=x">Share</a></div>
            </article>
            <aside><h2>Related news</h2><p>Another meeting.</p></aside>
          </main>
          <footer><p>© 2026 Secretariat of the Transit Group</p></footer>
        </body>
        </html>
        """;

    [Fact]
    public void TitleComesFromTheArticleHeading()
    {
        var content = Reader.Read(Page);

        Assert.Equal("The 12th session of the Joint Working Group on Transit was held in Geneva", content.Title);
    }

    [Fact]
    public void TitleHeadingIsNotRepeatedInTheBody()
    {
        var content = Reader.Read(Page);

        Assert.DoesNotContain("<h1", content.BodyHtml);
        Assert.DoesNotContain("12th session", content.BodyHtml);
        Assert.DoesNotContain("12th session", content.BodyText);
    }

    [Fact]
    public void TitleFallsBackToThePageTitleWithoutTheSiteName()
    {
        var pipe = Reader.Read("<html><head><title>Transit group meets in Geneva | Secretariat</title></head><body><p>Text.</p></body></html>");
        var dash = Reader.Read("<html><head><title>Transit group meets in Geneva - Secretariat</title></head><body><p>Text.</p></body></html>");

        Assert.Equal("Transit group meets in Geneva", pipe.Title);
        Assert.Equal("Transit group meets in Geneva", dash.Title);
    }

    [Fact]
    public void ArticleHeadingWinsOverTheSiteLogoHeading()
    {
        var content = Reader.Read("""
            <body>
              <header><h1>Secretariat</h1></header>
              <article><h1>Customs experts agree on a common data set</h1><p>Body.</p></article>
            </body>
            """);

        Assert.Equal("Customs experts agree on a common data set", content.Title);
    }

    [Fact]
    public void TitleWithLineBreaksBecomesOneLine()
    {
        var content = Reader.Read("<article><h1>\r\n  The 12th session\r\n of the <br>Working Group\n</h1><p>Body.</p></article>");

        Assert.Equal("The 12th session of the Working Group", content.Title);
        Assert.DoesNotContain('\r', content.Title!);
        Assert.DoesNotContain('\n', content.Title!);
    }

    [Fact]
    public void PageWithoutHeadingOrTitleHasNoTitle()
    {
        var content = Reader.Read("<body><p>Just a paragraph.</p></body>");

        Assert.Null(content.Title);
        Assert.Equal("<p>Just a paragraph.</p>", content.BodyHtml);
    }

    [Fact]
    public void SiteChromeIsDropped()
    {
        var content = Reader.Read(Page);

        foreach (var chrome in new[] { "cookies", "Accept", "Home", "Contact", "Related news", "Another meeting", "©", "Share", "logo" })
        {
            Assert.DoesNotContain(chrome, content.BodyHtml);
            Assert.DoesNotContain(chrome, content.BodyText);
        }
    }

    [Fact]
    public void BodyIsTheArticleWhenThereIsOne()
    {
        var content = Reader.Read(Page);

        Assert.StartsWith("<p>The group met from <strong>3 to 5 June 2026</strong> in Geneva", content.BodyHtml);
        Assert.Contains("<h2>Decisions</h2>", content.BodyHtml);
        Assert.Contains("<li>The guidelines were endorsed.</li>", content.BodyHtml);
    }

    [Fact]
    public void BodyFallsBackToMainThenToBody()
    {
        var main = Reader.Read("<body><nav>Menu</nav><main><h1>A fairly long article title</h1><p>In main.</p></main><p>Outside.</p></body>");
        var body = Reader.Read(
            "<body><nav role=\"navigation\">Menu</nav><h1>A fairly long article title</h1><p>In body.</p><div id=\"page-footer\">Footer text</div></body>");

        Assert.Equal("<p>In main.</p>", main.BodyHtml);
        Assert.Equal("<p>In body.</p>", body.BodyHtml);
        Assert.Equal("A fairly long article title", body.Title);
    }

    [Fact]
    public void ElementsWithChromeRolesOrNamesAreDropped()
    {
        var content = Reader.Read("""
            <article>
              <div role="banner">Banner</div>
              <div role="contentinfo">Legal</div>
              <ol id="breadcrumbs"><li>Home</li><li>News</li></ol>
              <div class="main-menu">Menu items</div>
              <p>The committee adopted the report after a long discussion of every chapter and annex.</p>
              <p>It also agreed on the dates of the next session, to be held in the autumn.</p>
            </article>
            """);

        Assert.Equal(
            "<p>The committee adopted the report after a long discussion of every chapter and annex.</p>"
            + "<p>It also agreed on the dates of the next session, to be held in the autumn.</p>",
            content.BodyHtml.Replace("\n", ""));
    }

    [Fact]
    public void WrapperWhoseNameLooksLikeChromeIsKeptWhenItHoldsTheArticle()
    {
        var content = Reader.Read("""
            <body>
              <div class="page-with-header">
                <h1>The Working Group adopted its annual report</h1>
                <p>The report covers the year 2025.</p>
                <p>It was adopted without changes.</p>
                <div class="share-links">Share on social media</div>
              </div>
            </body>
            """);

        Assert.Equal("<p>The report covers the year 2025.</p><p>It was adopted without changes.</p>", content.BodyHtml);
    }

    [Fact]
    public void ScriptsAndEventHandlersNeverReachTheBody()
    {
        var content = Reader.Read("""
            <article>
              <p onclick="steal()">Click <b onmouseover="steal()">here</b>.</p>
              <script>steal()</script>
              <img src="x" onerror="steal()">
              <svg onload="steal()"><script>steal()</script></svg>
              <body onload="steal()">
              <p>Kept.</p>
            </article>
            """);

        Assert.DoesNotContain("steal", content.BodyHtml);
        Assert.DoesNotContain("<script", content.BodyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" on", content.BodyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("steal", content.BodyText);
        Assert.Contains("<p>Click <b>here</b>.</p>", content.BodyHtml);
        Assert.Contains("<p>Kept.</p>", content.BodyHtml);
    }

    [Fact]
    public void DangerousLinksLoseTheirAddressButKeepTheirText()
    {
        var content = Reader.Read("""
            <article>
              <p><a href="javascript:steal()">one</a>
                 <a href=" JaVaScRiPt:steal()">two</a>
                 <a href="java&#x09;script:steal()">three</a>
                 <a href="vbscript:msgbox(1)">four</a>
                 <a href="data:text/html;base64,PHNjcmlwdD4=">five</a></p>
            </article>
            """);

        Assert.DoesNotContain("script:", content.BodyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", content.BodyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", content.BodyHtml);
        Assert.Equal("one two three four five", content.BodyText);
    }

    [Fact]
    public void SafeLinksGetNoopenerNoreferrer()
    {
        var content = Reader.Read("""
            <article><p>
              <a href="https://secretariat.example/report" target="_blank" class="x" id="y">report</a>,
              <a href="mailto:desk@secretariat.example">mail</a>
            </p></article>
            """);

        Assert.Contains("<a href=\"https://secretariat.example/report\" rel=\"noopener noreferrer\">report</a>", content.BodyHtml);
        Assert.Contains("<a href=\"mailto:desk@secretariat.example\" rel=\"noopener noreferrer\">mail</a>", content.BodyHtml);
        Assert.DoesNotContain("target", content.BodyHtml);
        Assert.DoesNotContain("class", content.BodyHtml);
    }

    [Fact]
    public void RelativeLinksAreResolvedAgainstTheCanonicalAddressOrDropped()
    {
        var withCanonical = Reader.Read("""
            <html><head><link rel="canonical" href="https://secretariat.example/news/transit"></head>
            <body><article><p><a href="/documents/report.pdf">report</a></p></article></body></html>
            """);
        var without = Reader.Read("<article><p><a href=\"/documents/report.pdf\">report</a></p></article>");

        Assert.Contains("href=\"https://secretariat.example/documents/report.pdf\"", withCanonical.BodyHtml);
        Assert.Equal("<p>report</p>", without.BodyHtml);
    }

    [Fact]
    public void FramesObjectsAndFormsAreRemoved()
    {
        var content = Reader.Read("""
            <article>
              <p>Before.</p>
              <iframe src="https://video.example/embed/1">fallback</iframe>
              <object data="https://x.example/a.swf"><embed src="https://x.example/a.swf"></object>
              <form action="https://x.example/post"><input name="q"><button>Send</button></form>
              <p>After.</p>
            </article>
            """);

        Assert.Equal("<p>Before.</p><p>After.</p>", content.BodyHtml.Replace("\n", ""));
    }

    [Fact]
    public void RemoteResourcesThatCouldTrackAreRemoved()
    {
        var content = Reader.Read("""
            <html><head><link rel="stylesheet" href="https://cdn.example/site.css"></head>
            <body><article>
              <link rel="stylesheet" href="https://cdn.example/inline.css">
              <style>p { background: url(https://track.example/bg.gif) }</style>
              <p style="background-image: url('https://track.example/p.gif')">Styled text.</p>
              <table background="https://track.example/table.gif"><tr><td background="https://track.example/cell.gif">Cell</td></tr></table>
              <img src="https://track.example/pixel.gif?u=123" width="1" height="1">
              <img src="//track.example/pixel2.gif">
              <img src="data:image/png;base64,iVBORw0KGgo=" srcset="https://track.example/a.png 2x" alt="Chart">
              <picture><source srcset="https://track.example/b.webp"><img src="https://track.example/b.png"></picture>
              <video poster="https://track.example/poster.jpg"></video>
            </article></body></html>
            """);

        Assert.DoesNotContain("track.example", content.BodyHtml);
        Assert.DoesNotContain("cdn.example", content.BodyHtml);
        Assert.DoesNotContain("url(", content.BodyHtml);
        Assert.DoesNotContain("style", content.BodyHtml);
        Assert.DoesNotContain("srcset", content.BodyHtml);
        Assert.DoesNotContain("background", content.BodyHtml);
        Assert.DoesNotContain("<link", content.BodyHtml);
        Assert.Contains("<p>Styled text.</p>", content.BodyHtml);
        Assert.Contains("<td>Cell</td>", content.BodyHtml);
        Assert.Contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"Chart\">", content.BodyHtml);
    }

    [Fact]
    public void SafeFormattingAndStructureAreKept()
    {
        var content = Reader.Read("""
            <article>
              <h2>Agenda</h2>
              <p>Line one<br>line two, <strong>strong</strong>, <em>emphasis</em>, <b>bold</b>, <i>italic</i>.</p>
              <blockquote><p>A quotation.</p></blockquote>
              <ol><li>First</li><li>Second</li></ol>
              <table><thead><tr><th>Item</th><th>Status</th></tr></thead><tbody><tr><td>Report</td><td>Adopted</td></tr></tbody></table>
              <figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Logo"><figcaption>Delegates in Geneva</figcaption></figure>
              <h6>Note</h6>
            </article>
            """);

        foreach (var kept in new[]
                 {
                     "<h2>Agenda</h2>", "Line one<br>line two", "<strong>strong</strong>", "<em>emphasis</em>", "<b>bold</b>", "<i>italic</i>",
                     "<blockquote><p>A quotation.</p></blockquote>", "<ol><li>First</li><li>Second</li></ol>", "<th>Item</th>", "<td>Adopted</td>",
                     "<figcaption>Delegates in Geneva</figcaption>", "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\"Logo\">", "<h6>Note</h6>",
                 })
            Assert.Contains(kept, content.BodyHtml.Replace("\n", "").Replace("  ", ""));
    }

    [Fact]
    public void UnknownContainersAreUnwrappedAndSecondHeadingsDemoted()
    {
        var content = Reader.Read("""
            <article>
              <h1>The main title of the article</h1>
              <div class="content"><div>First paragraph in a div.</div><section><span class="x">Second</span> in a section.</section></div>
              <h1>A second top-level heading</h1>
              <custom-element>Custom text.</custom-element>
            </article>
            """);

        Assert.Equal("The main title of the article", content.Title);
        Assert.Equal(
            "<p>First paragraph in a div.</p><p>Second in a section.</p><h2>A second top-level heading</h2><p>Custom text.</p>",
            content.BodyHtml.Replace("\n", "").Replace("  ", ""));
    }

    [Fact]
    public void BodyTextHasParagraphsSeparatedByBlankLinesAndListItemsAsDashes()
    {
        var content = Reader.Read(Page);

        Assert.Equal(
            """
            The group met from 3 to 5 June 2026 in Geneva, with online participation.

            Delegates discussed electronic transit declarations and the shared data model.

            Decisions

            - The guidelines were endorsed.
            - The next session will be held online.
            """.ReplaceLineEndings("\n"),
            content.BodyText);
    }

    [Fact]
    public void BodyTextCollapsesWhitespaceAndKeepsTables()
    {
        var content = Reader.Read("""
            <article>
              <p>  Several    spaces
                 and a line break in the source.  </p>
              <table><tr><th>Item</th><th>Status</th></tr><tr><td>Report</td><td>Adopted</td></tr></table>
              <ul><li>Outer<ul><li>Inner</li></ul></li></ul>
            </article>
            """);

        Assert.Equal(
            "Several spaces and a line break in the source.\n\nItem | Status\nReport | Adopted\n\n- Outer\n  - Inner",
            content.BodyText);
    }

    [Fact]
    public void EmptyInputGivesNoTitleAndAnEmptyBody()
    {
        var content = Reader.Read("");

        Assert.Null(content.Title);
        Assert.Equal("", content.BodyHtml);
        Assert.Equal("", content.BodyText);
    }

    [Fact]
    public async Task ReadIsSafeToCallFromSeveralThreads()
    {
        var expected = Reader.Read(Page);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Reader.Read(Page), TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
