using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Core.Tests.Templates;

/// <summary>The templates' <c>text</c> function: words from the language files, the template's values in their placeholders.</summary>
public sealed class TextFunctionTests
{
    private static ScriptObject Rejection() => new()
    {
        ["lang"] = "en",
        ["sender"] = "PTC Secretariat",
        ["article"] = "a<b>&c.md",
        ["code"] = "front-matter",
        ["message"] = "m",
        ["line"] = "3",
        ["hint"] = "h",
    };

    [Fact]
    public void HtmlGetsMarkupForTheMarkersAndEscapesTheValues()
    {
        var html = new TemplateSet().RenderHtml("article-rejected.html.sbn", Rejection());

        Assert.Contains("<title>Article not published: a&lt;b&gt;&amp;c.md</title>", html);
        Assert.Contains("<p>The article <strong>a&lt;b&gt;&amp;c.md</strong> was not published.</p>", html);
        Assert.Contains("The file is still in the <code>articles</code> container.", html);
        Assert.Contains("<td>line 3</td>", html);
    }

    [Fact]
    public void PlainTextDropsTheMarkersAndKeepsTheValuesAsTheyAre()
    {
        var text = new TemplateSet().RenderText("article-rejected.txt.sbn", Rejection());

        Assert.StartsWith("The article a<b>&c.md was not published.", text);
        Assert.Contains("this report (articles-rejected/a<b>&c.md.rejected.json) will then be removed.", text);
        Assert.DoesNotContain("**", text);
        Assert.DoesNotContain("`", text);
    }

    [Theory]
    [InlineData("en", 1, "The link works for 1 day.")]
    [InlineData("en", 7, "The link works for 7 days.")]
    [InlineData("ru", 1, "Ссылка действует 1 день.")]
    [InlineData("ru", 3, "Ссылка действует 3 дня.")]
    [InlineData("ru", 11, "Ссылка действует 11 дней.")]
    [InlineData("fr", 1, "Le lien est valable 1 jour.")]
    [InlineData("fr", 2, "Le lien est valable 2 jours.")]
    [InlineData("de", 2, "The link works for 2 days.")]
    public void ACountChoosesThePluralFormOfTheLanguage(string lang, int days, string expected)
    {
        var set = new TemplateSet(new Dictionary<string, string> { ["t.sbn"] = "{{ text \"confirmation_mail.link_valid\" days }}" });
        Assert.Equal(expected, set.RenderText("t.sbn", new ScriptObject { ["lang"] = lang, ["days"] = days }));
    }

    [Fact]
    public void AKeyThatIsNotInTheFilesFailsTheRendering()
    {
        var set = new TemplateSet(new Dictionary<string, string> { ["t.sbn"] = "{{ text \"confirmation_mail.nothing\" }}" });
        var e = Assert.Throws<TemplateException>(() => set.RenderText("t.sbn", new ScriptObject { ["lang"] = "en" }));
        Assert.Contains("confirmation_mail.nothing", e.Message);
    }
}
