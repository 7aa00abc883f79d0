using System.Text.RegularExpressions;
using ArchUnitNET.Loader;
using Notifications.Testing;

namespace Notifications.Core.Tests.Architecture;

/// <summary>
/// The folders of Notifications.Core depend on each other one way only (docs/architecture.md):
/// foundations ← capabilities (never each other) ← Digests ← Pipeline ← Web ← the composition root.
/// Read from the compiled assembly by ArchUnitNET, so every use counts: fields, signatures, base types, attributes and method bodies.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string[] Foundations = ["Telemetry", "Localization", "Storage", "Templates", "Topics", "Mail"];
    private static readonly string[] Capabilities = ["Articles", "Subscribers", "Delivery"];

    /// <summary>Each folder, and the folders it may use. A folder not listed here may not exist.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        // Telemetry and Localization are the cross-cutting base: every other foundation may log, count and word things.
        ["Telemetry"] = [],
        ["Localization"] = [],
        ["Storage"] = ["Telemetry"],
        ["Templates"] = ["Telemetry", "Localization"],
        ["Topics"] = ["Localization"],
        ["Mail"] = ["Telemetry", "Localization"],
        ["Articles"] = Foundations,
        ["Subscribers"] = Foundations,
        ["Delivery"] = Foundations,
        ["Digests"] = [.. Foundations, .. Capabilities],
        ["Pipeline"] = [.. Foundations, .. Capabilities, "Digests"],
        ["Web"] = [.. Foundations, .. Capabilities, "Digests", "Pipeline"],
        // The composition root (AddNotifications) sees every folder; no folder sees it.
        [""] = [.. Foundations, .. Capabilities, "Digests", "Pipeline", "Web"],
    };

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Core = new(() =>
        new ArchLoader().LoadAssemblies(typeof(ServiceCollectionExtensions).Assembly).Build());

    [Fact]
    public void EveryFolderUsesOnlyTheFoldersBelowIt()
    {
        var backEdges = FolderEdges()
            .Where(e => !Allowed[e.From].Contains(e.To))
            .Select(e => $"{Name(e.From)} → {Name(e.To)}: {string.Join(", ", e.Uses.Take(5))}{(e.Uses.Count > 5 ? $" and {e.Uses.Count - 5} more" : "")}")
            .ToList();

        Assert.True(backEdges.Count == 0,
            $"{backEdges.Count} use(s) against the layering (docs/architecture.md). Move the code down, or add an interface owned by the lower folder:\n"
            + string.Join("\n", backEdges));
    }

    [Fact]
    public void EveryFolderIsALayerWeKnow()
    {
        var unknown = Core.Value.Types.Select(t => FolderOf(t.Namespace?.FullName)).Where(f => f is not null && !Allowed.ContainsKey(f)).Distinct().ToList();
        Assert.True(unknown.Count == 0, $"Folders in Notifications.Core with no place in the layering: {string.Join(", ", unknown)}. Add them to " +
            $"LayeringTests.Allowed and docs/architecture.md.");
    }

    [Fact]
    public void CapabilitiesNeverUseEachOther()
    {
        var between = FolderEdges().Where(e => Capabilities.Contains(e.From) && Capabilities.Contains(e.To)).Select(e => $"{e.From} → {e.To}").ToList();
        Assert.Empty(between);
    }

    /// <summary>
    /// What the compiled code cannot show: a constant is copied into its user, so <c>DigestVariant.Default</c> used from Delivery
    /// leaves no trace in the assembly. The sources' <c>using Notifications.X;</c> and qualified <c>Notifications.X.</c> names count too.
    /// </summary>
    [Fact]
    public void NoSourceFileNamesAFolderAboveIt()
    {
        var core = Path.Combine(Repository.Root, "src", "Notifications.Core");
        var named = new Regex(@"\bNotifications\.([A-Z]\w*)(?=\s*;|\.[A-Z])", RegexOptions.None, TimeSpan.FromSeconds(1));
        var backEdges = (
            from file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            let relative = Path.GetRelativePath(core, file).Replace('\\', '/')
            where !relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal)
            let folder = relative.Contains('/') ? relative.Split('/')[0] : ""
            from match in named.Matches(File.ReadAllText(file))
            let to = match.Groups[1].Value
            where to != folder && Allowed.ContainsKey(to) && !Allowed[folder].Contains(to)
            select $"{relative} names {to}").Distinct().ToList();

        Assert.True(backEdges.Count == 0, $"Source files naming a folder they may not use (docs/architecture.md):\n{string.Join("\n", backEdges)}");
    }

    /// <summary>Every use of a type of one folder by a type of another, grouped by the pair of folders.</summary>
    public static IReadOnlyList<(string From, string To, IReadOnlyList<string> Uses)> FolderEdges()
        => Core.Value.Types
            .SelectMany(t => t.Dependencies.Select(d => (From: t, To: d.Target)))
            .Select(d => (d.From, d.To, FromFolder: FolderOf(d.From.Namespace?.FullName), ToFolder: FolderOf(d.To?.Namespace?.FullName)))
            .Where(d => d.FromFolder is not null && d.ToFolder is not null && d.FromFolder != d.ToFolder)
            .GroupBy(d => (d.FromFolder!, d.ToFolder!))
            .Select(g => (g.Key.Item1, g.Key.Item2,
                (IReadOnlyList<string>)g.Select(d => $"{Outer(d.From.Name)} uses {Outer(d.To!.Name)}").Distinct().Order(StringComparer.Ordinal).ToList()))
            .OrderBy(e => e.Item1, StringComparer.Ordinal).ThenBy(e => e.Item2, StringComparer.Ordinal)
            .ToList();

    /// <summary>"Notifications.Delivery" → "Delivery"; "Notifications" → "" (the composition root); anything outside Core → null.</summary>
    private static string? FolderOf(string? ns)
        => ns is null ? null
            : ns == "Notifications" ? ""
            : ns.StartsWith("Notifications.", StringComparison.Ordinal) ? ns["Notifications.".Length..].Split('.')[0]
            : null;

    private static string Name(string folder) => folder.Length == 0 ? "(composition root)" : folder;

    /// <summary>"DigestPlanner+Run" and compiler-made "&lt;&gt;c__DisplayClass" names → the type a person wrote.</summary>
    private static string Outer(string name) => name.Split('+')[0].Split('`')[0];
}
