using System.Diagnostics;

namespace CheckIn.Bench.Load;

/// <summary>How well the open loop kept its schedule.</summary>
internal sealed record OpenLoopStats(
    double Rate, long Planned, long Sent, long Unsent, long Late, long WaitedForSlot, int MaxInFlight, LatencySummary SendDelayMs);

/// <summary>
/// Open loop (constant arrival rate): request i is due at <c>start + i / rate</c>, whatever happened to the
/// requests before it. Latency is measured from that intended time, so a stall of the host shows in every request
/// it delayed (no coordinated omission). At most <c>maxInFlight</c> requests are outstanding; a request that finds
/// no free slot waits for one (its wait counts in its latency) and is counted as late when it leaves more than
/// 10 ms after its time; requests still unsent when the duration ends are counted as unsent.
/// </summary>
internal static class OpenLoop
{
    private static readonly long LateTicks = Stopwatch.Frequency / 100;

    public static async Task<OpenLoopStats> RunAsync(
        double rate, int maxInFlight, TimeSpan warmup, TimeSpan duration, IEnumerable<OperationRecorder> recorders,
        Func<long, long, Task> send, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + ClosedLoop.Ticks(warmup);
        var end = windowStart + ClosedLoop.Ticks(duration);
        foreach (var recorder in recorders)
        {
            recorder.OpenWindow(windowStart);
            recorder.CloseWindow(end);
        }
        var interval = Stopwatch.Frequency / rate;
        var planned = (long)((warmup + duration).TotalSeconds * rate);
        var delays = new OperationRecorder("send delay");
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        long sent = 0, late = 0, waited = 0;
        for (long i = 0; i < planned && !cancellationToken.IsCancellationRequested; i++)
        {
            var intended = start + (long)(i * interval);
            var now = Stopwatch.GetTimestamp();
            if (intended - now > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)(intended - now) / Stopwatch.Frequency), cancellationToken);
            }
            if (!slots.Wait(0, cancellationToken))
            {
                waited++;
                await slots.WaitAsync(cancellationToken);
            }
            now = Stopwatch.GetTimestamp();
            // Past the end (beyond timer slack): the host fell so far behind that the rest is counted as unsent.
            if (now > end + (Stopwatch.Frequency / 20))
            {
                slots.Release();
                break;
            }
            var delay = now - intended;
            delays.RecordValue(TimeSpan.FromSeconds(Math.Max(0, delay) / (double)Stopwatch.Frequency));
            if (delay > LateTicks)
            {
                late++;
            }
            sent++;
            var sequence = i;
            // Sent a little early (timer granularity): measure from the real send, never flatter the figures.
            var measuredFrom = Math.Min(intended, now);
            _ = Task.Run(async () =>
            {
                try
                {
                    await send(sequence, measuredFrom);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
        }
        for (var i = 0; i < maxInFlight; i++)
        {
            await slots.WaitAsync(cancellationToken);
        }
        return new OpenLoopStats(rate, planned, sent, planned - sent, late, waited, maxInFlight, delays.Summarize(TimeSpan.FromSeconds(1)).LatencyMs);
    }
}
