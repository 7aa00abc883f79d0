using System.Text.RegularExpressions;
using Notifications.Localization;

namespace Notifications.Core.Tests.Localization;

/// <summary>
/// The language files (src/Notifications.Core/Localization/*.json): every text a person reads, in every language.
/// </summary>
public sealed partial class TranslationsTests
{
    [Fact]
    public void EveryKeyIsInEveryLanguageWithAText()
    {
        var all = Translations.Languages.SelectMany(l => Translations.For(l).Texts.Keys).ToHashSet(StringComparer.Ordinal);
        var problems = (
            from language in Translations.Languages
            let texts = Translations.For(language).Texts
            from key in all.Order(StringComparer.Ordinal)
            where !texts.TryGetValue(key, out var text) || string.IsNullOrWhiteSpace(text)
            select $"{language}.json: {key} is {(texts.ContainsKey(key) ? "empty" : "missing")}").ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(all.Count > 150, $"Only {all.Count} keys: are the files read?");
    }

    [Fact]
    public void EveryLanguageFileIsALanguageWeServeAndEveryLanguageHasItsOwnFile()
    {
        const string prefix = "Notifications.Localization.";
        var files = typeof(Translations).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => n[prefix.Length..^".json".Length])
            .ToList();
        // The main file of each language is "<language>.json"; an area's file is "<area>.<language>.json", one per language.
        Assert.Equal(Translations.Languages.Order(StringComparer.Ordinal), files.Where(f => !f.Contains('.')).Order(StringComparer.Ordinal));
        foreach (var area in files.Where(f => f.Contains('.')).GroupBy(f => f[..f.LastIndexOf('.')]))
            Assert.Equal(Translations.Languages.Order(StringComparer.Ordinal), area.Select(f => f[(f.LastIndexOf('.') + 1)..]).Order(StringComparer.Ordinal));
        Assert.All(Translations.Languages, l => Assert.Equal(l, Translations.For(l).Language));
        Assert.Equal("en", Translations.For("de").Language);
        Assert.Null(Translations.Find("RU"));
    }

    /// <summary>A translation may leave out a value the English text names (Russian names no organisation), never invent one.</summary>
    [Fact]
    public void TranslationsUseOnlyThePlaceholdersOfTheEnglishText()
    {
        var english = Translations.For("en").Texts;
        var problems = (
            from language in Translations.Languages
            from text in Translations.For(language).Texts
            from placeholder in Placeholder().Matches(text.Value).Select(m => m.Value)
            where english.TryGetValue(text.Key, out var en) && !en.Contains(placeholder, StringComparison.Ordinal)
            select $"{language}.json: {text.Key} has {placeholder}, which the English text does not").ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// French puts a no-break space before : ; ? ! so they never start a line. The confirmation mail has always had ordinary
    /// spaces there, and stays as it is.
    /// </summary>
    [Fact]
    public void FrenchPutsANoBreakSpaceBeforeHighPunctuation()
    {
        var problems = Translations.For("fr").Texts
            .Where(t => !t.Key.StartsWith("confirmation_mail.", StringComparison.Ordinal) && OrdinarySpaceBeforePunctuation().IsMatch(t.Value))
            .Select(t => $"fr.json: {t.Key}: \"{t.Value}\"").ToList();

        Assert.True(problems.Count == 0, "Write \\u00A0 before : ; ? ! in:\n" + string.Join("\n", problems));
    }

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@" [:;?!]")]
    private static partial Regex OrdinarySpaceBeforePunctuation();
}
