using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Notifications.Telemetry;

/// <summary>
/// Wraps the host's logger factory (with <c>EnableRedaction</c>, the redacting one) so that every logger it makes passes each entry through
/// <see cref="LogScrubber"/> before the factory's own pipeline and any provider (console, Functions host, OpenTelemetry) sees it:
/// structured values, the formatted message, scope values and exceptions. Entries with nothing to mask pass through untouched, so
/// classified <c>[LoggerMessage]</c> parameters still reach the redactors with their classification.
/// </summary>
public sealed class ScrubbingLoggerFactory(ILoggerFactory inner, bool ownsInner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILoggerFactory Inner => inner;

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, static (name, f) => new ScrubbingLogger(f.CreateLogger(name)), inner);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        if (ownsInner) inner.Dispose();
    }
}

/// <summary>One category's logger behind <see cref="ScrubbingLoggerFactory"/>.</summary>
internal sealed class ScrubbingLogger(ILogger inner) : ILogger
{
    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => state switch
    {
        string text => inner.BeginScope(LogScrubber.Scrub(text)),
        IReadOnlyList<KeyValuePair<string, object?>> pairs when ScrubbedState.From(pairs, pairs.ToString() ?? "") is { } scrubbed => inner.BeginScope(scrubbed),
        _ => inner.BeginScope(state),
    };

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel)) return;
        var scrubbedException = LogScrubber.Scrub(exception);

        if (state is LoggerMessageState generated)
        {
            // A [LoggerMessage] entry of the extended generator: its message is built from these tags, and the redacting logger
            // behind us still needs the classified ones as such. Mask in place (the state belongs to this call).
            ScrubInPlace(generated);
            inner.Log(logLevel, eventId, state, scrubbedException, formatter);
            return;
        }

        var message = formatter(state, exception);
        var scrubbedMessage = LogScrubber.Scrub(message);
        var scrubbedState = state is IReadOnlyList<KeyValuePair<string, object?>> pairs
            ? ScrubbedState.From(pairs, scrubbedMessage, force: !ReferenceEquals(message, scrubbedMessage))
            : ReferenceEquals(message, scrubbedMessage) ? null : new ScrubbedState([], scrubbedMessage);
        if (scrubbedState is null)
            inner.Log(logLevel, eventId, state, scrubbedException, formatter);
        else
            inner.Log(logLevel, eventId, scrubbedState, scrubbedException, static (s, _) => s.Message);
    }

    private static void ScrubInPlace(LoggerMessageState state)
    {
        var tags = state.TagArray;
        for (var i = 0; i < state.TagsCount; i++)
        {
            var value = LogScrubber.ScrubValue(tags[i].Value);
            if (!ReferenceEquals(value, tags[i].Value))
                tags[i] = new KeyValuePair<string, object?>(tags[i].Key, value);
        }
        var classified = state.ClassifiedTagArray;
        for (var i = 0; i < state.ClassifiedTagsCount; i++)
        {
            var value = LogScrubber.ScrubValue(classified[i].Value);
            if (!ReferenceEquals(value, classified[i].Value))
                classified[i] = new LoggerMessageState.ClassifiedTag(classified[i].Name, value, classified[i].Classifications);
        }
    }
}

/// <summary>A log entry's structured values and message after masking; what providers get instead of the original state.</summary>
internal sealed class ScrubbedState(KeyValuePair<string, object?>[] pairs, string message) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string Message => message;

    public KeyValuePair<string, object?> this[int index] => pairs[index];

    public int Count => pairs.Length;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => message;

    /// <summary>The masked copy of <paramref name="pairs"/>; null when no value needed masking and <paramref name="force"/> is false.</summary>
    public static ScrubbedState? From(IReadOnlyList<KeyValuePair<string, object?>> pairs, string message, bool force = false)
    {
        KeyValuePair<string, object?>[]? copy = null;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (key, value) = pairs[i];
            var scrubbed = LogScrubber.ScrubValue(value);
            if (ReferenceEquals(scrubbed, value)) continue;
            copy ??= [.. pairs];
            copy[i] = new KeyValuePair<string, object?>(key, scrubbed);
        }
        if (copy is null && !force) return null;
        return new ScrubbedState(copy ?? [.. pairs], LogScrubber.Scrub(message));
    }
}
