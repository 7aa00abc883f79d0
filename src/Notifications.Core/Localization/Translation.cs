using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Notifications.Localization;

/// <summary>One language's texts (<see cref="Translations.For"/>), by dotted key.</summary>
public sealed class Translation
{
    private readonly IReadOnlyDictionary<string, string> _texts;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _sections = new(StringComparer.Ordinal);

    internal Translation(string language, IReadOnlyDictionary<string, string> texts)
    {
        Language = language;
        _texts = texts;
    }

    /// <summary>"en", "ru", "fr".</summary>
    public string Language { get; }

    /// <summary>Every text, by dotted key, in the file's order.</summary>
    public IReadOnlyDictionary<string, string> Texts => _texts;

    /// <summary>The text of a key; a key that is not in the file is a mistake in the code, and throws.</summary>
    public string this[string key]
        => _texts.TryGetValue(key, out var text) ? text : throw new KeyNotFoundException($"There is no text '{key}' in {Language}.json.");

    public bool TryGet(string key, [MaybeNullWhen(false)] out string text) => _texts.TryGetValue(key, out text);

    /// <summary>The texts under one group (<c>pages</c>), keyed without the group's name (<c>skip</c>, not <c>pages.skip</c>).</summary>
    public IReadOnlyDictionary<string, string> Section(string name)
        => _sections.GetOrAdd(name, n => _texts
            .Where(t => t.Key.StartsWith(n + ".", StringComparison.Ordinal))
            .ToDictionary(t => t.Key[(n.Length + 1)..], t => t.Value, StringComparer.Ordinal));

    /// <summary>The plural form of <paramref name="key"/> for a count: <c>key.one</c>, <c>key.few</c>, ... by this language's rule.</summary>
    public string Plural(string key, int count) => this[key + "." + PluralRules.Name(PluralRules.Cardinal(Language, count))];

    /// <summary>The ordinal form of <paramref name="key"/> for a number: <c>key.one</c> (1st), <c>key.two</c> (2nd), ...</summary>
    public string Ordinal(string key, int number) => this[key + "." + PluralRules.Name(PluralRules.Ordinal(Language, number))];
}
