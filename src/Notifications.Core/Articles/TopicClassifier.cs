using Microsoft.Extensions.Options;
using Notifications.Topics;

namespace Notifications.Articles;

/// <summary>
/// Finds the topics of <see cref="TopicOptions.Topics"/> whose keywords occur in a text. Keywords match case-insensitively
/// anywhere, except a keyword written entirely in capitals ("NII", "TFA"), which matches only as a whole word in capitals.
/// Topics come back lower-cased, distinct, in the order their first keyword appears in the text.
/// </summary>
public sealed class TopicClassifier(IOptions<TopicOptions> options)
{
    private readonly Topic[] _topics = Compile((options ?? throw new ArgumentNullException(nameof(options))).Value);

    private sealed record Topic(string Key, string[] Anywhere, string[] WholeWord);

    public IReadOnlyList<string> Classify(string text)
    {
        if (string.IsNullOrEmpty(text) || _topics.Length == 0)
            return [];

        var found = new List<(int Position, int Order, string Key)>();
        for (var t = 0; t < _topics.Length; t++)
        {
            var topic = _topics[t];
            var first = int.MaxValue;
            foreach (var keyword in topic.Anywhere)
            {
                var i = text.IndexOf(keyword, StringComparison.OrdinalIgnoreCase);
                if (i >= 0 && i < first)
                    first = i;
            }
            foreach (var keyword in topic.WholeWord)
            {
                var i = IndexOfWholeWord(text, keyword);
                if (i >= 0 && i < first)
                    first = i;
            }
            if (first != int.MaxValue)
                found.Add((first, t, topic.Key));
        }

        found.Sort((a, b) => a.Position != b.Position ? a.Position.CompareTo(b.Position) : a.Order.CompareTo(b.Order));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>(found.Count);
        foreach (var (_, _, key) in found)
        {
            if (seen.Add(key))
                result.Add(key);
        }
        return result;
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

    private static int IndexOfWholeWord(string text, string keyword)
    {
        var from = 0;
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
