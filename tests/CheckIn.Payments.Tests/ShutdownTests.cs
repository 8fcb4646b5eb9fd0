using System.Collections.Concurrent;
using CheckIn.Payments.Tests.Support;

namespace CheckIn.Payments.Tests;

/// <summary>Stopping the simulator is normal: a delivery cut short by shutdown is not an error.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Cancelling_delivery_while_a_webhook_is_in_flight_logs_no_error_or_critical_line()
    {
        await using var receiver = await WebhookReceiver.StartAsync(gated: true);
        var logs = new CapturingLoggerProvider();
        var sim = await Simulator.StartAsync(receiver.Url, logs: logs);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;
        await sim.TransitionAsync(id, "pay");
        // The receiver holds the request: the delivery is in flight when the host stops.
        await Eventually.TrueAsync(() => receiver.Received.Count == 1, "the webhook to reach the receiver");

        // A host torn down without a stop cancels its background services: what a test host or an aborted start does.
        await sim.DisposeWithoutStopAsync();
        // The host logs a failed background service from its own continuation, after the dispose returned.
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Empty(logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Level} {e.Category}: {e.Message}"));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name})")));
        }
    }
}
