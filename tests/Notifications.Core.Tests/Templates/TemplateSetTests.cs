using Notifications.Templates;
using Scriban.Runtime;

namespace Notifications.Core.Tests.Templates;

public sealed class TemplateSetTests
{
    private static TemplateSet With(string source) => new(new Dictionary<string, string> { ["t.sbn"] = source });

    [Fact]
    public void HtmlTemplatesEscapeEveryValue()
    {
        var html = With("<p title=\"{{ v }}\">{{ v }}</p>").RenderHtml("t.sbn", new ScriptObject { ["v"] = "<script>\"x\" & 'y'</script>" });
        Assert.Equal("<p title=\"&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;\">&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</p>", html);
    }

    [Fact]
    public void ValuesInLoopsAndPipesAreEscapedOnce()
    {
        var html = With("{{ for a in items }}[{{ a | string.upcase }}]{{ end }}").RenderHtml("t.sbn", new ScriptObject { ["items"] = new[] { "<b>", "a&b" } });
        Assert.Equal("[&lt;B&gt;][A&amp;B]", html);
    }

    [Fact]
    public void RawHtmlFromCodeIsWrittenAsIs()
        => Assert.Equal("<div><em>ok</em></div>", With("<div>{{ body }}</div>").RenderHtml("t.sbn", new ScriptObject { ["body"] = new RawHtml("<em>ok</em>") }));

    [Fact]
    public void TextTemplatesAreNotEscaped()
        => Assert.Equal("a < b & c", With("{{ v }}").RenderText("t.sbn", new ScriptObject { ["v"] = "a < b & c" }));

    [Fact]
    public void UnknownVariableFailsInsteadOfRenderingEmpty()
    {
        var e = Assert.Throws<TemplateException>(() => With("Hello {{ nmae }}").RenderHtml("t.sbn", new ScriptObject { ["name"] = "x" }));
        Assert.Contains("t.sbn", e.Message);
        Assert.Contains("nmae", e.Message);
    }

    [Fact]
    public void SyntaxErrorIsReportedWithTemplateNameAndLine()
    {
        var e = Assert.Throws<TemplateException>(() => new TemplateSet(new Dictionary<string, string>
        {
            ["good.sbn"] = "{{ x }}",
            ["digest.html.sbn"] = "line one\n{{ for a in }}\n",
        }));
        Assert.Contains("digest.html.sbn(2,", e.Message);
    }

    [Fact]
    public void RunawayLoopIsStopped()
        => Assert.Throws<TemplateException>(() => With("{{ while true }}x{{ end }}").RenderText("t.sbn", new ScriptObject()));

    [Fact]
    public void BuiltinTemplatesParse()
        => Assert.Equal(["article-rejected.html.sbn", "article-rejected.subject.sbn", "article-rejected.txt.sbn", "digest.html.sbn", "digest.subject.sbn", "digest.txt.sbn",
            "page-confirm.html.sbn", "page-layout.html.sbn", "page-message.html.sbn", "page-preferences.html.sbn", "page-subscribe.html.sbn", "page-unsubscribe.html.sbn",
            "subscribe-confirm.html.sbn", "subscribe-confirm.subject.sbn", "subscribe-confirm.txt.sbn"], new TemplateSet().Names.Order());
}
