using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Notifications.Core.Tests.Telemetry;

/// <summary>
/// A logger provider that keeps everything a real provider could write, as text: category, level, the formatted message, every
/// structured value, every scope (and its values), and the exception's full <c>ToString()</c> (messages, inner exceptions, stack).
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Text => string.Join('\n', Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static void Append(StringBuilder line, object? value)
    {
        switch (value)
        {
            case null:
                line.Append("(null)");
                break;
            case string s:
                line.Append(s);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (key, v) in pairs)
                {
                    line.Append(' ').Append(key).Append('=');
                    Append(line, v);
                }
                line.Append(" | ").Append(value);
                break;
            case IEnumerable sequence:
                foreach (var item in sequence)
                {
                    Append(line, item);
                    line.Append(',');
                }
                break;
            default:
                line.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            line.Append(" {");
            Append(line, state);
            line.Append('}');
            capture._scopes?.ForEachScope((scope, l) =>
            {
                l.Append(" [scope ");
                Append(l, scope);
                l.Append(']');
            }, line);
            if (exception is not null)
                line.Append('\n').Append(exception);
            capture._lines.Enqueue(line.ToString());
        }
    }
}
