using Notifications.Cli;

namespace Notifications.Cli.Tests;

/// <summary>What one in-process run of <c>notify</c> did.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public IReadOnlyList<string> ErrorLines => Lines(Error);
    public IReadOnlyList<string> OutputLines => Lines(Output);

    public static Task<CliRun> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
        => RunWithInputAsync(settings, "", args);

    /// <summary>A run whose input (a typed confirmation) is <paramref name="input"/>.</summary>
    public static async Task<CliRun> RunWithInputAsync(IReadOnlyDictionary<string, string?> settings, string input, params string[] args)
    {
        await using var output = new StringWriter();
        await using var error = new StringWriter();
        using var reader = new StringReader(input);
        var code = await NotifyCli.RunAsync(args, output, error, settings, input: reader);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- output ---\n{Output}\n--- error ---\n{Error}";
}

/// <summary>A temp folder for one test (article files, the outbox), deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "notify-cli-tests", Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string name, string content)
    {
        var file = Combine(name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
