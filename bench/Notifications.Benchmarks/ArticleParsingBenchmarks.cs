using BenchmarkDotNet.Attributes;
using Notifications.Articles;

namespace Notifications.MicroBenchmarks;

/// <summary>
/// <see cref="ArticleParser.Parse"/> on one file of each format, as the blob trigger gets it (bytes, decoded here): Markdown with
/// front matter (a sample article), an HTML page with site chrome, scripts, trackers and event handlers to strip and sanitise,
/// and text pasted from a web page with breadcrumbs and a signature to drop (both from the test corpus). Markdown is the baseline.
/// </summary>
[MemoryDiagnoser]
public class ArticleParsingBenchmarks
{
    private ArticleParser _parser = null!;
    private byte[] _markdown = null!;
    private byte[] _html = null!;
    private byte[] _pastedText = null!;

    [GlobalSetup]
    public void Setup()
    {
        _parser = BenchmarkInputs.Get<ArticleParser>();
        _markdown = BenchmarkInputs.File("SampleArticles/2026-10-ptc-241-242.md");
        _html = BenchmarkInputs.File("Corpus/policy-commission.html");
        _pastedText = BenchmarkInputs.File("Corpus/ptc-239-240-pasted.txt");
    }

    [Benchmark(Baseline = true)]
    public Article MarkdownWithFrontMatter() => _parser.Parse("2026/ptc-241-242.md", _markdown);

    [Benchmark]
    public Article HtmlPage() => _parser.Parse("2026/policy-commission.html", _html);

    [Benchmark]
    public Article PastedWebText() => _parser.Parse("2026/ptc-239-240-pasted.txt", _pastedText);
}
