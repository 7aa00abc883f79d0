using System.Reflection;
using Xunit;

namespace Notifications.Testing;

/// <summary>The functions.metadata the Worker SDK generated for src/Notifications.Functions (built before the test projects).</summary>
public static class FunctionsMetadata
{
    /// <summary>The one generated in the configuration <paramref name="testAssembly"/> was built in; otherwise the newest there is.</summary>
    public static string File(Assembly? testAssembly = null)
    {
        var bin = Path.Combine(Repository.Root, "src", "Notifications.Functions", "bin");
        var configuration = (testAssembly ?? Assembly.GetCallingAssembly()).GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        if (configuration is { Length: > 0 })
        {
            var own = Path.Combine(bin, configuration, "net10.0", "functions.metadata");
            if (System.IO.File.Exists(own)) return own;
        }
        var newest = new[] { "Debug", "Release" }
            .Select(c => new FileInfo(Path.Combine(bin, c, "net10.0", "functions.metadata")))
            .Where(f => f.Exists)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .FirstOrDefault();
        Assert.True(newest is not null, $"No functions.metadata under {bin}: build src/Notifications.Functions first.");
        return newest.FullName;
    }
}
