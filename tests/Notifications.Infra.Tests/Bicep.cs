using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Notifications.Testing;

namespace Notifications.Infra.Tests;

/// <summary>
/// The Bicep CLI that restore downloaded (PackageDownload of Azure.Bicep.CommandLine.linux-x64, see the csproj), run offline:
/// local modules only, the Azure resource types built into the CLI.
/// </summary>
public static class Bicep
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString()
            => $"exit code {ExitCode}\n--- stderr ---\n{StandardError}\n--- stdout (start) ---\n{StandardOutput[..Math.Min(StandardOutput.Length, 2000)]}";
    }

    public static string InfraDirectory { get; } = Path.Combine(Repository.Root, "infra");
    public static string MainBicep { get; } = Path.Combine(InfraDirectory, "main.bicep");

    private static readonly Lazy<Task<Result>> MainBuild = new(() => RunAsync(InfraDirectory, "build", MainBicep, "--stdout"));

    /// <summary><c>bicep build infra/main.bicep --stdout</c>, once per test run.</summary>
    public static Task<Result> BuildMainAsync() => MainBuild.Value;

    /// <summary>The ARM template infra/main.bicep compiles to (the build must have succeeded).</summary>
    public static async Task<JsonObject> MainTemplateAsync()
    {
        var build = await BuildMainAsync();
        Assert.True(build.ExitCode == 0, $"bicep build infra/main.bicep failed: {build}");
        return JsonNode.Parse(build.StandardOutput)!.AsObject();
    }

    public static async Task<Result> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No telemetry, no update check: the CLI stays offline.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within 3 minutes.");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The downloaded CLI (made executable if the package extraction lost the bit).</summary>
    public static string Executable()
    {
        var assembly = typeof(Bicep).Assembly;
        string? Metadata(string key) => assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
        var version = Metadata("BicepVersion") ?? "0.49.2";

        if (!(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64))
        {
            // The package served to this project is the linux-x64 CLI; elsewhere, a bicep on PATH (az bicep install, brew, ...).
            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .SelectMany(d => new[] { Path.Combine(d, "bicep"), Path.Combine(d, "bicep.exe") })
                .FirstOrDefault(File.Exists);
            Assert.SkipWhen(
                onPath is null,
                $"The Bicep CLI {version} comes from the linux-x64 NuGet package; on {RuntimeInformation.OSDescription} put bicep on PATH.");
            return onPath!;
        }

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } root
            ? root
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var candidates = new[]
        {
            Metadata("BicepPath"),
            Path.Combine(packages, "azure.bicep.commandline.linux-x64", version, "tools", "bicep"),
        };
        var path = candidates.FirstOrDefault(p => p is { Length: > 0 } && File.Exists(p));
        Assert.True(path is not null,
            $"The Bicep CLI is not where restore puts it ({string.Join(", ", candidates.Where(c => c is not null))}): run dotnet restore on " +
                $"tests/Notifications.Infra.Tests.");

        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return path;
    }

    /// <summary>Every resource of a type anywhere in a template, nested deployments (modules) included.</summary>
    public static IEnumerable<JsonObject> Resources(JsonNode? node, string type)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["type"] is JsonValue t && t.TryGetValue<string>(out var value) && string.Equals(value, type, StringComparison.OrdinalIgnoreCase))
                    yield return o;
                foreach (var (_, child) in o)
                    foreach (var found in Resources(child, type))
                        yield return found;
                break;
            case JsonArray a:
                foreach (var child in a)
                    foreach (var found in Resources(child, type))
                        yield return found;
                break;
        }
    }

    /// <summary>Every nested template (a module's compiled form) whose variables include <paramref name="variable"/>.</summary>
    public static IEnumerable<JsonObject> TemplatesWithVariable(JsonNode? node, string variable)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["variables"] is JsonObject variables && variables.ContainsKey(variable))
                    yield return o;
                foreach (var (_, child) in o)
                    foreach (var found in TemplatesWithVariable(child, variable))
                        yield return found;
                break;
            case JsonArray a:
                foreach (var child in a)
                    foreach (var found in TemplatesWithVariable(child, variable))
                        yield return found;
                break;
        }
    }

    /// <summary>Every template (main, or a module's compiled form) that declares a resource of a type itself.</summary>
    public static IEnumerable<JsonObject> TemplatesDeclaring(JsonNode? node, string type)
    {
        switch (node)
        {
            case JsonObject o:
                IEnumerable<JsonNode?> resources = o["resources"] switch
                {
                    JsonArray array => array,
                    JsonObject byName => byName.Select(p => p.Value),
                    _ => [],
                };
                if (o["$schema"] is not null
                    && resources.Any(r => r?["type"] is JsonValue t && string.Equals(t.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase)))
                    yield return o;
                foreach (var (_, child) in o)
                    foreach (var found in TemplatesDeclaring(child, type))
                        yield return found;
                break;
            case JsonArray a:
                foreach (var child in a)
                    foreach (var found in TemplatesDeclaring(child, type))
                        yield return found;
                break;
        }
    }
}
