using System.Diagnostics;

namespace CheckIn.Bench.Load;

/// <summary>
/// Closed loop: <c>clients</c> workers, each sending its next request as soon as the previous one answered, for
/// warm-up + duration. Requests that start inside the measurement window are recorded.
/// </summary>
internal static class ClosedLoop
{
    public static async Task RunAsync(
        int clients, TimeSpan warmup, TimeSpan duration, IEnumerable<OperationRecorder> recorders,
        Func<int, CancellationToken, Task> iteration, CancellationToken cancellationToken)
    {
        var windowStart = Stopwatch.GetTimestamp() + Ticks(warmup);
        var windowEnd = windowStart + Ticks(duration);
        foreach (var recorder in recorders)
        {
            recorder.OpenWindow(windowStart);
            recorder.CloseWindow(windowEnd);
        }
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < windowEnd && !cancellationToken.IsCancellationRequested)
            {
                await iteration(client, cancellationToken);
            }
        }, CancellationToken.None));
        await Task.WhenAll(workers);
    }

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
