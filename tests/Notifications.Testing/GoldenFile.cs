using Xunit;

namespace Notifications.Testing;

/// <summary>
/// Rendered output checked against files in the repository. A difference fails the test; to accept a deliberate change,
/// run the tests with UPDATE_GOLDEN=1 and review the diff of the golden files before committing.
/// </summary>
public static class GoldenFile
{
    public static void Matches(string relativePath, string actual)
    {
        var path = Path.Combine(Repository.Root, relativePath);
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"Golden file {relativePath} does not exist: run the tests with UPDATE_GOLDEN=1 to create it, then review it.");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n"), actual);
    }
}
