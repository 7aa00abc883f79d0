using Notifications.Articles;

namespace Notifications.Digests;

/// <summary>
/// What one archived rendering of a run carries (<c>&lt;run id&gt;/&lt;variant&gt;/rendering.json</c> in the digests container, next to
/// its subject and bodies): the articles as they were rendered, in which language, for which period, and whether it is a correction
/// alert, and the variant's topics (<see cref="Topics"/>, for the footer's "You follow: …"; none in a rendering recorded before
/// they were: every topic). Before a batch of it is claimed, its articles are checked against the index (<see cref="DigestBatchSender"/>): one withdrawn
/// since means the batch sends a rendering made again without it (<see cref="WithoutId"/>), or nothing when none is left.
/// </summary>
public sealed record DigestRendering(DigestPeriod Shown, string Language, bool Correction, IReadOnlyList<IndexedArticle> Articles,
    IReadOnlyList<string>? Topics = null)
{
    /// <summary>
    /// The id of the rendering of <paramref name="variant"/> without the withdrawn articles, the same for every sender that meets the
    /// same withdrawals: "en-t1a2b3c4-w5d6e7f8" (what is left, hashed).
    /// </summary>
    public static string WithoutId(string variant, IEnumerable<IndexedArticle> left)
        => $"{variant}-w{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join('\n', left.Select(a => a.BlobName).Order(StringComparer.Ordinal)))))[..8]}";
}
