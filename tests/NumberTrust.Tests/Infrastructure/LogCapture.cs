using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NumberTrust.Tests.Infrastructure;

/// <summary>Keeps every log entry of a host (event id, category, message), for tests that assert on what the app reported.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Category, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(int EventId, string Category, LogLevel Level, string Message)> Entries => _entries.ToArray();

    public int Count(int eventId) => _entries.Count(e => e.EventId == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue((eventId.Id, category, logLevel, formatter(state, exception)));
    }
}
