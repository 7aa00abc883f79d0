using System.Globalization;
using System.Text;

namespace Notifications.Topics;

/// <summary>
/// The one topic table: the known topics (the keys of the <c>Articles:Topics</c> keyword map, lower-cased) and every name
/// that means one of them. Front matter, CSV, the admin API, the subscription pages and the CLI all store what
/// <see cref="Resolve"/> returns, so "data-model", "Data_Model", "Модель данных", "modele de donnees" and "data model" are
/// one topic. A topic is named by its key, its name in English, Russian and French (<see cref="TopicNames"/>), and the
/// abbreviations (keywords in capitals, like NII) of its keywords. Names compare with case, accents (and ё/е), spaces,
/// hyphens, underscores and punctuation ignored. Two topics sharing a name is a configuration error found at startup
/// (<see cref="TopicCatalogValidator"/>).
/// </summary>
public sealed class TopicCatalog
{
    private readonly Dictionary<string, string> _byName;

    public TopicCatalog(IReadOnlyDictionary<string, string[]>? keywordMap)
    {
        // A name two topics share keeps its first topic here; the host does not start with such a table (TopicCatalogValidator).
        var (keys, byName, _) = Build(keywordMap);
        Keys = keys;
        _byName = byName;
    }

    /// <summary>The known topics, as stored: lower-cased keys of the keyword map, in its order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The topic a name means, as its key; null when the name is no known topic.</summary>
    public string? Resolve(string? name)
        => name is not null && _byName.TryGetValue(Normalize(name), out var key) ? key : null;

    /// <summary>The topic's name in a language (en, ru, fr); a topic without translations shows as its key.</summary>
    public static string Label(string key, string language) => TopicNames.Label(key, language);

    /// <summary>"Data model, E-commerce, ...": the known topics by their names in a language, alphabetically, for messages.</summary>
    public string Names(string language = "en")
        => string.Join(", ", Keys.Select(k => Label(k, language)).Order(StringComparer.Create(CultureInfo.GetCultureInfo(language), ignoreCase: true)));

    /// <summary>The configuration problems that make names ambiguous: two topics that share a name. Empty when there are none.</summary>
    public static IReadOnlyList<string> Conflicts(IReadOnlyDictionary<string, string[]>? keywordMap) => Build(keywordMap).Conflicts;

    /// <summary>
    /// What names compare as: decomposed (NFKD) without accents, so "é" is "e" and "ё" is "е"; lower case; every run of
    /// anything but letters and digits (spaces, hyphens, underscores, punctuation) one space; trimmed.
    /// </summary>
    public static string Normalize(string name)
    {
        var text = name.Normalize(NormalizationForm.FormKD);
        var result = new StringBuilder(text.Length);
        var gap = false;
        foreach (var c in text)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark:
                    continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                if (gap && result.Length > 0) result.Append(' ');
                gap = false;
                result.Append(char.ToLowerInvariant(c));
            }
            else
                gap = true;
        }
        return result.ToString();
    }

    private static (IReadOnlyList<string> Keys, Dictionary<string, string> ByName, List<string> Conflicts) Build(
        IReadOnlyDictionary<string, string[]>? keywordMap)
    {
        var keys = new List<string>();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var conflicts = new List<string>();
        foreach (var (rawKey, keywords) in keywordMap ?? new Dictionary<string, string[]>())
        {
            var key = rawKey?.Trim().ToLowerInvariant() ?? "";
            if (key.Length == 0 || keys.Contains(key))
                continue;
            keys.Add(key);
            var names = new[] { key }.Concat(TopicNames.All(key)).Concat((keywords ?? []).Where(k => k is not null && IsAbbreviation(k.Trim())));
            foreach (var name in names)
            {
                var normalized = Normalize(name);
                if (normalized.Length == 0)
                    continue;
                if (!byName.TryAdd(normalized, key) && byName[normalized] != key)
                    conflicts.Add($"Articles:Topics: '{name.Trim()}' names both '{byName[normalized]}' and '{key}'; rename one topic or remove the " +
                        $"keyword, so that every name means one topic.");
            }
        }
        return (keys, byName, conflicts);
    }

    /// <summary>A keyword written entirely in capitals ("NII", "TFA"): an abbreviation, so a name of its topic.</summary>
    private static bool IsAbbreviation(string keyword)
        => keyword.Any(char.IsLetter) && keyword.Where(char.IsLetter).All(char.IsUpper);
}
