using System.Reflection;
using System.Text.Json;

namespace Notifications.Localization;

/// <summary>
/// Every text a person reads (subscriber pages, digests and alerts, the confirmation and rejection mails, topic names), in
/// each language: one JSON file per language (<c>Localization/en.json</c>, <c>ru.json</c>, <c>fr.json</c>), plus one per area
/// that has many texts of its own (<c>console.en.json</c>, …), embedded in this assembly and read once. A key is the path to a
/// text in its file, joined with dots: <c>pages.skip</c>,
/// <c>topics.data model</c>, <c>digest_counts.new_reports.few</c>. Every file has every key (a test checks).
/// </summary>
public static class Translations
{
    /// <summary>The language of a code we do not have.</summary>
    public const string Fallback = "en";

    /// <summary>The languages, in the order the pages list them; each has its file.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "ru", "fr"];

    private static readonly Lazy<IReadOnlyDictionary<string, Translation>> All = new(Load);

    /// <summary>The texts of exactly this code ("ru"; not "RU" or "ru-KZ"), or null when there is no such file.</summary>
    public static Translation? Find(string? language)
        => language is not null && All.Value.TryGetValue(language, out var translation) ? translation : null;

    /// <summary>The texts of exactly this code; English for any other.</summary>
    public static Translation For(string? language) => Find(language) ?? All.Value[Fallback];

    private static Dictionary<string, Translation> Load()
        => Languages.ToDictionary(l => l, l => new Translation(l, Read(l)), StringComparer.Ordinal);

    /// <summary>
    /// One language's texts, flattened to dotted keys in the files' order: <c>{language}.json</c> first, then each area's file
    /// (<c>console.{language}.json</c>, …) in name order. A key in two files is an error.
    /// </summary>
    private static Dictionary<string, string> Read(string language)
    {
        var main = $"Notifications.Localization.{language}.json";
        var assembly = Assembly.GetExecutingAssembly();
        var areas = assembly.GetManifestResourceNames()
            .Where(n => n != main && n.StartsWith("Notifications.Localization.", StringComparison.Ordinal)
                && n.EndsWith($".{language}.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in areas.Prepend(main))
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"There is no embedded {name}: every language in Translations.Languages needs its file.");
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            Flatten(document.RootElement, "", texts, name["Notifications.Localization.".Length..]);
        }
        return texts;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> texts, string file)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{file}: '{prefix.TrimEnd('.')}' must hold texts (strings) or groups of them (objects).");
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix + property.Name;
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                if (!texts.TryAdd(key, property.Value.GetString()!))
                    throw new InvalidDataException($"{file}: '{key}' is there twice (in this file or an earlier one of the language).");
            }
            else
                Flatten(property.Value, key + ".", texts, file);
        }
    }
}
