using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace CheckIn.Bench.Load;

/// <summary>
/// Latencies (HdrHistogram, microseconds), statuses and errors of one named operation. Only requests whose start
/// (for open loop: intended start) falls inside the measurement window are recorded; warm-up traffic is counted
/// for the progress line only.
/// </summary>
internal sealed class OperationRecorder(string name)
{
    private const long HighestMicroseconds = 120_000_000; // 2 min: anything slower is clamped, never dropped

    private readonly LongConcurrentHistogram _histogram = new(1, HighestMicroseconds, 3);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, long> _statuses = new();
    private long _windowStart = long.MinValue;
    private long _windowEnd = long.MaxValue;
    private long _seen;
    private long _seenErrors;

    public string Name { get; } = name;

    /// <summary>Every completed request including warm-up: what the progress line shows.</summary>
    public long Seen => Interlocked.Read(ref _seen);

    public long SeenErrors => Interlocked.Read(ref _seenErrors);

    public long Count => _histogram.TotalCount;

    public long ErrorCount => _errors.Values.Sum();

    public TimeSpan Window => _windowEnd == long.MaxValue || _windowStart == long.MinValue
        ? TimeSpan.Zero
        : Stopwatch.GetElapsedTime(_windowStart, _windowEnd);

    /// <summary>Records only requests that start from now on (until <see cref="CloseWindow"/>).</summary>
    public void OpenWindow(long startTimestamp) => _windowStart = startTimestamp;

    public void CloseWindow(long endTimestamp) => _windowEnd = endTimestamp;

    /// <summary>
    /// One finished request. <paramref name="error"/> names an unexpected outcome ("503 SERVICE_UNAVAILABLE",
    /// "timeout"); expected refusals (a lost race's 409) pass null and show only under their status.
    /// </summary>
    public void Record(long startTimestamp, long endTimestamp, int status, string? error)
    {
        Interlocked.Increment(ref _seen);
        if (error is not null)
        {
            Interlocked.Increment(ref _seenErrors);
        }
        if (startTimestamp < _windowStart || startTimestamp > _windowEnd)
        {
            return;
        }
        Add(Stopwatch.GetElapsedTime(startTimestamp, endTimestamp), status, error);
    }

    /// <summary>A measured value that is not a request latency (a visibility or expiry lag), always recorded.</summary>
    public void RecordValue(TimeSpan value, string? error = null)
    {
        Interlocked.Increment(ref _seen);
        Add(value, 0, error);
    }

    private void Add(TimeSpan value, int status, string? error)
    {
        _histogram.RecordValue(Math.Clamp((long)value.TotalMicroseconds, 1, HighestMicroseconds));
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (error is not null)
        {
            _errors.AddOrUpdate(error, 1, (_, n) => n + 1);
        }
    }

    /// <summary>One percentile (0-100) of the recorded values in ms, for a target the standard summary does not carry (p95).</summary>
    public double PercentileMs(double percentile)
    {
        var h = _histogram.Copy();
        return h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(percentile) / 1000.0;
    }

    public OperationSummary Summarize(TimeSpan? window = null)
    {
        var seconds = (window ?? Window).TotalSeconds;
        var h = _histogram.Copy();
        double Ms(double percentile) => h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(percentile) / 1000.0;
        return new OperationSummary(
            Name,
            h.TotalCount,
            _errors.Values.Sum(),
            new SortedDictionary<string, long>(_errors, StringComparer.Ordinal),
            new SortedDictionary<int, long>(_statuses),
            seconds > 0 ? h.TotalCount / seconds : 0,
            new LatencySummary(Ms(50), Ms(90), Ms(99), Ms(99.9), h.TotalCount == 0 ? 0 : h.GetMaxValue() / 1000.0),
            seconds);
    }
}

internal sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max);

internal sealed record OperationSummary(
    string Name,
    long Count,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    IReadOnlyDictionary<int, long> Statuses,
    double ThroughputPerSecond,
    LatencySummary LatencyMs,
    double WindowSeconds);
