using BenchmarkDotNet.Attributes;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.MicroBenchmarks;

/// <summary>
/// <see cref="DigestRenderer.Render(DigestPeriod, IReadOnlyList{IndexedArticle}, string, string?)"/>: one variant's daily digest
/// (subject, HTML with CSS inlined, text) with the built-in templates and four parsed articles, per language. A run renders once
/// per variant, never per recipient.
/// </summary>
[MemoryDiagnoser]
public class DigestRenderingBenchmarks
{
    private DigestRenderer _renderer = null!;
    private DigestPeriod _period = null!;
    private IReadOnlyList<IndexedArticle> _articles = null!;
    private string _viewUrl = null!;

    [Params("en", "ru", "fr")]
    public string Language { get; set; } = "en";

    [GlobalSetup]
    public void Setup()
    {
        _renderer = BenchmarkInputs.Get<DigestRenderer>();
        _period = DigestPeriod.Hourly(DigestFrequency.Daily, BenchmarkInputs.Now);
        _articles = BenchmarkInputs.DigestArticles(Language);
        _viewUrl = $"{BenchmarkInputs.BaseUrl}/api/digests/{_period.RunId}/{Language}";
    }

    [Benchmark]
    public MailContent Render() => _renderer.Render(_period, _articles, Language, _viewUrl);
}
