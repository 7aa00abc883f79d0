using System.Text.RegularExpressions;
using Notifications.Localization;

namespace Notifications.Articles;

/// <summary>
/// An <see cref="ArticleWarning"/> in the reader's language (the desk shows warnings in the editor's language): the texts of
/// <c>article_warnings.&lt;code&gt;.message</c> and <c>.hint</c> in <c>checks.&lt;lang&gt;.json</c>, with each <c>{name}</c>
/// filled from <see cref="ArticleWarning.Args"/>. An argument <c>variant</c> picks <c>message_&lt;variant&gt;</c> instead of
/// <c>message</c> (the unknown topic that sent the classifier to the text). A code without texts (one made by older code, or
/// stored by an earlier version, without the values its texts name) keeps its English message and hint.
/// </summary>
public static partial class ArticleWarningText
{
    /// <summary>The section of the language files that holds the warnings' texts.</summary>
    public const string Group = "article_warnings";

    /// <summary>Argument that chooses the message's variant.</summary>
    public const string Variant = "variant";

    /// <summary>The warning's message and hint in <paramref name="language"/> (English for a language we do not have).</summary>
    public static (string Message, string Hint) For(ArticleWarning warning, string? language)
    {
        ArgumentNullException.ThrowIfNull(warning);
        var t = Translations.For(language);
        var prefix = $"{Group}.{warning.Code}.";
        var messageKey = warning.Args is { } a && a.TryGetValue(Variant, out var variant) ? $"message_{variant}" : "message";
        if (!t.TryGet(prefix + messageKey, out var message) || !t.TryGet(prefix + "hint", out var hint)
            || !Fillable(message, warning.Args) || !Fillable(hint, warning.Args))
            return (warning.Message, warning.Hint);
        return (Fill(message, warning.Args, t.Language), Fill(hint, warning.Args, t.Language));
    }

    /// <summary>
    /// A value as the reader reads it: the topics (<c>topics</c>: keys, comma-separated) by their names, and the languages
    /// (<c>languages</c>, <c>language</c>: codes) by their names in <paramref name="language"/>; any other value as it is.
    /// </summary>
    public static string Names(string name, string value, string language)
    {
        var prefix = name switch
        {
            "topics" => "topics.",
            "languages" or "language" => "language_names.",
            _ => null,
        };
        if (prefix is null) return value;
        var t = Translations.For(language);
        return string.Join(", ", value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(v => t.TryGet(prefix + v, out var named) ? named : v));
    }

    /// <summary>True when every language has a message and a hint for <paramref name="code"/>.</summary>
    public static bool HasTexts(string code)
        => Translations.Languages.All(l => Translations.For(l).TryGet($"{Group}.{code}.message", out _)
            && Translations.For(l).TryGet($"{Group}.{code}.hint", out _));

    /// <summary>Every value the text names is in <paramref name="args"/> (a warning stored before warnings carried values has none).</summary>
    private static bool Fillable(string text, IReadOnlyDictionary<string, string>? args)
        => Placeholder().Matches(text).All(m => args is not null && args.ContainsKey(m.Groups[1].Value));

    /// <summary>In one pass, so a value that looks like a placeholder (a topic typed as "{max}") stays as it is.</summary>
    private static string Fill(string text, IReadOnlyDictionary<string, string>? args, string language)
        => args is null
            ? text
            : Placeholder().Replace(text, m => args.TryGetValue(m.Groups[1].Value, out var value) ? Names(m.Groups[1].Value, value, language) : m.Value);

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Placeholder();
}
