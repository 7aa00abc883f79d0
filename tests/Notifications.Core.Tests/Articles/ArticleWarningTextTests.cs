using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Notifications.Articles;
using Notifications.Localization;
using Notifications.Topics;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// Warnings in the editor's language: every code has a message and a hint in English, Russian and French
/// (<c>checks.&lt;lang&gt;.json</c>), every value the texts name is one the warning carries, and English reads as the warning's
/// own <see cref="ArticleWarning.Message"/> (what logs and the CLI print).
/// </summary>
public sealed partial class ArticleWarningTextTests
{
    private static readonly IOptions<TopicOptions> Topics = Options.Create(new TopicOptions());
    private static readonly ArticleParser Parser = new(new HtmlArticleReader(), new TopicClassifier(Topics), new TopicCatalog(Topics.Value.Topics),
        Options.Create(new ArticleOptions()));

    /// <summary>At least one real warning of every code, made by the parser and the checks as they make them.</summary>
    private static List<ArticleWarning> OneOfEach()
    {
        var parsed = Parser.Parse("a.md", Encoding.UTF8.GetBytes("---\ntitle: T\ntopics: [e-commerce, nope]\nauthor: X\nsession:\n  room: 4\n---\nBody.\n"));
        var fromText = Parser.Parse("b.md", Encoding.UTF8.GetBytes("---\ntitle: T\ntopics: [nope]\n---\nBody.\n"));
        var article = new Article(new string('T', 100), new string('T', 100), "en", ["a", "b", "c", "d"], null, null, "", ArticleFormat.Markdown,
            SessionInfo.None with { EndDate = new(2020, 1, 1) });
        var checks = new ArticleChecks(new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero)), Options.Create(new ArticleOptions()))
            .Check(article, new ArticleCheckFacts(["en", "ru", "fr"], ["en"]));
        var old = Parser.Parse("c.md", Encoding.UTF8.GetBytes("---\ntitle: T\nsession:\n  end: 2020-01-01\n---\nBody.\n"));
        var record = new IndexedArticle("c.md", ArticleStatus.Accepted, old.Title, old.Summary, old.Language, old.Topics, null, null, "h",
            new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), null, new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
        var notNews = NewsWindowRule.Apply(record, old, new ArticleOptions().NewsWindow).WarningList;
        return [.. parsed.Warnings!, .. fromText.Warnings!, .. notNews, .. checks];
    }

    [Fact]
    public void EveryWarningCodeHasAMessageAndAHintInEveryLanguage()
    {
        var missing = (
            from code in ArticleWarningCodes.All
            from language in Translations.Languages
            from part in new[] { "message", "hint" }
            let key = $"{ArticleWarningText.Group}.{code}.{part}"
            where !Translations.For(language).TryGet(key, out var text) || string.IsNullOrWhiteSpace(text)
            select $"checks.{language}.json: {key}").ToList();

        Assert.True(missing.Count == 0, "Missing texts:\n" + string.Join("\n", missing));
        Assert.All(ArticleWarningCodes.All, code => Assert.True(ArticleWarningText.HasTexts(code), code));
    }

    [Fact]
    public void ThereIsAWarningOfEveryCodeAndOnlyOfTheKnownCodes()
    {
        var made = OneOfEach().Select(w => w.Code).ToHashSet();
        Assert.Equal(ArticleWarningCodes.All.Order(), made.Order());
        // Every text in the section belongs to a known code (no leftovers from a renamed one).
        var codes = Translations.For("en").Section(ArticleWarningText.Group).Keys.Select(k => k[..k.IndexOf('.')]).ToHashSet();
        Assert.Equal(ArticleWarningCodes.All.Order(), codes.Order());
    }

    [Fact]
    public void InEveryLanguageEachPlaceholderIsFilledFromTheWarning()
    {
        var problems = (
            from warning in OneOfEach()
            from language in Translations.Languages
            let text = ArticleWarningText.For(warning, language)
            from part in new[] { text.Message, text.Hint }
            where Placeholder().IsMatch(part)
            select $"{language}: {warning.Code}: {part}").ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void InEnglishTheTextsAreTheWarningsOwnMessageAndHint()
        => Assert.All(OneOfEach(), w => Assert.Equal((w.Message, w.Hint), ArticleWarningText.For(w, "en")));

    [Fact]
    public void RussianAndFrenchNameTheSameValues()
    {
        var warning = new ArticleChecks(new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero)), Options.Create(new ArticleOptions()))
            .Check(new Article(new string('T', 100), "S", "en", [], DateTimeOffset.UnixEpoch, "https://x.example/", "", ArticleFormat.Markdown,
                SessionInfo.None), new ArticleCheckFacts(["en"], ["en"])).Single();

        var (ru, ruHint) = ArticleWarningText.For(warning, "ru");
        var (fr, _) = ArticleWarningText.For(warning, "fr");

        Assert.Equal("Длина заголовка — 100 зн., а в теме письма и в списке входящих видно около 78 зн.: конец заголовка будет обрезан.", ru);
        Assert.Contains("78 зн.", ruHint);
        Assert.Equal("Le titre compte 100 caractères\u00A0; l’objet d’un courriel et la liste de la boîte de réception en affichent environ 78, " +
            "la fin sera donc coupée.", fr);
    }

    [Fact]
    public void TheUnknownTopicThatSentTheClassifierToTheTextSaysSoInEveryLanguage()
    {
        var warning = Parser.Parse("b.md", Encoding.UTF8.GetBytes("---\ntitle: T\ntopics: [nope]\n---\nBody.\n")).Warnings!.Single();

        Assert.Contains("the topics were found in the text instead", ArticleWarningText.For(warning, "en").Message);
        Assert.Contains("темы определены по тексту статьи", ArticleWarningText.For(warning, "ru").Message);
        Assert.Contains("les thèmes ont été déduits du texte", ArticleWarningText.For(warning, "fr").Message);
        Assert.StartsWith("Тема «nope» неизвестна", ArticleWarningText.For(warning, "ru").Message);
    }

    [Fact]
    public void AValueThatLooksLikeAPlaceholderIsShownAsIs()
    {
        var warning = Parser.Parse("c.md", Encoding.UTF8.GetBytes("---\ntitle: T\ntopics: [e-commerce, '{known}']\n---\nBody.\n")).Warnings!.Single();
        Assert.StartsWith("Тема «{known}» неизвестна", ArticleWarningText.For(warning, "ru").Message);
    }

    [Fact]
    public void ACodeWithoutTextsKeepsItsEnglishWordsAndAnUnknownLanguageIsEnglish()
    {
        var other = new ArticleWarning("made-elsewhere", "Something else.", 3, "Do this.");
        Assert.Equal(("Something else.", "Do this."), ArticleWarningText.For(other, "ru"));
        Assert.False(ArticleWarningText.HasTexts("made-elsewhere"));
        var known = OneOfEach()[0];
        Assert.Equal(ArticleWarningText.For(known, "en"), ArticleWarningText.For(known, "de"));
    }

    [Fact]
    public void AWarningReadBackWithItsValuesEqualsTheOneWritten()
    {
        var written = OneOfEach();
        var json = JsonSerializer.Serialize(written, Json);
        var read = JsonSerializer.Deserialize<List<ArticleWarning>>(json, Json)!;

        Assert.Equal(written, read);
        Assert.NotEqual(written[0], written[0] with { Args = new Dictionary<string, string> { ["topic"] = "other" } });
        // Warnings stored before they carried values still read, and show their English words.
        var old = JsonSerializer.Deserialize<ArticleWarning>("""{"code":"unknown-topic","message":"m","line":3,"hint":"h"}""", Json)!;
        Assert.Null(old.Args);
        Assert.Equal(("m", "h"), ArticleWarningText.For(old, "fr"));
    }

    /// <summary>As the article index stores warnings.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void TopicsAndLanguagesAreNamedInTheReadersLanguage()
    {
        var topics = new ArticleWarning(ArticleWarningCodes.ManyTopics, "", null, "",
            new Dictionary<string, string> { ["count"] = "4", ["topics"] = "data model, e-commerce, green customs, disaster relief", ["max"] = "3" });
        var languages = new ArticleWarning(ArticleWarningCodes.MissingTranslations, "", null, "",
            new Dictionary<string, string> { ["languages"] = "ru, fr", ["language"] = "en" });

        Assert.Contains("Модель данных, Электронная торговля, «Зелёная» таможня", ArticleWarningText.For(topics, "ru").Message, StringComparison.Ordinal);
        Assert.Contains("(русский, французский)", ArticleWarningText.For(languages, "ru").Message, StringComparison.Ordinal);
        Assert.Contains("«английский»", ArticleWarningText.For(languages, "ru").Message, StringComparison.Ordinal);
        Assert.Contains("(russe, français)", ArticleWarningText.For(languages, "fr").Message, StringComparison.Ordinal);
        Assert.DoesNotContain("data model", ArticleWarningText.For(topics, "fr").Message, StringComparison.Ordinal);
    }
}
