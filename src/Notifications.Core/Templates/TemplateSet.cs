using System.Reflection;
using Scriban;
using Scriban.Runtime;

namespace Notifications.Templates;

/// <summary>A template file could not be used; the message names the file, the line and the problem.</summary>
public sealed class TemplateException(string message) : Exception(message);

/// <summary>
/// The built-in email templates (embedded <c>Templates/Builtin/*.sbn</c>), parsed once when the app starts:
/// a template with a syntax error stops the start, with its name and line, instead of failing the first send.
/// </summary>
public sealed class TemplateSet
{
    private readonly Dictionary<string, Template> _templates;

    public TemplateSet() : this(LoadBuiltin()) { }

    public TemplateSet(IReadOnlyDictionary<string, string> sources)
    {
        _templates = new Dictionary<string, Template>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (name, source) in sources)
        {
            var template = Template.Parse(source, name);
            if (template.HasErrors)
                errors.AddRange(template.Messages.Select(m => m.ToString()));
            else
                _templates[name] = template;
        }
        if (errors.Count > 0)
            throw new TemplateException("Email templates have errors: " + string.Join("; ", errors));
    }

    public IEnumerable<string> Names => _templates.Keys;

    /// <summary>Renders an HTML template: every value is escaped unless it is <see cref="RawHtml"/>.</summary>
    public string RenderHtml(string name, ScriptObject model) => Render(name, model, new HtmlEscapingTemplateContext());

    /// <summary>Renders a plain-text template (subject lines, text/plain bodies): nothing is escaped.</summary>
    public string RenderText(string name, ScriptObject model) => Render(name, model, HtmlEscapingTemplateContext.ApplyLimits(new TemplateContext()));

    private string Render(string name, ScriptObject model, TemplateContext context)
    {
        if (!_templates.TryGetValue(name, out var template))
            throw new TemplateException($"There is no template named '{name}'.");
        context.PushGlobal(model);
        try
        {
            return template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new TemplateException($"Template '{name}' failed to render: {e.Message}");
        }
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
