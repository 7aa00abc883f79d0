using System.Text.RegularExpressions;
using Notifications.Localization;

namespace Notifications.Core.Tests.Localization;

/// <summary>
/// The organisation's terms (Localization/glossary.*.json): every text of every language file uses them where the English
/// text names the thing, never a variant to avoid, and they agree with the organisation's own list (../shared/domain/glossary.md).
/// </summary>
public sealed partial class GlossaryTests
{
    private static readonly string[] Others = ["ru", "fr"];

    /// <summary>
    /// Where the English text of a key names a term ("digest", "WCO", "Time Release Study"), the Russian and French texts name
    /// it with the glossary's word («обзор», «ВТамО», «Исследование времени выпуска товаров»; «synthèse», «OMD»), in any case.
    /// Participation words (online, in person, hybrid) are phrased freely and not checked.
    /// </summary>
    [Fact]
    public void EveryTextNamesATermWithTheGlossaryWordWhereTheEnglishTextNamesIt()
    {
        var english = Translations.For("en").Texts;
        var terms = Glossary.Keys.Where(k => k is not ("in_person" or "online" or "hybrid")).ToList();
        var problems = (
            from text in english
            where !text.Key.StartsWith("glossary.", StringComparison.Ordinal)
            let en = Prose(text.Value)
            from term in terms
            where Glossary.Mentions(en, term, "en")
            from language in Others
            let translated = Translations.For(language).Texts.GetValueOrDefault(text.Key, "")
            where !Glossary.Mentions(Prose(translated), term, language) && !Covered(term, en, translated, language)
            select $"{language}: {text.Key} names '{Glossary.Term(term, "en")}' in English but not «{Glossary.Term(term, language)}»: \"{translated}\"")
            .ToList();

        Assert.True(problems.Count == 0, problems.Count + " texts miss a glossary term:\n" + string.Join("\n", problems));
    }

    /// <summary>No text uses a variant the glossary says to avoid («дайджест», "condensé", «Изучение времени выпуска», ...).</summary>
    [Fact]
    public void NoTextUsesAVariantTheGlossaryAvoids()
    {
        var problems = (
            from language in Translations.Languages
            from text in Translations.For(language).Texts
            where !text.Key.StartsWith("glossary.", StringComparison.Ordinal)
            let prose = Prose(text.Value)
            from term in Glossary.AvoidKeys
            from variant in Glossary.Avoid(term, language)
            where prose.Contains(variant, StringComparison.OrdinalIgnoreCase)
            select $"{language}: {text.Key} says '{variant}' for «{Glossary.Term(term, language)}»: \"{text.Value}\"").ToList();

        Assert.True(problems.Count == 0, problems.Count + " texts use a variant to avoid:\n" + string.Join("\n", problems));
    }

    [Theory]
    [InlineData("Брюсселе", "cities.brussels")]
    [InlineData("Bruxelles", "cities.brussels")]
    [InlineData("Brussels", "cities.brussels")]
    [InlineData("Ташкенте", "cities.tashkent")]
    [InlineData("Баку", "cities.baku")]
    [InlineData("ВТамО", "wco_abbreviation")]
    [InlineData("OMD", "wco_abbreviation")]
    [InlineData("Всемирной таможенной организации", "wco")]
    [InlineData("Всемирной таможенной организации (ВТамО)", "wco")]
    [InlineData("World Customs Organisation", "wco")]
    [InlineData("Organisation mondiale des douanes", "wco")]
    [InlineData("Постоянного технического комитета", "ptc")]
    [InlineData("ПТК", "ptc_abbreviation")]
    [InlineData("CTP", "ptc_abbreviation")]
    [InlineData("Политической комиссии", "policy_commission")]
    [InlineData("Commission de politique générale", "policy_commission")]
    [InlineData("Исследования времени выпуска товаров", "trs")]
    public void ATermWrittenInAnyLanguageOrCaseHasItsKey(string written, string key)
        => Assert.Equal(key, Glossary.KeyOf(written));

    [Theory]
    [InlineData("Geneva")]
    [InlineData("Женеве")]
    [InlineData("Всемирной")]
    [InlineData("Permanent Committee")]
    [InlineData("")]
    public void ATextThatIsNoTermHasNoKeyAndStaysAsWritten(string written)
    {
        Assert.Null(Glossary.KeyOf(written));
        Assert.Equal(written, Glossary.Localize(written, "ru"));
    }

    [Theory]
    [InlineData("Брюсселе", "en", "Brussels")]
    [InlineData("Brussels", "ru", "Брюссель")]
    [InlineData("Brussels", "fr", "Bruxelles")]
    [InlineData("Tashkent", "fr", "Tachkent")]
    [InlineData("WCO", "ru", "ВТамО")]
    [InlineData("ВТамО", "fr", "OMD")]
    [InlineData("PTC", "ru", "ПТК")]
    [InlineData("Постоянного технического комитета", "fr", "Comité technique permanent")]
    public void ATermIsShownInTheReadersLanguage(string written, string language, string expected)
        => Assert.Equal(expected, Glossary.Localize(written, language));

    /// <summary>
    /// Each row of the organisation's list (../shared/domain/glossary.md, "English | Russian | French") whose English cell is
    /// one of our terms gives the same Russian and French words as ours. Skipped where the file is not there.
    /// </summary>
    [Fact]
    public void TheProjectGlossaryAgreesWithTheOrganisationsList()
    {
        var path = SharedGlossary();
        if (path is null)
        {
            Assert.Skip("../shared/domain/glossary.md is not on this machine: nothing to compare.");
            return;
        }
        var rows = File.ReadAllLines(path)
            .Select(l => l.Trim())
            .Where(l => l.StartsWith('|') && !l.StartsWith("|---", StringComparison.Ordinal))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c.Length >= 3 && c[0] != "English")
            .ToList();
        var compared = 0;
        var problems = new List<string>();
        foreach (var row in rows)
        {
            var english = Split(row[0]);
            var russian = Split(row[1]);
            var french = Split(row[2]);
            for (var i = 0; i < english.Count; i++)
            {
                var key = Glossary.Keys.FirstOrDefault(k => Same(Glossary.Term(k, "en"), english[i]));
                if (key is null)
                    continue;
                compared++;
                foreach (var (language, cells) in new[] { ("ru", russian), ("fr", french) })
                {
                    var expected = i < cells.Count ? cells[i] : cells[^1];
                    if (!Same(Glossary.Term(key, language), expected))
                        problems.Add($"glossary.{language}.json: {key} is \"{Glossary.Term(key, language)}\"; the organisation writes \"{expected}\"");
                }
            }
        }
        Assert.True(compared >= 15, $"Only {compared} terms compared: is {path} read?");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// "Всемирная таможенная организация (ВТамО)" → the name and the abbreviation; "Brussels / Tashkent / Baku" → three;
    /// "(check)" and "(one word throughout)" notes dropped; "session (239th/240th sessions)" → "session".
    /// </summary>
    private static List<string> Split(string cell)
    {
        var parts = new List<string>();
        foreach (var part in cell.Split(" / ", StringSplitOptions.TrimEntries))
        {
            var m = NameAndAbbreviation().Match(part);
            if (!m.Success)
                continue;
            parts.Add(m.Groups["name"].Value.Trim());
            if (m.Groups["abbr"].Success && m.Groups["abbr"].Value.All(c => char.IsUpper(c) || c is 'а' or 'м' or 'о'))
                parts.Add(m.Groups["abbr"].Value);
        }
        return parts;
    }

    private static bool Same(string a, string b)
        => string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    private static string Normalize(string s) => s.Replace('’', '\'').Replace("«", "").Replace("»", "").Trim().ToLowerInvariant();

    private static string? SharedGlossary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "domain", "glossary.md");
            if (File.Exists(candidate))
                return candidate;
            candidate = Path.Combine(dir.FullName, "..", "shared", "domain", "glossary.md");
            if (File.Exists(candidate))
                return Path.GetFullPath(candidate);
        }
        return null;
    }

    /// <summary>
    /// A text without what is code rather than words: template tags, `code`, file names and paths ("digest-<name>.html.sbn",
    /// docs/digest-templates.md), placeholders, setting names, front matter ("topics: [e-commerce, data model]") and short
    /// names ("ptc-243", "data-model").
    /// </summary>
    private static string Prose(string text) => Code().Replace(text, " ");

    /// <summary>
    /// Where a text may name the thing another way: the abbreviation's full name or the full name's abbreviation
    /// ("WCO" in English, «Всемирная таможенная организация» in Russian).
    /// </summary>
    private static bool Covered(string term, string english, string translated, string language)
    {
        var partner = term.EndsWith("_abbreviation", StringComparison.Ordinal) ? term[..^"_abbreviation".Length] : term + "_abbreviation";
        return Glossary.Keys.Contains(partner) && Glossary.Mentions(Prose(translated), partner, language);
    }

    [GeneratedRegex(@"\{\{.*?\}\}|`[^`]*`|\{\w+\}|[\w<>.-]*[/.][\w<>.-]*\.(?:sbn|md|json)\b|\b\w+(?::\w+)+\b|\bdigest-[\w<>.-]+"
        + @"|\btopics:\s*\[[^\]]*\]|\b[a-z]+-(?:\d+|model)\b")]
    private static partial Regex Code();

    [GeneratedRegex(@"^(?<name>[^()]+?)(?:\s*\((?<abbr>[^()]+)\))?$")]
    private static partial Regex NameAndAbbreviation();
}
