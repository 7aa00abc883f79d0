using System.Net;
using Scriban;
using Scriban.Parsing;

namespace Notifications.Templates;

/// <summary>Markup that a template may write unescaped. Only code creates it, never template data.</summary>
public sealed record RawHtml(string Value)
{
    public override string ToString() => Value;
}

/// <summary>
/// A Scriban context for HTML: every value a template writes is HTML-encoded unless it is <see cref="RawHtml"/>.
/// The template's own literal text is not touched. Strict variables and loop/recursion limits are always on.
/// </summary>
public sealed class HtmlEscapingTemplateContext : TemplateContext
{
    public HtmlEscapingTemplateContext() => ApplyLimits(this);

    public override TemplateContext Write(SourceSpan span, object? textAsObject)
        => textAsObject is RawHtml raw
            ? base.Write(span, raw.Value)
            : base.Write(span, WebUtility.HtmlEncode(ObjectToString(textAsObject)));

    /// <summary>The limits every rendering context gets, HTML or not.</summary>
    public static TemplateContext ApplyLimits(TemplateContext context)
    {
        context.StrictVariables = true;
        context.LoopLimit = 10_000;
        context.RecursiveLimit = 20;
        context.ObjectRecursionLimit = 20;
        context.LimitToString = 100_000;
        return context;
    }
}
