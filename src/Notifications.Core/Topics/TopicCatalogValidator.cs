using Microsoft.Extensions.Options;
using Notifications.Articles;

namespace Notifications.Topics;

/// <summary>On start: every topic name (key, translated name, abbreviation) of <c>Articles:Topics</c> means one topic.</summary>
public sealed class TopicCatalogValidator : IValidateOptions<ArticleOptions>
{
    public ValidateOptionsResult Validate(string? name, ArticleOptions options)
        => TopicCatalog.Conflicts(options.Topics) is { Count: > 0 } conflicts ? ValidateOptionsResult.Fail(conflicts) : ValidateOptionsResult.Success;
}
