using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Notifications.Localization;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Notifications.Templates;

/// <summary>
/// The templates' <c>text</c> function: <c>{{ text "confirmation_mail.greeting" }}</c> writes that text of the language files
/// (<see cref="Translations"/>) in the language of the template's <c>lang</c> variable (English for one we do not have), and
/// <c>{{ text "confirmation_mail.link_valid" days }}</c> its plural form for the count. A <c>{name}</c> in the text is the
/// template's variable of that name. In an HTML template the text's own words go out as written (only &amp;, &lt; and &gt;
/// escaped), the variables' values escaped like any value, <c>**bold**</c> as &lt;strong&gt; and <c>`code`</c> as &lt;code&gt;;
/// in a plain-text template the markers are dropped.
/// </summary>
internal sealed partial class TextFunction : IScriptCustomFunction
{
    public const string Name = "text";

    public static readonly TextFunction Instance = new();

    public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement)
    {
        var span = callerContext?.Span ?? default;
        if (arguments.Count is < 1 or > 2 || arguments[0] is not string key)
            throw new ScriptRuntimeException(span, "text takes a key, and for a plural a count: text \"confirmation_mail.link_valid\" days");
        var translation = Translations.For(context.ObjectToString(context.GetValue(new ScriptVariableGlobal("lang"))));
        string words;
        try
        {
            words = arguments.Count == 2 && arguments[1] is { } count
                ? translation.Plural(key, Convert.ToInt32(count, CultureInfo.InvariantCulture))
                : translation[key];
        }
        catch (KeyNotFoundException e)
        {
            throw new ScriptRuntimeException(span, e.Message);
        }

        var html = context is HtmlEscapingTemplateContext;
        if (html)
            words = words.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                .Replace(">", "&gt;", StringComparison.Ordinal);
        words = Bold().Replace(words, html ? "<strong>$1</strong>" : "$1");
        words = Code().Replace(words, html ? "<code>$1</code>" : "$1");
        words = Placeholder().Replace(words, m =>
        {
            var value = context.GetValue(new ScriptVariableGlobal(m.Groups[1].Value));
            if (html && value is RawHtml raw) return raw.Value;
            var text = context.ObjectToString(value) ?? "";
            return html ? WebUtility.HtmlEncode(text) : text;
        });
        return html ? new RawHtml(words) : words;
    }

    public ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement)
        => ValueTask.FromResult(Invoke(context, callerContext, arguments, blockStatement));

    public int RequiredParameterCount => 1;
    public int ParameterCount => 2;
    public ScriptVarParamKind VarParamKind => ScriptVarParamKind.None;
    public Type ReturnType => typeof(object);
    public ScriptParameterInfo GetParameterInfo(int index)
        => index == 0 ? new ScriptParameterInfo(typeof(string), "key") : new ScriptParameterInfo(typeof(object), "count");

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Placeholder();
}
