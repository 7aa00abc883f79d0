using Notifications.Testing;
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
        Assert.Equal(
            "<p title=\"&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;\">&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</p>",
            html);
    }

    [Fact]
    public void ValuesInLoopsAndPipesAreEscapedOnce()
    {
        var html = With("{{ for a in items }}[{{ a | string.upcase }}]{{ end }}").RenderHtml("t.sbn", new ScriptObject { ["items"] = new[] { "<b>", "a&b" } });
        Assert.Equal("[&lt;B&gt;][A&amp;B]", html);
    }

    [Fact]
    public void RawHtmlFromCodeIsWrittenAsIs()
        => Assert.Equal(
            "<div><em>ok</em></div>",
            With("<div>{{ body }}</div>").RenderHtml("t.sbn", new ScriptObject { ["body"] = new RawHtml("<em>ok</em>") }));

    [Fact]
    public void LongMarkupAndLongTextAreWrittenWhole()
    {
        // A console page around a long article, and the article's body in a form field: nothing may be cut at 100,000 characters.
        var markup = "<p>" + new string('a', 150_000) + "</p>";
        var text = new string('b', 149_999) + "<end>";
        var html = With("<main>{{ body }}</main><textarea>{{ value }}</textarea>")
            .RenderHtml("t.sbn", new ScriptObject { ["body"] = new RawHtml(markup), ["value"] = text });
        Assert.Equal($"<main>{markup}</main><textarea>{new string('b', 149_999)}&lt;end&gt;</textarea>", html);
    }

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
    public void BuiltinTemplatesParseAndEveryFileIsEmbedded()
    {
        // Every file in Templates/Builtin is embedded and parses (the constructor throws on a syntax error).
        var folder = Path.Combine(Repository.Root, "src", "Notifications.Core", "Templates", "Builtin");
        var files = Directory.EnumerateFiles(folder, "*.sbn").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("digest.html.sbn", files);
        Assert.Contains("page-layout.html.sbn", files);
        Assert.Equal(files, new TemplateSet().Names.Order(StringComparer.Ordinal));
    }

    private static TemplateSet Set(params (string Name, string Source)[] templates) => new(templates.ToDictionary(t => t.Name, t => t.Source));

    [Fact]
    public void AnIncludedPartialIsWrittenAsMarkupWhileItsValuesAreEscapedOnce()
    {
        var set = Set(("layout.sbn", "<main>{{ include 'item.sbn' }}</main>"), ("item.sbn", "<p class=\"x\">{{ v }}</p>"));
        var html = set.RenderHtml("layout.sbn", new ScriptObject { ["v"] = "<script>alert(1)</script> & more" });
        Assert.Equal("<main><p class=\"x\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p></main>", html);
    }

    [Fact]
    public void PartialsSeeTheLoopVariableOfTheirCaller()
    {
        var set = Set(("list.sbn", "<ul>{{ for a in items }}{{ include 'li.sbn' }}{{ end }}</ul>"), ("li.sbn", "<li>{{ a }}</li>"));
        Assert.Equal("<ul><li>&lt;b&gt;</li><li>x&amp;y</li></ul>", set.RenderHtml("list.sbn", new ScriptObject { ["items"] = new[] { "<b>", "x&y" } }));
    }

    [Fact]
    public void AnIncludeNestedInAPartialIsNotEscapedEither()
    {
        var set = Set(("a.sbn", "[{{ include 'b.sbn' }}]"), ("b.sbn", "<b>{{ include 'c.sbn' }}</b>"), ("c.sbn", "<i>{{ v }}</i>"));
        Assert.Equal("[<b><i>&lt;&gt;</i></b>]", set.RenderHtml("a.sbn", new ScriptObject { ["v"] = "<>" }));
    }

    [Fact]
    public void IncludeOutputPassedThroughAFunctionIsTextAgainAndEscaped()
    {
        var set = Set(("a.sbn", "{{ x = include 'b.sbn' }}{{ x | string.upcase }}"), ("b.sbn", "<b>ok</b>"));
        Assert.Equal("&lt;B&gt;OK&lt;/B&gt;", set.RenderHtml("a.sbn", new ScriptObject()));
    }

    [Fact]
    public void IncludesWorkInTextTemplatesWithoutEscaping()
    {
        var set = Set(("a.txt.sbn", "{{ include 'b.txt.sbn' }}!"), ("b.txt.sbn", "{{ v }}"));
        Assert.Equal("a < b & c!", set.RenderText("a.txt.sbn", new ScriptObject { ["v"] = "a < b & c" }));
    }

    [Fact]
    public void IncludingAnUnknownTemplateFailsWithTheCallersNameAndLine()
    {
        var set = Set(("a.sbn", "line one\n{{ include 'missing.sbn' }}"));
        var e = Assert.Throws<TemplateException>(() => set.RenderHtml("a.sbn", new ScriptObject()));
        Assert.Contains("missing.sbn", e.Message);
        Assert.Equal("a.sbn", e.TemplateName);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void AnUnknownVariableInAPartialIsReportedInThePartial()
    {
        var set = Set(("a.sbn", "{{ include 'b.sbn' }}"), ("b.sbn", "ok\n{{ nmae }}"));
        var e = Assert.Throws<TemplateException>(() => set.RenderHtml("a.sbn", new ScriptObject { ["name"] = "x" }));
        Assert.Equal("b.sbn", e.TemplateName);
        Assert.Equal(2, e.Line);
        Assert.Contains("nmae", e.Message);
    }

    [Fact]
    public void APartialThatIncludesItselfIsStoppedByTheRecursionLimit()
    {
        var set = Set(("a.sbn", "x{{ include 'a.sbn' }}"));
        Assert.Throws<TemplateException>(() => set.RenderHtml("a.sbn", new ScriptObject()));
    }

    [Fact]
    public void OverridesReplaceOneTemplateAndLeaveTheOthers()
    {
        var set = Set(("a.sbn", "[{{ include 'b.sbn' }}]"), ("b.sbn", "old"));
        var (b, errors) = TemplateSet.Parse("b.sbn", "new {{ v }}");
        Assert.Empty(errors);
        var changed = set.WithOverrides(new Dictionary<string, (Scriban.Template, string)> { ["b.sbn"] = (b!, "new {{ v }}") });
        Assert.Equal("[new 1]", changed.RenderHtml("a.sbn", new ScriptObject { ["v"] = 1 }));
        Assert.Equal("[old]", set.RenderHtml("a.sbn", new ScriptObject()));
    }

    [Fact]
    public void ParseReportsOneBasedLinesAndColumns()
    {
        var (template, errors) = TemplateSet.Parse("t.sbn", "ok\n  {{ x = }}");
        Assert.Null(template);
        var error = errors[0];
        Assert.Equal(("t.sbn", 2), (error.Template, error.Line));
        Assert.True(error.Column > 1);
    }
}
