using Microsoft.Extensions.Options;
using Notifications.Topics;

namespace Notifications.Articles;

/// <summary>
/// Finds the topics of <see cref="TopicOptions.Topics"/> an article is about. Keywords match case-insensitively anywhere, except
/// a keyword written entirely in capitals ("NII", "TFA"), which matches only as a whole word in capitals.
/// <see cref="Mentions"/> lists every topic a text mentions; <see cref="Classify"/> picks the few an article is about: each mention
/// scores by where it is (<see cref="TitleWeight"/> in the title; in the body from 1 at the start down to 0.5 at the end; mentions of
/// one topic closer than <see cref="MergeDistance"/> characters count once: "non-intrusive inspection (NII)"), and a topic is kept
/// when it scores at least <see cref="Threshold"/> of the best one, at most <see cref="MaxTopics"/>, best first.
/// Figures on the corpus: docs/benchmarks.md (TopicInferenceMeasurementTests).
/// </summary>
public sealed class TopicClassifier(IOptions<TopicOptions> options)
{
    /// <summary>At most this many topics are inferred for one article.</summary>
    public const int MaxTopics = 3;

    /// <summary>A topic is kept when its score is at least this share of the best topic's.</summary>
    public const double Threshold = 0.5;

    /// <summary>A mention in the title counts as much as two at the start of the body.</summary>
    public const double TitleWeight = 2.0;

    /// <summary>Mentions of one topic closer than this (in characters) are one mention.</summary>
    public const int MergeDistance = 40;

    private readonly Topic[] _topics = Compile((options ?? throw new ArgumentNullException(nameof(options))).Value);

    private sealed record Topic(string Key, string[] Anywhere, string[] WholeWord);

    /// <summary>The few topics an article with this title and body is about, best first.</summary>
    public IReadOnlyList<string> Classify(string title, string body)
        => Scores(title, body).Where((s, i) => i < MaxTopics).Select(s => s.Key).ToList();

    /// <summary>Every topic the title or body mentions with its score, best first (ties: the first mentioned first), after the threshold.</summary>
    public IReadOnlyList<(string Key, double Score)> Scores(string title, string body)
    {
        title ??= "";
        body ??= "";
        var scored = new List<(string Key, double Score, int First, int Order)>();
        for (var t = 0; t < _topics.Length; t++)
        {
            var inTitle = Positions(_topics[t], title);
            var inBody = Positions(_topics[t], body);
            if (inTitle.Count + inBody.Count == 0) continue;
            var score = inTitle.Count * TitleWeight + inBody.Sum(p => 1.0 - 0.5 * p / Math.Max(1, body.Length));
            var first = inTitle.Count > 0 ? inTitle[0] - title.Length - 1 : inBody[0];
            scored.Add((_topics[t].Key, score, first, t));
        }
        if (scored.Count == 0) return [];
        var best = scored.Max(s => s.Score);
        return scored.Where(s => s.Score >= Threshold * best - 1e-9)
            .OrderByDescending(s => Math.Round(s.Score, 9)).ThenBy(s => s.First).ThenBy(s => s.Order)
            .Select(s => (s.Key, s.Score)).ToList();
    }

    /// <summary>Every topic the text mentions, lower-cased, distinct, in the order its first keyword appears.</summary>
    public IReadOnlyList<string> Mentions(string text)
    {
        if (string.IsNullOrEmpty(text) || _topics.Length == 0)
            return [];
        var found = new List<(int Position, int Order, string Key)>();
        for (var t = 0; t < _topics.Length; t++)
        {
            var positions = Positions(_topics[t], text);
            if (positions.Count > 0)
                found.Add((positions[0], t, _topics[t].Key));
        }
        found.Sort((a, b) => a.Position != b.Position ? a.Position.CompareTo(b.Position) : a.Order.CompareTo(b.Order));
        return found.Select(f => f.Key).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Where the topic's keywords start in the text, ascending; mentions closer than <see cref="MergeDistance"/> count once.</summary>
    private static List<int> Positions(Topic topic, string text)
    {
        var all = new List<int>();
        if (text.Length == 0) return all;
        foreach (var keyword in topic.Anywhere)
            for (var i = text.IndexOf(keyword, StringComparison.OrdinalIgnoreCase); i >= 0;
                 i = i + 1 < text.Length ? text.IndexOf(keyword, i + 1, StringComparison.OrdinalIgnoreCase) : -1)
                all.Add(i);
        foreach (var keyword in topic.WholeWord)
            for (var i = IndexOfWholeWord(text, keyword, 0); i >= 0; i = IndexOfWholeWord(text, keyword, i + 1))
                all.Add(i);
        all.Sort();
        var merged = new List<int>();
        foreach (var p in all)
            if (merged.Count == 0 || p - merged[^1] >= MergeDistance)
                merged.Add(p);
        return merged;
    }

    private static Topic[] Compile(TopicOptions options)
    {
        if (options.Topics is null)
            return [];
        var topics = new List<Topic>();
        foreach (var (key, keywords) in options.Topics)
        {
            if (string.IsNullOrWhiteSpace(key) || keywords is null)
                continue;
            var anywhere = new List<string>();
            var wholeWord = new List<string>();
            foreach (var raw in keywords)
            {
                var keyword = raw?.Trim();
                if (string.IsNullOrEmpty(keyword))
                    continue;
                (IsAllCapitals(keyword) ? wholeWord : anywhere).Add(keyword);
            }
            if (anywhere.Count + wholeWord.Count > 0)
                topics.Add(new Topic(
                    key.Trim().ToLowerInvariant(),
                    [.. anywhere.Distinct(StringComparer.OrdinalIgnoreCase)],
                    [.. wholeWord.Distinct(StringComparer.Ordinal)]));
        }
        return [.. topics];
    }

    private static bool IsAllCapitals(string keyword)
    {
        var letters = false;
        foreach (var c in keyword)
        {
            if (!char.IsLetter(c))
                continue;
            if (!char.IsUpper(c))
                return false;
            letters = true;
        }
        return letters;
    }

    private static int IndexOfWholeWord(string text, string keyword, int from)
    {
        while (from <= text.Length - keyword.Length)
        {
            var i = text.IndexOf(keyword, from, StringComparison.Ordinal);
            if (i < 0)
                return -1;
            var end = i + keyword.Length;
            if ((i == 0 || !char.IsLetterOrDigit(text[i - 1])) && (end >= text.Length || !char.IsLetterOrDigit(text[end])))
                return i;
            from = i + 1;
        }
        return -1;
    }
}
