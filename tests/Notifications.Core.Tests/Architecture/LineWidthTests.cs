using Notifications.Testing;

namespace Notifications.Core.Tests.Architecture;

/// <summary>Lines wrap at a readable width: <c>max_line_length</c> of the repository's .editorconfig, for every C# file in src, tests and bench.</summary>
public sealed class LineWidthTests
{
    [Fact]
    public void EveryCSharpLineFitsTheEditorconfigWidth()
    {
        var width = MaxLineLength();
        var tooLong = (
            from folder in new[] { "src", "tests", "bench" }
            from file in Directory.EnumerateFiles(Path.Combine(Repository.Root, folder), "*.cs", SearchOption.AllDirectories)
            let relative = Path.GetRelativePath(Repository.Root, file).Replace('\\', '/')
            where !relative.Contains("/bin/", StringComparison.Ordinal) && !relative.Contains("/obj/", StringComparison.Ordinal)
            from line in OutsideRawStrings(File.ReadLines(file))
            where line.text.Length > width
            select $"{relative}:{line.number} ({line.text.Length} characters)").ToList();

        Assert.True(tooLong.Count == 0,
            $"{tooLong.Count} line(s) longer than {width} characters (max_line_length in .editorconfig); wrap them:\n"
            + string.Join("\n", tooLong.Take(50)));
    }

    /// <summary>
    /// The lines with their numbers, less those inside a raw string literal (<c>"""</c> … <c>"""</c>): their text is data (a page, a
    /// JSON body, a pasted article) whose lines are what the test feeds in, not code to wrap.
    /// </summary>
    private static IEnumerable<(string text, int number)> OutsideRawStrings(IEnumerable<string> lines)
    {
        var inRaw = false;
        var number = 0;
        foreach (var text in lines)
        {
            number++;
            var quotes = CountRawQuotes(text);
            if (!inRaw && quotes == 0)
                yield return (text, number);
            if (quotes % 2 == 1)
                inRaw = !inRaw;
        }
    }

    private static int CountRawQuotes(string line)
    {
        var count = 0;
        for (var i = line.IndexOf("\"\"\"", StringComparison.Ordinal); i >= 0; i = line.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static int MaxLineLength()
    {
        var setting = File.ReadLines(Path.Combine(Repository.Root, ".editorconfig"))
            .Select(l => l.Split('=', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim() == "max_line_length");
        Assert.True(setting is not null, ".editorconfig has no max_line_length: the readable width is not stated.");
        return int.Parse(setting[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
