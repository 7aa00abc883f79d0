using System.Net;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Notifications.Templates;

/// <summary>Markup that a template may write unescaped. Only code creates it, never template data.</summary>
public sealed record RawHtml(string Value)
{
    public override string ToString() => Value;
}

/// <summary>
/// A Scriban context for HTML: every value a template writes is HTML-encoded unless it is <see cref="RawHtml"/>.
/// The template's own literal text is not touched. Strict variables (and members) and loop/recursion limits are always on.
/// <para>
/// Includes: Scriban's <c>include</c> renders the partial into a nested output (where the partial's own values are
/// escaped by <see cref="Write"/>) and returns the result as a string, which the caller's statement then writes through
/// <see cref="Write"/> again, which would escape the partial's markup. So this context replaces <c>include</c> with one that
/// returns the partial's output as <see cref="RawHtml"/>: escaping applies once, to values, wherever they are written.
/// The output of an include assigned to a variable and piped through a function becomes a plain string again, and is escaped.
/// </para>
/// </summary>
public sealed class HtmlEscapingTemplateContext : TemplateContext
{
    public HtmlEscapingTemplateContext()
    {
        ApplyLimits(this);
        if (BuiltinObject["include"] is IScriptCustomFunction include)
            BuiltinObject.SetValue("include", new RawIncludeFunction(include), readOnly: true);
    }

    public override TemplateContext Write(SourceSpan span, object? textAsObject)
        => textAsObject is RawHtml raw
            ? base.Write(span, raw.Value)
            : base.Write(span, WebUtility.HtmlEncode(ObjectToString(textAsObject)));

    /// <summary>The longest text a rendering writes: 4 Mi characters.</summary>
    public const int MaxOutputCharacters = 4 * 1024 * 1024;

    /// <summary>The limits every rendering context gets, HTML or not.</summary>
    public static TemplateContext ApplyLimits(TemplateContext context)
    {
        context.StrictVariables = true;
        // A misspelt member (article.titel) fails like a misspelt variable, instead of rendering as nothing.
        context.EnableRelaxedMemberAccess = false;
        context.LoopLimit = 10_000;
        context.RecursiveLimit = 20;
        context.ObjectRecursionLimit = 20;
        // Scriban cuts any string longer than this, the whole rendered page included, and ends it with "...". A console page shows
        // an article (at most Articles:MaxBytes, 1 MiB by default) in its form field and again in its preview: room for that.
        context.LimitToString = MaxOutputCharacters;
        return context;
    }

    /// <summary>Scriban's include, whose result (markup already escaped inside the partial) is marked as not to be escaped again.</summary>
    private sealed class RawIncludeFunction(IScriptCustomFunction include) : IScriptCustomFunction
    {
        public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement)
            => include.Invoke(context, callerContext, arguments, blockStatement) is { } result ? new RawHtml(context.ObjectToString(result) ?? "") : null;

        public ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement)
            => ValueTask.FromResult(Invoke(context, callerContext, arguments, blockStatement));

        public int RequiredParameterCount => include.RequiredParameterCount;
        public int ParameterCount => include.ParameterCount;
        public ScriptVarParamKind VarParamKind => include.VarParamKind;
        public Type ReturnType => typeof(object);
        public ScriptParameterInfo GetParameterInfo(int index) => include.GetParameterInfo(index);
    }
}
