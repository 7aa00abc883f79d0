namespace Notifications.Testing;

public static class Repository
{
    /// <summary>The checkout the tests run from: the folder with Notifications.sln above the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Notifications.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Notifications.sln not found above {AppContext.BaseDirectory}.");
    }
}
