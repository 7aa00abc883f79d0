using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Topics;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// Front matter <c>editor</c>: an address, or <c>Name &lt;address&gt;</c>. The address (normalised) is who rejection reports
/// go to; the name is kept for display; a bad address rejects the file naming the line and both accepted forms.
/// </summary>
public sealed class ArticleEditorFrontMatterTests
{
    private static readonly IOptions<TopicOptions> Topics = Options.Create(new TopicOptions());
    private static readonly ArticleParser Parser = new(new HtmlArticleReader(), new TopicClassifier(Topics), new TopicCatalog(Topics.Value.Topics),
        Options.Create(new ArticleOptions()));

    private static Article Parse(string editorLine) => Parser.Parse("a.md", Encoding.UTF8.GetBytes($"---\ntitle: T\n{editorLine}\n---\nBody.\n"));

    private static ArticleRejectedException Rejected(string editorLine)
        => Assert.Throws<ArticleRejectedException>(() => Parse(editorLine));

    [Theory]
    [InlineData("editor: Anna Petrova <Press@Secretariat.example>", "Anna Petrova")]
    [InlineData("editor: '\"Petrova, Anna\" <press@secretariat.example>'", "Petrova, Anna")]
    [InlineData("editor: Анна Петрова <press@secretariat.example>", "Анна Петрова")]
    [InlineData("editor: <press@secretariat.example>", null)]
    [InlineData("editor: press@secretariat.example", null)]
    public void TheAddressIsWhoIsToldAndTheNameIsKept(string line, string? name)
    {
        var article = Parse(line);
        Assert.Equal("press@secretariat.example", article.Editor);
        Assert.Equal(name, article.EditorName);
    }

    /// <summary>YAML reads a quoted scalar followed by more text as an error: the whole value must be quoted (see above).</summary>
    [Fact]
    public void AQuotedNameOutsideQuotesIsTheUsualFrontMatterRejection()
        => Assert.Equal("invalid-front-matter", Rejected("editor: \"Petrova, Anna\" <press@secretariat.example>").Rejection.Code);

    [Theory]
    [InlineData("editor: Anna Petrova <not an address>")]
    [InlineData("editor: Anna Petrova press@secretariat.example")]
    [InlineData("editor: Anna Petrova <press@secretariat.example")]
    [InlineData("editor: Anna <press@localhost>")]
    public void ABadAddressRejectsTheFileNamingTheLineAndBothForms(string line)
    {
        var r = Rejected(line).Rejection;
        Assert.Equal("invalid-editor", r.Code);
        Assert.Equal(3, r.Line);
        Assert.Contains("nor a name with an address in angle brackets", r.Message);
        Assert.Contains("'editor: Anna Petrova <press@secretariat.example>'", r.Hint);
    }

    [Fact]
    public void AnOverlongNameIsRejectedNamingItsLength()
    {
        var r = Rejected($"editor: {new string('A', 101)} <press@secretariat.example>").Rejection;
        Assert.Equal("invalid-editor", r.Code);
        Assert.Contains("101 characters", r.Message);
        Assert.Equal("Anna", Parse($"editor: Anna <press@secretariat.example>").EditorName);
        Assert.Equal(new string('A', 100), Parse($"editor: {new string('A', 100)} <press@secretariat.example>").EditorName);
    }

    [Fact]
    public void AFileRejectedForSomethingElseStillTellsTheNamedEditorsAddress()
    {
        var e = Assert.Throws<ArticleRejectedException>(() => Parser.Parse("a.md",
            Encoding.UTF8.GetBytes("---\ntitle: T\neditor: Anna Petrova <press@secretariat.example>\nlanguage: english\n---\nBody.\n")));
        Assert.Equal("invalid-language", e.Rejection.Code);
        Assert.Equal("press@secretariat.example", e.Editor);
    }
}
