using System.Security.Cryptography;
using System.Text;
using Notifications.Articles;
using Notifications.Delivery;

namespace Notifications.Digests;

/// <summary>
/// One rendering of a run: a language and a topic set. Subscribers who share both get the same content; each variant is
/// rendered once, never per subscriber. Its id names its folder in the archive and its batches in the ledger.
/// </summary>
public sealed record DigestVariant(string Language, IReadOnlyList<string> Topics)
{
    /// <summary>English, every topic: also what the ledger takes a batch to be when it names no variant.</summary>
    public const string Default = DeliveryLedger.DefaultVariant;

    /// <summary>"en" for English with every topic; "ru-t1a2b3c4" for Russian with a topic set.</summary>
    public string Id => Topics.Count == 0
        ? Language
        : $"{Language}-t{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", Topics))))[..8]}";

    public static DigestVariant Of(string language, IEnumerable<string> topics)
        => new(language, topics.Select(t => t.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList());

    /// <summary>
    /// The articles of the window this variant shows: those on its topics (a translation group counts if any of its members is),
    /// each group once, in the variant's language when a translation exists, else in the original (the first accepted).
    /// </summary>
    public IReadOnlyList<IndexedArticle> Select(IReadOnlyList<IndexedArticle> window)
        => window
            .GroupBy(a => a.TranslationKey ?? a.BlobName, StringComparer.Ordinal)
            .Where(g => Topics.Count == 0 || g.Any(a => a.Topics.Any(t => Topics.Contains(t.ToLowerInvariant()))))
            .Select(g => g.FirstOrDefault(a => a.Language == Language) ?? g.OrderBy(a => a.AcceptedAt).ThenBy(a => a.BlobName, StringComparer.Ordinal).First())
            .OrderBy(a => a.AvailableAt).ThenBy(a => a.BlobName, StringComparer.Ordinal)
            .ToList();
}
