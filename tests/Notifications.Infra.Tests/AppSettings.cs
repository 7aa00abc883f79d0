using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Notifications.Infra.Tests;

/// <summary>A setting the code reads. <see cref="Name"/> may hold placeholders (<c>Tokens__Keys__&lt;*&gt;</c>): one key segment each.</summary>
/// <param name="Source">Where the code reads it, for messages (e.g. <c>DeliveryOptions.FromEmail</c>).</param>
/// <param name="Kind">
/// <see cref="SettingKind.Option"/>: bound to an options class; Bicep sets it, or docs/configuration.md documents it with its default.
/// <see cref="SettingKind.Host"/>: the Functions host needs it in Azure (a %placeholder% of a trigger, the telemetry
/// connection): Bicep must set it, whatever its local default. <see cref="SettingKind.Connection"/>: a trigger's storage
/// connection: Bicep must set it, as a connection string or in its identity-based form (<c>&lt;name&gt;__accountName</c>, ...).
/// </param>
public sealed record CodeSetting(string Name, string Source, SettingKind Kind = SettingKind.Option);

public enum SettingKind { Option, Host, Connection }

/// <summary>A row of the "## Configuration" table in docs/configuration.md.</summary>
public sealed record DocumentedSetting(string Name, string Default)
{
    /// <summary>A default that is not "(required ...)": the app runs without the setting.</summary>
    public bool IsOptional => !Default.TrimStart().StartsWith("(required", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Which settings the code reads (options classes by reflection, the triggers' functions.metadata), which ones the Bicep sets
/// (the function app's siteConfig.appSettings in the compiled template), which ones docs/configuration.md documents as optional, and
/// the comparison of the three.
/// </summary>
public static partial class AppSettings
{
    /// <summary>Identity-based forms of a connection named N (N__accountName, ...), as the Functions host reads them.</summary>
    public static readonly string[] IdentityConnectionSuffixes = ["accountName", "blobServiceUri", "serviceUri", "queueServiceUri", "tableServiceUri"];

    /// <summary>Settings of the platform (not of the code) that the Bicep may set.</summary>
    public static readonly string[] PlatformSettings =
    [
        "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    /// <summary>Every setting bound to an options class of <paramref name="assembly"/>: types with <c>public const string Section</c>.</summary>
    public static IReadOnlyList<CodeSetting> FromOptionsClasses(Assembly assembly) => FromOptionsClassesOf(assembly.GetExportedTypes());

    /// <summary>Every setting bound to those of <paramref name="types"/> that are options classes (<c>public const string Section</c>).</summary>
    public static IReadOnlyList<CodeSetting> FromOptionsClassesOf(IEnumerable<Type> types)
    {
        var settings = new List<CodeSetting>();
        foreach (var type in types)
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } field || field.FieldType != typeof(string))
                continue;
            var section = (string)field.GetRawConstantValue()!;
            Walk(type, section, type.Name, settings, depth: 0);
        }
        return settings;
    }

    private static void Walk(Type type, string prefix, string source, List<CodeSetting> settings, int depth)
    {
        if (depth > 8) return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true }) continue;
            var settable = property.SetMethod is { IsPublic: true };
            var propertyType = property.PropertyType;
            // The configuration binder sets public properties, and binds into get-only collections and objects.
            if (!settable && IsSimple(propertyType)) continue;
            AddSettings(propertyType, $"{prefix}__{property.Name}", $"{source}.{property.Name}", settable, settings, depth);
        }
    }

    private static void AddSettings(Type type, string name, string source, bool settable, List<CodeSetting> settings, int depth)
    {
        if (IsSimple(type))
        {
            if (settable) settings.Add(new CodeSetting(name, source));
            return;
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            AddSettings(valueType, $"{name}__<*>", source, settable: true, settings, depth + 1);
            return;
        }
        if (ElementType(type) is { } elementType)
        {
            AddSettings(elementType, $"{name}__<*>", source, settable: true, settings, depth + 1);
            return;
        }
        Walk(type, name, source, settings, depth + 1);
    }

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
               || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);
    }

    private static Type? DictionaryValueType(Type type)
        => (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>) ? type : type.GetInterfaces()
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)))
            ?.GetGenericArguments()[1];

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!typeof(IEnumerable).IsAssignableFrom(type)) return null;
        return (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type : type.GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))?.GetGenericArguments()[0];
    }

    /// <summary>The %placeholders% and storage connections of the triggers, from the Worker SDK's functions.metadata.</summary>
    public static IReadOnlyList<CodeSetting> FromFunctionsMetadata(string metadataJson)
    {
        var settings = new List<CodeSetting>();
        using var document = JsonDocument.Parse(metadataJson);
        foreach (var function in document.RootElement.EnumerateArray())
        {
            var functionName = function.GetProperty("name").GetString();
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                foreach (var property in binding.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    var value = property.Value.GetString()!;
                    var source = $"functions.metadata: {functionName} {binding.GetProperty("type").GetString()}.{property.Name}";
                    if (property.NameEquals("connection") && value.Length > 0)
                        settings.Add(new CodeSetting(value, source, SettingKind.Connection));
                    // The host resolves %Section:Key% from configuration, where the app setting Section__Key lands.
                    foreach (Match placeholder in Placeholder().Matches(value))
                        settings.Add(new CodeSetting(placeholder.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal), source, SettingKind.Host));
                }
            }
        }
        return settings;
    }

    /// <summary>The names of the function app's siteConfig.appSettings in a compiled template (with the value, or its expression).</summary>
    public static IReadOnlyDictionary<string, string> FromTemplate(JsonNode template)
    {
        var site = Assert.Single(Bicep.Resources(template, "Microsoft.Web/sites"));
        var appSettings = site["properties"]?["siteConfig"]?["appSettings"];
        Assert.True(appSettings is JsonArray,
            "The function app's siteConfig.appSettings must be a literal list of {name, value} in infra/modules/function-app.bicep " +
            "(a computed list cannot be checked): put a condition in a value, not around an entry.");
        return appSettings.AsArray().ToDictionary(
            s => s!["name"]!.GetValue<string>(),
            s => s!["value"]?.ToJsonString() ?? "",
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The rows of the "## Configuration" table in docs/configuration.md: `A`, `__B` in one cell is A and A's prefix + B.</summary>
    public static IReadOnlyList<DocumentedSetting> FromConfigurationDoc(string doc)
    {
        var start = doc.IndexOf("\n## Configuration", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/configuration.md has no \"## Configuration\" section.");
        var end = doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = doc[start..(end < 0 ? doc.Length : end)];

        var rows = new List<DocumentedSetting>();
        foreach (var line in section.Split('\n'))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal)) continue;
            var cells = line.Split('|');
            if (cells.Length < 4) continue;
            var names = Code().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList();
            var first = names[0];
            foreach (var name in names)
            {
                var full = name.StartsWith("__", StringComparison.Ordinal) && first.Contains("__", StringComparison.Ordinal)
                    ? first[..first.LastIndexOf("__", StringComparison.Ordinal)] + name
                    : name;
                rows.Add(new DocumentedSetting(full, cells[2].Trim()));
            }
        }
        return rows;
    }

    /// <summary>
    /// What is wrong: each setting the code reads that the Bicep does not set and docs/configuration.md does not document as optional
    /// (host settings and connections: that the Bicep does not set), and each setting the Bicep sets that nothing reads.
    /// Empty when all is well. Each message names the setting and says what to do.
    /// </summary>
    public static IReadOnlyList<string> Compare(IEnumerable<CodeSetting> code, IEnumerable<string> bicep, IEnumerable<DocumentedSetting> docRows)
    {
        var problems = new List<string>();
        // A setting both an option and a trigger read is the trigger's (Host): the host needs it in Azure, whatever the option's default.
        var codeSettings = code.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.FirstOrDefault(s => s.Kind != SettingKind.Option) ?? g.First()).ToList();
        var bicepSettings = bicep.ToList();
        var documented = docRows.ToList();
        const string Bicep = "infra/modules/function-app.bicep (siteConfig.appSettings)";

        foreach (var setting in codeSettings)
        {
            bool SetByBicep(string name) => bicepSettings.Any(b => Matches(name, b));
            switch (setting.Kind)
            {
                case SettingKind.Connection:
                    if (!SetByBicep(setting.Name) && !IdentityConnectionSuffixes.Any(s => SetByBicep($"{setting.Name}__{s}")))
                        problems.Add(
                            $"{setting.Name} ({setting.Source}) is a storage connection the Functions host needs in Azure, but {Bicep} sets neither it " +
                            $"nor its identity-based form {setting.Name}__accountName: add {setting.Name}__accountName, __credential and __clientId there.");
                    break;
                case SettingKind.Host:
                    if (!SetByBicep(setting.Name))
                        problems.Add($"{setting.Name} ({setting.Source}) is needed by the Functions host in Azure (a local default does not reach Azure), " +
                                     $"but {Bicep} does not set it: add it there.");
                    break;
                default:
                    if (SetByBicep(setting.Name)) break;
                    var row = documented.FirstOrDefault(d => SameSetting(setting.Name, d.Name));
                    if (row is null)
                        problems.Add($"{setting.Name} ({setting.Source}) is read by the code but neither set by {Bicep} nor listed in " +
                            $"docs/configuration.md's Configuration table: " +
                                     "set it in the Bicep, or document it in docs/configuration.md (## Configuration) with its default.");
                    else if (!row.IsOptional)
                        problems.Add($"{setting.Name} ({setting.Source}) is required (docs/configuration.md says \"{row.Default}\") but {Bicep} " +
                            $"does not set it: add it there.");
                    break;
            }
        }

        foreach (var name in bicepSettings)
        {
            var known = codeSettings.Any(s => Matches(s.Name, name)
                                              || (s.Kind == SettingKind.Connection && IdentityConnectionSuffixes.Any(x => Matches($"{s.Name}__{x}", name))))
                        || PlatformSettings.Contains(name, StringComparer.OrdinalIgnoreCase);
            if (!known)
                problems.Add(
                    $"{name} is set by {Bicep} but nothing reads it (no options property, trigger or host setting of that name): fix the name or remove it.");
        }
        return problems;
    }

    /// <summary>A concrete name matches a name with placeholders (<c>&lt;*&gt;</c> = one segment), ignoring case.</summary>
    public static bool Matches(string pattern, string name)
    {
        var regex = "^" + string.Join("(?:(?!__).)+", Normalize(pattern).Split("<*>").Select(Regex.Escape)) + "$";
        return Regex.IsMatch(name, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>The same setting: equal once placeholders are normalised, or a documented concrete name that matches.</summary>
    private static bool SameSetting(string codeName, string documentedName)
        => string.Equals(Normalize(codeName), Normalize(documentedName), StringComparison.OrdinalIgnoreCase) || Matches(codeName, documentedName);

    private static string Normalize(string name) => AnyPlaceholder().Replace(name, "<*>");

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Placeholder();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex("<[^<>]*>")]
    private static partial Regex AnyPlaceholder();
}
