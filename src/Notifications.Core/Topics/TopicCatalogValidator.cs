using Microsoft.Extensions.Options;

namespace Notifications.Topics;

/// <summary>On start: every topic name (key, translated name, abbreviation) of <c>Articles:Topics</c> means one topic.</summary>
public sealed class TopicCatalogValidator : IValidateOptions<TopicOptions>
{
    public ValidateOptionsResult Validate(string? name, TopicOptions options)
        => TopicCatalog.Conflicts(options.Topics) is { Count: > 0 } conflicts ? ValidateOptionsResult.Fail(conflicts) : ValidateOptionsResult.Success;
}
