using Notifications.Localization;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The subscriber pages' words in en, ru and fr: the <c>pages.*</c> texts of the language files (<see cref="Translations"/>),
/// keyed without the <c>pages.</c> (the page templates' <c>t.skip</c>). A language we do not have reads English.
/// </summary>
public static class PageWords
{
    /// <summary>Each language's own name, for the language lists: "English", "Русский", "Français".</summary>
    public static readonly IReadOnlyDictionary<string, string> LanguageNames
        = Translations.Languages.ToDictionary(l => l, l => Translations.For(l)["language.name"]);

    public static string TopicLabel(string lang, string topic)
        => TopicNames.Label(topic, lang);

    public static IReadOnlyDictionary<string, string> For(string lang) => Texts.TryGetValue(lang, out var t) ? t : Texts[Translations.Fallback];

    public static ScriptObject ObjectFor(string lang)
    {
        var o = new ScriptObject();
        foreach (var (key, value) in For(lang)) o[key] = value;
        return o;
    }

    /// <summary>Every page's words, by language; every language has every key (a test checks the language files).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Texts
        = Translations.Languages.ToDictionary(l => l, l => Translations.For(l).Section("pages"));
}
