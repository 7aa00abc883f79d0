using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Testing;
using Notifications.Topics;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// How well topic inference finds what an article is about, measured on the corpus (gold labels: <c>topicsAbout</c> in
/// Corpus/expected.json) and the demo's sample articles (gold: the editor's front matter topics), each parsed without its front matter
/// topics, as the parser infers them. Prints precision and recall (micro-averaged over topic assignments) for the classifier and for
/// "every topic mentioned" (what it did before); the figures are in docs/benchmarks.md.
/// </summary>
public sealed partial class TopicInferenceMeasurementTests(ITestOutputHelper output)
{
    private static readonly IOptions<TopicOptions> Topics = Options.Create(new TopicOptions());
    private static readonly TopicClassifier Classifier = new(Topics);
    private static readonly ArticleParser Parser = new(new HtmlArticleReader(), Classifier, new TopicCatalog(Topics.Value.Topics),
        Options.Create(new ArticleOptions()));
    private static readonly string Corpus = Path.Combine(Repository.Root, "tests", "Notifications.Core.Tests", "Corpus");
    private static readonly string Samples = Path.Combine(Repository.Root, "src", "Notifications.DevTools", "Local", "SampleArticles");

    /// <summary>The sample without front matter topics: the 78th HSC session is about classification, which is none of the topics.</summary>
    private static readonly Dictionary<string, string[]> SampleGold = new()
    {
        ["2026-11-hs-committee.txt"] = [],
    };

    [Fact]
    public void InferredTopicsAreTheFewTheArticleIsAbout()
    {
        var labelled = Labelled().ToList();
        var inferred = Score(labelled, a => a.Inferred);
        var mentioned = Score(labelled, a => a.Mentioned);

        output.WriteLine($"{labelled.Count} articles, {labelled.Sum(a => a.Gold.Count)} gold topic assignments");
        output.WriteLine($"inferred (score, threshold {TopicClassifier.Threshold}, at most {TopicClassifier.MaxTopics}): " +
            $"precision {inferred.Precision:P0} ({inferred.Hits}/{inferred.Predicted}), recall {inferred.Recall:P0} ({inferred.Hits}/{inferred.Gold})");
        output.WriteLine($"every topic mentioned (before): precision {mentioned.Precision:P0} ({mentioned.Hits}/{mentioned.Predicted}), " +
            $"recall {mentioned.Recall:P0} ({mentioned.Hits}/{mentioned.Gold})");
        foreach (var a in labelled.Where(a => !a.Inferred.ToHashSet().SetEquals(a.Gold)))
            output.WriteLine($"  {a.Name}: inferred [{string.Join(", ", a.Inferred)}], about [{string.Join(", ", a.Gold)}]");

        Assert.True(inferred.Precision >= 0.8, $"precision {inferred.Precision:P0}");
        Assert.True(inferred.Recall >= 0.8, $"recall {inferred.Recall:P0}");
        Assert.True(inferred.Precision > mentioned.Precision, "the classifier should be more precise than every mention");
        Assert.All(labelled, a => Assert.True(a.Inferred.Count <= TopicClassifier.MaxTopics, a.Name));
    }

    [Fact]
    public void ThePastedWcoPageGetsAtMostThreeTopicsTheOnesItDiscusses()
    {
        var article = Parser.Parse("ptc-239-240-pasted.txt", File.ReadAllBytes(Path.Combine(Corpus, "ptc-239-240-pasted.txt")));
        Assert.Equal(["performance management", "non-intrusive inspection", "disaster relief"], article.Topics);
    }

    private sealed record Measured(string Name, IReadOnlyList<string> Gold, IReadOnlyList<string> Inferred, IReadOnlyList<string> Mentioned);

    private static IEnumerable<Measured> Labelled()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Corpus, "expected.json")));
        foreach (var file in expected.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            if (file.Value.TryGetProperty("topicsAbout", out var about))
                yield return Measure(file.Name, File.ReadAllBytes(Path.Combine(Corpus, file.Name)),
                    about.EnumerateArray().Select(t => t.GetString()!).ToList());
        foreach (var path in Directory.GetFiles(Samples).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var text = File.ReadAllText(path);
            var gold = SampleGold.TryGetValue(name, out var g) ? g : FrontMatterTopics().Match(text).Groups[1].Value.Split(',').Select(t => t.Trim()).ToArray();
            yield return Measure(name, File.ReadAllBytes(path), gold);
        }
    }

    /// <summary>The file parsed without its front matter topics (the classifier's answer), and every topic its title and body mention.</summary>
    private static Measured Measure(string name, byte[] content, IReadOnlyList<string> gold)
    {
        var text = ArticleText.Decode(content, 1 << 20);
        var withoutTopics = FrontMatterTopics().Replace(text, "");
        var article = Parser.Parse(name, Encoding.UTF8.GetBytes(withoutTopics));
        var body = System.Net.WebUtility.HtmlDecode(Tag().Replace(article.BodyHtml, " "));
        return new Measured(name, gold, article.Topics, Classifier.Mentions(article.Title + "\n" + body));
    }

    private static (double Precision, double Recall, int Hits, int Predicted, int Gold) Score(
        IReadOnlyList<Measured> articles, Func<Measured, IReadOnlyList<string>> predicted)
    {
        var hits = articles.Sum(a => predicted(a).Count(a.Gold.Contains));
        var made = articles.Sum(a => predicted(a).Count);
        var gold = articles.Sum(a => a.Gold.Count);
        return (made == 0 ? 1 : (double)hits / made, gold == 0 ? 1 : (double)hits / gold, hits, made, gold);
    }

    [GeneratedRegex(@"(?m)^topics:\s*\[([^\]]*)\]\s*\n")]
    private static partial Regex FrontMatterTopics();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();
}
