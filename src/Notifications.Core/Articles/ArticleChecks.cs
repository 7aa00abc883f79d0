using Microsoft.Extensions.Options;

namespace Notifications.Articles;

/// <summary>What the checks need to know beyond the article: the languages subscribers read, and the languages its translation group has.</summary>
/// <param name="ReaderLanguages">Languages at least one active subscriber reads (en, ru, fr).</param>
/// <param name="GroupLanguages">Languages of the article's translation group in the index, this article's own included.</param>
public sealed record ArticleCheckFacts(IReadOnlyCollection<string> ReaderLanguages, IReadOnlyCollection<string> GroupLanguages);

/// <summary>
/// The one set of editorial checks on an article that will go out (the editors' desk shows them before publishing,
/// <c>notify articles publish</c> prints them after): a title too long for a subject or inbox line, no link and no body to host,
/// a session that ended long ago, more than a few topics, no published date, a summary that only repeats the title, a
/// translation group missing a language subscribers read. Warnings, never refusals: the editor decides.
/// [GROUNDWORK: helper "checks" implements this; the signature is the contract.]
/// </summary>
public sealed class ArticleChecks(TimeProvider time, IOptions<ArticleOptions> options)
{
    /// <summary>The warnings for <paramref name="article"/>, in a fixed order; empty when nothing needs a look.</summary>
    public IReadOnlyList<ArticleWarning> Check(Article article, ArticleCheckFacts facts)
        => throw new NotImplementedException($"helper checks: {time}{options}{article}{facts}");
}
