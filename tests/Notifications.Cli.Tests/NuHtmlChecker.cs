using System.Diagnostics;
using Notifications.Testing;

namespace Notifications.Cli.Tests;

/// <summary>
/// The Nu Html Checker (the W3C validator, npm package <c>vnu-jar</c>, run with Java 17), installed with npm into
/// <c>.tools/vnu</c> on first use as Azurite is. Without Java or npm the test is skipped, or failed when CI or REQUIRE_VNU=1 is set.
/// </summary>
public static class NuHtmlChecker
{
    private const string Version = "26.9.27";

    private static string Folder => Path.Combine(Repository.Root, ".tools", "vnu");

    private static string Jar => Path.Combine(Folder, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

    private static readonly SemaphoreSlim Install = new(1, 1);

    /// <summary>The checker's errors (warnings left out) for <paramref name="html"/>, written to <paramref name="path"/> to be checked.</summary>
    public static async Task<IReadOnlyList<string>> ErrorsAsync(string html, string path, CancellationToken ct)
    {
        await RequireAsync(ct);
        await File.WriteAllTextAsync(path, html, ct);
        var (exit, _, error) = await RunAsync("java", ["-jar", Jar, "--errors-only", "--format", "text", path], ct);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("error:", StringComparison.OrdinalIgnoreCase)).ToList();
        if (exit != 0 && lines.Count == 0) lines.Add($"vnu exited with {exit}: {error.Trim()}");
        return lines;
    }

    private static async Task RequireAsync(CancellationToken ct)
    {
        string? missing = null;
        try
        {
            if ((await RunAsync("java", ["-version"], ct)).Exit != 0) missing = "java does not run";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            missing = "java is not installed (apt-get install -y openjdk-17-jre-headless)";
        }
        if (missing is null && !File.Exists(Jar))
        {
            await Install.WaitAsync(ct);
            try
            {
                if (!File.Exists(Jar))
                {
                    // The jar is in the package; its postinstall script (a Java download) is not needed.
                    var install = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts", "--prefix", Folder,
                        $"vnu-jar@{Version}"], ct);
                    if (install.Exit != 0 || !File.Exists(Jar)) missing = $"npm could not install vnu-jar@{Version}: {install.Error.Trim()}";
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                missing = "npm is not installed (install Node.js)";
            }
            finally
            {
                Install.Release();
            }
        }
        if (missing is null) return;
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 } || Environment.GetEnvironmentVariable("REQUIRE_VNU") == "1")
            Assert.Fail($"The Nu Html Checker is required here (CI or REQUIRE_VNU=1), but {missing}.");
        Assert.Skip($"The Nu Html Checker cannot run: {missing} (set REQUIRE_VNU=1 to fail instead of skipping).");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string file, string[] args, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output, await error);
    }
}
