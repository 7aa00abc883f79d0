using System.Reflection;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Notifications.Templates;

/// <summary>A template file could not be used; the message names the file, the line and the problem.</summary>
/// <param name="templateName">The template the problem is in, when known (for an include, the partial, not its caller).</param>
public sealed class TemplateException(string message, string? templateName = null, int? line = null, int? column = null) : Exception(message)
{
    public string? TemplateName { get; } = templateName;
    /// <summary>1-based, when known.</summary>
    public int? Line { get; } = line;
    /// <summary>1-based, when known.</summary>
    public int? Column { get; } = column;
}

/// <summary>One problem Scriban found while parsing a template: where it is (1-based) and what it is.</summary>
public sealed record TemplateError(string Template, int Line, int Column, string Message)
{
    public override string ToString() => $"{Template}({Line},{Column}) : error : {Message}";
}

/// <summary>Where a renderer gets its templates: a fixed <see cref="TemplateSet"/>, or one that admins' overrides can change.</summary>
public interface ITemplateSource
{
    TemplateSet Templates { get; }
}

/// <summary>
/// The email templates: the built-in ones (embedded <c>Templates/Builtin/*.sbn</c>), parsed once when the app starts, so
/// a template with a syntax error stops the start with its name and line instead of failing the first send; and, through
/// <see cref="WithOverrides"/>, a copy in which some of them are replaced.
/// <para>
/// Templates may include each other (<c>{{ include "digest-article.html.sbn" }}</c>): an include is served from this set
/// only (already parsed, never from disk or storage) and renders in the caller's context, so the partial sees the
/// caller's variables, escapes its own values, and counts against the same recursion limit. In HTML the partial's output
/// is written as it is: its values were escaped once inside the partial, and escaping them again would garble them.
/// </para>
/// <para>Words: <c>{{ text "confirmation_mail.greeting" }}</c> writes a text of the language files (<see cref="TextFunction"/>).</para>
/// </summary>
public sealed class TemplateSet : ITemplateSource
{
    private readonly Dictionary<string, Template> _templates;
    private readonly Dictionary<string, string> _sources;

    public TemplateSet() : this(LoadBuiltin()) { }

    public TemplateSet(IReadOnlyDictionary<string, string> sources)
    {
        _templates = new Dictionary<string, Template>(StringComparer.Ordinal);
        _sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<TemplateError>();
        foreach (var (name, source) in sources)
        {
            var (template, problems) = Parse(name, source);
            if (template is null)
                errors.AddRange(problems);
            else
            {
                _templates[name] = template;
                _sources[name] = source;
            }
        }
        if (errors.Count > 0)
            throw new TemplateException("Email templates have errors: " + string.Join("; ", errors), errors[0].Template, errors[0].Line, errors[0].Column);
    }

    private TemplateSet(Dictionary<string, Template> templates, Dictionary<string, string> sources)
    {
        _templates = templates;
        _sources = sources;
    }

    TemplateSet ITemplateSource.Templates => this;

    public IEnumerable<string> Names => _templates.Keys;

    public bool Contains(string name) => _templates.ContainsKey(name);

    /// <summary>The source text a template was parsed from.</summary>
    public string SourceOf(string name)
        => _sources.TryGetValue(name, out var source) ? source : throw new TemplateException($"There is no template named '{name}'.", name);

    /// <summary>Parses one template; on errors, null and every problem with its 1-based line and column.</summary>
    public static (Template? Template, IReadOnlyList<TemplateError> Errors) Parse(string name, string source)
    {
        var template = Template.Parse(source, name);
        if (!template.HasErrors) return (template, []);
        return (null, template.Messages
            .Where(m => m.Type == ParserMessageType.Error)
            .Select(m => new TemplateError(name, m.Span.Start.Line + 1, m.Span.Start.Column + 1, m.Message))
            .DefaultIfEmpty(new TemplateError(name, 1, 1, string.Join("; ", template.Messages)))
            .ToList());
    }

    /// <summary>A copy of this set in which the given (already parsed) templates replace or join the others.</summary>
    public TemplateSet WithOverrides(IReadOnlyDictionary<string, (Template Template, string Source)> overrides)
    {
        if (overrides.Count == 0) return this;
        var templates = new Dictionary<string, Template>(_templates, StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(_sources, StringComparer.Ordinal);
        foreach (var (name, (template, source)) in overrides)
        {
            templates[name] = template;
            sources[name] = source;
        }
        return new TemplateSet(templates, sources);
    }

    /// <summary>Renders an HTML template: every value is escaped unless it is <see cref="RawHtml"/>; included partials are not escaped twice.</summary>
    public string RenderHtml(string name, ScriptObject model) => Render(name, model, new HtmlEscapingTemplateContext());

    /// <summary>Renders a plain-text template (subject lines, text/plain bodies): nothing is escaped.</summary>
    public string RenderText(string name, ScriptObject model) => Render(name, model, HtmlEscapingTemplateContext.ApplyLimits(new TemplateContext()));

    private string Render(string name, ScriptObject model, TemplateContext context)
    {
        if (!_templates.TryGetValue(name, out var template))
            throw new TemplateException($"There is no template named '{name}'.", name);
        // Includes are served from this set, already parsed: the include function finds them in the context's cache
        // and never asks the loader to load text (the loader only names what exists).
        context.TemplateLoader = new SetLoader(this);
        context.BuiltinObject.SetValue(TextFunction.Name, TextFunction.Instance, readOnly: false);
        foreach (var (n, t) in _templates)
            context.CachedTemplates[n] = t;
        context.PushGlobal(model);
        try
        {
            return template.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            // The span names the template the problem is in: for a problem inside a partial, the partial.
            var where = string.IsNullOrEmpty(e.Span.FileName) || e.Span.FileName == "<input>" ? name : e.Span.FileName;
            var message = e.Message.Contains(where, StringComparison.Ordinal) ? e.Message : $"{where}: {e.Message}";
            throw new TemplateException($"Template '{name}' failed to render: {message}", where, e.Span.Start.Line + 1, e.Span.Start.Column + 1);
        }
    }

    /// <summary>Resolves include names against the set; an unknown name is an error in the including template, with its line.</summary>
    private sealed class SetLoader(TemplateSet set) : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName)
            => set._templates.ContainsKey(templateName)
                ? templateName
                : throw new ScriptRuntimeException(callerSpan, $"There is no template named '{templateName}' to include.");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => set.SourceOf(templatePath);

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath)
            => ValueTask.FromResult<string?>(set.SourceOf(templatePath));
    }

    private static Dictionary<string, string> LoadBuiltin()
    {
        const string prefix = "Notifications.Templates.Builtin.";
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[prefix.Length..], n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return reader.ReadToEnd();
            });
    }
}
